"""Containment and its trend from the conversations' rows (decision 0260) are what counting the
events gives, on SQLite and PostgreSQL: the figures are compared with a count in Python over the
events stored, for periods inside, across and around the conversations (starts on both sides of
a period, the week after it), with a channel and with teams, for conversations whose events
disagree on the channel or have none; after events delivered twice and out of order, after the
retention sweep cut through conversations, and after a customer's purge."""

from __future__ import annotations

import math
import random
from collections import defaultdict
from typing import Any

import pytest

from handoff.insight import containment as containment_module
from handoff.insight.containment import containment, trend
from handoff.insight.period import DAY, RETURN_WINDOW, Period, rate
from handoff.store import Database, reporting
from handoff.store.purge import delete_reporting_before, delete_sender
from handoff.store.reporting import ReportingEvent

T = 20_000 * DAY
KINDS = ["conversation_started", "conversation_started", "handover_asked", "claimed", "unstaffed",
         "article_answered", "article_answered", "resolved"]
PERIODS = [
    Period(T, T + 20 * DAY), Period(T + 3 * DAY, T + 9 * DAY), Period(T + 2.5 * DAY, T + 4.25 * DAY),
    Period(T + 6 * DAY, T + 6.5 * DAY), Period(T - 5 * DAY, T + 30 * DAY), Period(T + 5 * DAY, T + 12 * DAY,
                                                                                channel="telegram"),
    Period(T + DAY, T + 15 * DAY, teams=("returns",), channel="rest"), Period(T + 8 * DAY, T + 20 * DAY, teams=()),
    Period(T + 30 * DAY, T + 40 * DAY), Period(T + 5 * DAY, T + 6 * DAY),
]
_RNG = random.Random(9)  # and periods of any length starting anywhere, on a channel or not
PERIODS += [Period(since, since + _RNG.uniform(0.3, 10) * DAY, channel=_RNG.choice([None, None, "rest", "telegram"]))
            for since in (T + _RNG.uniform(-1, 13) * DAY for _ in range(40))]


def conversations(seed: int, n: int = 700) -> list[ReportingEvent]:
    """Events of 40 conversations over 14 days, most on one channel, some on two or none; each
    conversation's events near each other, with starts again days later."""
    rng = random.Random(seed)
    homes = {f"c{i}": rng.choice(["rest", "telegram", None]) for i in range(40)}
    events = []
    for i in range(n):
        sender = f"c{rng.randint(0, 39)}"
        centre = T + (int(sender[1:]) * 3 % 11) * DAY
        at = centre + rng.choice([rng.random() * 2 * DAY, rng.random() * 9 * DAY, 3 * DAY])
        kind = rng.choice(KINDS)
        channel = homes[sender] if rng.random() < 0.97 else rng.choice(["rest", "telegram", None])
        events.append(ReportingEvent(
            key=f"k{seed}:{i}", kind=kind, at=at, actor="customer", sender_id=sender, channel=channel,
            team=rng.choice(["returns", "delivery", None]),
            detail=rng.choice(["returns-policy", "shipping", None]) if kind == "article_answered" else None))
    return events


