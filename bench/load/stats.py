"""Figures of one load level: latencies per kind of turn, throughput, hand-over times, memory,
and the table that prints them beside the goals of issue 7."""

from __future__ import annotations

import math
import os
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

# Issue 7's goals (ms, except memory in bytes).
GOAL_BOT_P95_MS = 200.0  # at 10 concurrent conversations
GOAL_HANDOVER_P95_MS = 500.0
GOAL_AGENT_REPLY_P95_MS = 100.0
GOAL_MEMORY_BYTES = 4 * 1024**3
GOAL_BOT_CONCURRENCY = 10


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of the values; nan when there are none."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


@dataclass
class LevelResult:
    """What one level (N concurrent conversations for a bounded time) measured."""

    concurrency: int
    pacing: str = "none"  # "none": flat out; "human": customers read and type (bench/load/pacing.py)
    duration_s: float = 0.0  # until the last conversation ended, past the window
    window_s: float = 0.0  # the level's planned time: turns ended within it give the rate
    turns_in_window: int = 0
    turns: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))  # kind -> ms
    channel_turns: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    conversations: int = 0
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    handover_ms: list[float] = field(default_factory=list)
    agent_reply_ms: list[float] = field(default_factory=list)
    handovers_started: int = 0
    # Conversations the detector handed to a person on its own (a question asking for one, say):
    # the bot's silence after that is right, not an error.
    unplanned_handovers: int = 0
    memory_peak: dict[str, int] = field(default_factory=dict)  # process -> bytes (RSS incl. children)
    memory_total_peak: int = 0
    cpu_cores: dict[str, float] = field(default_factory=dict)  # process -> cores busy on average
    load_average: tuple[float, float, float] = (0.0, 0.0, 0.0)

    def record_turn(self, kind: str, channel: str, ms: float, in_window: bool = True) -> None:
        self.turns[kind].append(ms)
        self.channel_turns[channel] += 1
        if in_window:
            self.turns_in_window += 1

    def error(self, what: str) -> None:
        self.errors[what] += 1

    @property
    def turn_count(self) -> int:
        return sum(len(values) for values in self.turns.values())

    @property
    def all_turns(self) -> list[float]:
        return [ms for values in self.turns.values() for ms in values]

    @property
    def messages_per_second(self) -> float:
        """Turns ended within the level's window over the window: the turns still in flight at its
        end, and the hand-overs waited for after it, would otherwise lengthen the time and lower
        the rate by however long they took."""
        if self.window_s:
            return self.turns_in_window / self.window_s
        return self.turn_count / self.duration_s if self.duration_s else 0.0

    def as_dict(self) -> dict[str, Any]:
        def figures(values: list[float]) -> dict[str, float | int]:
            return {"n": len(values), "p50": percentile(values, 50), "p95": percentile(values, 95),
                    "p99": percentile(values, 99)}

        return {
            "concurrency": self.concurrency, "pacing": self.pacing, "duration_s": self.duration_s,
            "window_s": self.window_s, "turns_in_window": self.turns_in_window,
            "conversations": self.conversations,
            "turns": {kind: figures(values) for kind, values in sorted(self.turns.items())},
            "all_turns": figures(self.all_turns), "messages_per_second": self.messages_per_second,
            "channels": dict(self.channel_turns), "errors": dict(self.errors),
            "handover_ms": figures(self.handover_ms), "handovers_started": self.handovers_started,
            "unplanned_handovers": self.unplanned_handovers,
            "agent_reply_ms": figures(self.agent_reply_ms),
            "memory_peak": dict(self.memory_peak), "memory_total_peak": self.memory_total_peak,
            "cpu_cores": dict(self.cpu_cores),
            "load_average": list(self.load_average),
        }


def _ms(value: float) -> str:
    return "-" if math.isnan(value) else f"{value:.0f}"


def _ms_unit(value: float) -> str:
    return "-" if math.isnan(value) else f"{value:.0f} ms"


def _verdict(value: float, goal: float) -> str:
    if math.isnan(value):
        return "not measured"
    return "met" if value < goal else "NOT met"


def _mib(value: int) -> str:
    return f"{value / 1024**2:.0f} MiB"


def _label(level: LevelResult) -> str:
    return str(level.concurrency) if level.pacing == "none" else f"{level.concurrency} ({level.pacing})"


