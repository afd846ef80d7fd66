"""Smoke run of the load generator (bench/load) against the session's whole system: one customer
for a few seconds, every scenario in turn (the hand-over first), through the command line as it
loads a running stack. The figures themselves are in docs/benchmarks.md, from full runs."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from bench.load.__main__ import main
from bench.load.memory import pid_listening_on, tree_rss
from bench.load.pacing import HumanPace, pause_seconds
from bench.load.stats import percentile
from tests.conftest import Stack


def test_percentiles_are_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert (percentile(values, 50), percentile(values, 95), percentile(values, 99)) == (50.0, 95.0, 99.0)
    assert percentile([7.0], 99) == 7.0
    assert math.isnan(percentile([], 50))


def test_human_pauses_grow_with_what_is_read_and_typed() -> None:
    import random

    def mean(replies: str, typed: str, pressing: bool = False) -> float:
        rng = random.Random(1)
        return sum(pause_seconds("human", rng, replies, typed, pressing) for _ in range(400)) / 400

    assert pause_seconds("none", random.Random(1), "a long reply " * 50, "a long message " * 20, False) == 0.0
    short, long_reply = mean("Hi!", "where is my order"), mean("word " * 120, "where is my order")
    assert 3 < short < 9  # 17 characters at 3.3 a second, one word read: about 5 s
    assert long_reply > short + 20  # 120 more words at 4 a second
    assert mean("Why are you sending it back?", "", pressing=True) < mean("Why are you sending it back?", "x" * 40)
    assert all(pause_seconds("human", random.Random(seed), "w " * 5000, "x" * 5000, False) <= HumanPace().longest
               for seed in range(20))


def test_one_customer_against_the_running_stack(stack: Stack, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    settings = stack.settings
    for name, port in {"RASA_PORT": settings.rasa_port, "ACTIONS_PORT": settings.actions_port,
                       "KNOWLEDGE_PORT": settings.knowledge_port, "HANDOFF_PORT": settings.handoff_port,
                       "BATON_REDIS_PORT": settings.redis_port}.items():
        monkeypatch.setenv(name, str(port))
    monkeypatch.delenv("REDIS_URL", raising=False)
    # Its REST customers sign the JWT Rasa's REST channel wants with the stack's secret.
    monkeypatch.setenv("RASA_TOKEN", settings.token())
    assert pid_listening_on(settings.rasa_port) == stack.procs["rasa"].pid
    assert tree_rss(stack.procs["rasa"].pid) > 50 * 1024**2

    figures = tmp_path / "load.json"
    assert main(["--running", "--levels", "1", "--duration", "20", "--warmup", "0", "--ordered",
                 "--mix", "handover=1,status=1,knowledge=1,return=1", "--json", str(figures)]) == 0
    printed = capsys.readouterr().out
    assert "| 1 | **all** |" in printed and "Goals (issue 7)" in printed and "Peak memory" in printed

    [level] = json.loads(figures.read_text())
    assert level["concurrency"] == 1 and level["conversations"] >= 2
    turns = level["turns"]
    assert {"greeting", "question", "handover request", "status: ask"} <= set(turns), turns
    assert all(0 < kind["p50"] <= kind["p95"] <= kind["p99"] < 60_000 for kind in turns.values())
    assert level["messages_per_second"] > 0
    assert level["channels"].get("rest", 0) > 0 and level["channels"].get("socketio", 0) > 0
    # The customer who asked for a person was seen by an agent, and the agent's reply reached them.
    started = level["handovers_started"]
    assert started >= 1 and level["handover_ms"]["n"] == level["agent_reply_ms"]["n"] == started, level["errors"]
    assert 0 < level["handover_ms"]["p50"] < 30_000 and 0 < level["agent_reply_ms"]["p50"] < 30_000
    assert level["errors"] == {}
    memory = level["memory_peak"]
    assert set(memory) == {"redis", "actions", "knowledge", "handoff", "rasa"}
    assert all(rss > 1024**2 for rss in memory.values()), memory
    assert max(memory.values()) <= level["memory_total_peak"] < 16 * 1024**3


def test_rasa_replicas_in_service_are_checked_before_anything_starts() -> None:
    for argv in (["--rasa-in-service", "1,2"], ["--replicas", "2", "--rasa-in-service", "1,3"],
                 ["--replicas", "9"], ["--replicas", "2", "--rasa-in-service", "x"]):
        with pytest.raises(SystemExit):
            main(argv)