def counted(events: list[ReportingEvent], period: Period) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Containment and the trend counted in Python from the events (the reports' definitions)."""
    since, until, channel = period.since, period.until, period.channel
    flags: dict[str, dict[str, Any]] = defaultdict(lambda: {"first": math.inf, "kinds": set()})
    for e in events:
        if (e.sender_id is not None and since <= e.at < until and (channel is None or e.channel == channel)
                and e.kind in ("conversation_started", "handover_asked", "claimed", "unstaffed")):
            flags[e.sender_id]["kinds"].add(e.kind)
            if e.kind == "conversation_started":
                flags[e.sender_id]["first"] = min(flags[e.sender_id]["first"], e.at)

    def came_back(sender: str) -> bool:
        mine = [e for e in events if e.sender_id == sender]
        starts = [e.at for e in mine if e.kind == "conversation_started"]
        answers = [e for e in mine if e.kind == "article_answered"]
        if sum(since <= at < until + RETURN_WINDOW for at in starts) < 2:
            return False
        return any(first.detail is not None and any(
            first.at < again <= first.at + RETURN_WINDOW and any(
                repeat.detail == first.detail and repeat.at >= again for repeat in answers) for again in starts)
            for first in answers if since <= first.at < until)

    started = {s: f for s, f in flags.items() if "conversation_started" in f["kinds"]}
    kept = {s for s, f in started.items() if "handover_asked" not in f["kinds"]}
    unstaffed = sum(1 for f in started.values() if {"unstaffed"} <= f["kinds"] and "claimed" not in f["kinds"])
    back = sum(1 for s in kept if came_back(s))
    total = len(started)
    report = {"conversations": total, "bot_only": len(kept), "handed_over": total - len(kept) - unstaffed,
              "could_not_hand_over": unstaffed, "rate": rate(len(kept), total), "durable": len(kept) - back,
              "came_back_within_7_days": back, "durable_rate": rate(len(kept) - back, total)}
    days: dict[int, dict[str, Any]] = {}

    def day(at: float) -> dict[str, Any]:
        number = math.floor(at / DAY)
        return days.setdefault(number, {"day": number * DAY, "conversations": 0, "bot_only": 0, "handovers": 0})

    for sender, f in started.items():
        day(f["first"])["conversations"] += 1
        day(f["first"])["bot_only"] += sender in kept
    for e in events:
        if (e.kind == "handover_asked" and since <= e.at < until and (channel is None or e.channel == channel)
                and (period.teams is None or e.team in period.teams)):
            day(e.at)["handovers"] += 1
    for entry in days.values():
        entry["rate"] = rate(entry["bot_only"], entry["conversations"])
    return report, [days[n] for n in sorted(days)]


async def compare(db: Database, events: list[ReportingEvent]) -> tuple[int, int]:
    """Every period compared; how many conversations and returns the comparisons saw."""
    seen = back = 0
    for period in PERIODS:
        report = await db.run(lambda s, p=period: containment(s, p))
        days = await db.run(lambda s, p=period: trend(s, p))
        assert (report, days) == counted(events, period), period
        seen, back = seen + report["conversations"], back + report["came_back_within_7_days"]
    return seen, back


def edges() -> list[ReportingEvent]:
    """Two conversations at the edges of [T + 5 days, T + 6 days): x1 claimed before, in and after
    it (nobody in it too); x2 answered before its first start, given the same article again, and
    started again only 25 days later (once in the period and the week after it: not came back)."""
    rows = [("x1", "conversation_started", 5.2, None), ("x1", "unstaffed", 5.3, None), ("x1", "claimed", 2, None),
            ("x1", "claimed", 5.4, None), ("x1", "claimed", 12, None), ("x2", "article_answered", 5.1, "shipping"),
            ("x2", "conversation_started", 5.2, None), ("x2", "article_answered", 5.25, "shipping"),
            ("x2", "conversation_started", 30, None)]
    return [ReportingEvent(key=f"x{i}", kind=kind, at=T + days * DAY, actor="customer", sender_id=sender,
                           channel="rest", detail=detail) for i, (sender, kind, days, detail) in enumerate(rows)]


@pytest.mark.parametrize("few", [containment_module.FEW, 0])  # the fallback named, or a subquery
async def test_containment_and_the_trend_are_the_events_counts(database: Database, few: int,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(containment_module, "FEW", few)
    events = conversations(3) + edges()
    shuffled = random.Random(4).sample(events, len(events))  # written out of order
    await database.run(lambda s: [reporting.add(s, e) for e in shuffled])
    await database.run(lambda s: [reporting.add(s, e) for e in events[:200]])  # delivered again
    seen, back = await compare(database, events)
    assert seen > 300 and back > 20  # a comparison of something
    assert (await database.run(lambda s: containment(s, PERIODS[4])))["could_not_hand_over"] > 0
    # The sweep cuts through conversations, in small batches; then one customer is purged.
    while await database.run(lambda s: delete_reporting_before(s, T + 4.5 * DAY, limit=37)):
        pass
    await database.run(lambda s: delete_sender(s, "c7"))
    left = [e for e in events if e.at >= T + 4.5 * DAY and e.sender_id != "c7"]
    seen, back = await compare(database, left)
    assert seen > 100 and back > 5