def report(levels: list[LevelResult]) -> str:
    """Markdown tables: bot replies per kind and level, then hand-over, agent replies, throughput, memory."""
    lines = ["", "Bot reply time per kind of turn (ms; REST: the POST, socket.io: emit to Rasa's ack)", "",
             "| concurrent | kind | n | p50 | p95 | p99 |", "| --- | --- | --- | --- | --- | --- |"]
    for level in levels:
        for kind, values in sorted(level.turns.items()):
            lines.append(f"| {_label(level)} | {kind} | {len(values)} | {_ms(percentile(values, 50))} | "
                         f"{_ms(percentile(values, 95))} | {_ms(percentile(values, 99))} |")
        every = level.all_turns
        lines.append(f"| {_label(level)} | **all** | {len(every)} | {_ms(percentile(every, 50))} | "
                     f"{_ms(percentile(every, 95))} | {_ms(percentile(every, 99))} |")
    lines += ["", "| concurrent | pacing | seconds | conversations | turns | msg/s | REST / socket.io turns | "
              "errors | hand-over p50 / p95 (n) | agent reply p50 / p95 (n) | load avg (1 min) |",
              "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for level in levels:
        errors = ", ".join(f"{k} {v}" for k, v in sorted(level.errors.items())) or "0"
        if level.unplanned_handovers:
            errors += f" (and {level.unplanned_handovers} handed over by the detector, no bot reply expected)"
        lines.append(
            f"| {level.concurrency} | {level.pacing} | {level.duration_s:.0f} | {level.conversations} | "
            f"{level.turn_count} | "
            f"{level.messages_per_second:.1f} | {level.channel_turns.get('rest', 0)} / "
            f"{level.channel_turns.get('socketio', 0)} | {errors} | "
            f"{_ms(percentile(level.handover_ms, 50))} / {_ms(percentile(level.handover_ms, 95))} "
            f"({len(level.handover_ms)}/{level.handovers_started}) | "
            f"{_ms(percentile(level.agent_reply_ms, 50))} / {_ms(percentile(level.agent_reply_ms, 95))} "
            f"({len(level.agent_reply_ms)}) | {level.load_average[0]:.1f} |")
    names = sorted({name for level in levels for name in level.memory_peak})
    if names:
        lines += ["", "Peak memory (RSS of each process and its children, sampled every 0.5 s)", "",
                  "| concurrent | " + " | ".join(names) + " | all together (peak of the sum) |",
                  "| --- | " + " | ".join("---" for _ in names) + " | --- |"]
        for level in levels:
            cells = " | ".join(_mib(level.memory_peak.get(name, 0)) for name in names)
            lines.append(f"| {_label(level)} | {cells} | {_mib(level.memory_total_peak)} |")
    cpu_names = sorted({name for level in levels for name in level.cpu_cores})
    if cpu_names:
        lines += ["", f"CPU: cores each process kept busy on average during the level (this machine has "
                      f"{os.cpu_count()})", "",
                  "| concurrent | " + " | ".join(cpu_names) + " | all together |",
                  "| --- | " + " | ".join("---" for _ in cpu_names) + " | --- |"]
        for level in levels:
            cells = " | ".join(f"{level.cpu_cores.get(name, 0.0):.2f}" for name in cpu_names)
            lines.append(f"| {_label(level)} | {cells} | {sum(level.cpu_cores.values()):.2f} |")
    lines += ["", goals(levels)]
    return "\n".join(lines)


def goals(levels: list[LevelResult]) -> str:
    """Each goal of issue 7 beside the figure it is judged on."""
    rows = ["| goal | figure | verdict |", "| --- | --- | --- |"]
    at_goal = [lv for lv in levels if lv.concurrency == GOAL_BOT_CONCURRENCY]
    for level in at_goal:
        p95 = percentile(level.all_turns, 95)
        rows.append(f"| bot reply p95 < {GOAL_BOT_P95_MS:.0f} ms at {GOAL_BOT_CONCURRENCY} conversations "
                    f"({level.pacing} pacing) | {_ms_unit(p95)} | {_verdict(p95, GOAL_BOT_P95_MS)} |")
    if not at_goal:
        rows.append(f"| bot reply p95 < {GOAL_BOT_P95_MS:.0f} ms at {GOAL_BOT_CONCURRENCY} conversations | "
                    "level not run | not measured |")
    for level in levels:
        handover = percentile(level.handover_ms, 95)
        rows.append(f"| hand-over to agent p95 < {GOAL_HANDOVER_P95_MS:.0f} ms ({_label(level)} concurrent) | "
                    f"{_ms_unit(handover)} | {_verdict(handover, GOAL_HANDOVER_P95_MS)} |")
        reply = percentile(level.agent_reply_ms, 95)
        rows.append(f"| agent reply to customer p95 < {GOAL_AGENT_REPLY_P95_MS:.0f} ms ({_label(level)} "
                    f"concurrent) | {_ms_unit(reply)} | {_verdict(reply, GOAL_AGENT_REPLY_P95_MS)} |")
    peak = max((lv.memory_total_peak for lv in levels), default=0)
    if peak:
        rows.append(f"| everything together < 4 GB | {_mib(peak)} | "
                    f"{'met' if peak < GOAL_MEMORY_BYTES else 'NOT met'} |")
    # Only a flat-out level saturates: with human pauses msg/s is what the customers offer.
    best = max((lv for lv in levels if lv.pacing == "none"), key=lambda lv: lv.messages_per_second, default=None)
    if best:
        rows.append(f"| messages per second at saturation (no goal) | {best.messages_per_second:.1f} "
                    f"at {best.concurrency} concurrent, flat out | - |")
    else:
        rows.append("| messages per second at saturation (no goal) | no flat-out level run | - |")
    return "Goals (issue 7)\n\n" + "\n".join(rows)
