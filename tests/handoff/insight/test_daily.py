"""The reports' counts from the daily rollup are the counts of the events, on SQLite and
PostgreSQL: each report's grouping (answers, hand-overs, flows, service levels), for periods of
whole days, part-days, less than a day, at 1970, with a channel and with teams, compared with the
GROUP BY over the events the reports ran before the rollup; the answers followed by a hand-over
compared with the join they were counted by; and the reports over whole days match their known
figures after the retention sweep cut a day in two."""

from __future__ import annotations

import itertools
import random
from typing import Any

import pytest
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from handoff.insight import daily
from handoff.insight.answers import followed
from handoff.insight.flows import flows
from handoff.insight.handovers import handovers
from handoff.insight.period import Period, within
from handoff.insight.service_levels import service_levels
from handoff.store import Database, reporting, rollup
from handoff.store.models import ReportingEventRow as Event
from handoff.store.purge import delete_reporting_before
from handoff.store.reporting import ReportingEvent

DAY = rollup.DAY
T = 20_000 * DAY
# What each report counts, as it asks (kinds, grouping, by team).
ASKED = {
    "answers": (["article_answered", "helped_yes", "helped_no", "help_vote"], ("label", "kind", "reason"), False),
    "handovers": (["handover_asked", "handover_unneeded"], ("kind", "reason", "actor"), True),
    "flows": (["flow_completed", "flow_abandoned"], ("label", "kind", "reason"), False),
    "service_levels": (["sla_warning", "sla_breach", "followup_due"], ("kind", "team", "label"), True),
}
EVENT_COLUMNS = {"kind": Event.kind, "channel": Event.channel, "team": Event.team, "actor": Event.actor,
                 "reason": Event.reason, "label": Event.detail}
PERIODS = [
    Period(T, T + 5 * DAY), Period(T + DAY, T + 3 * DAY), Period(T + 0.5 * DAY, T + 3.25 * DAY),
    Period(T + 0.2 * DAY, T + 0.9 * DAY), Period(T - 3 * DAY, T + 10 * DAY), Period(T + DAY, T + 1.5 * DAY),
    Period(T + 0.5 * DAY, T + 2 * DAY), Period(-2 * DAY, 3 * DAY), Period(T, T + DAY, channel="telegram"),
    Period(T + 0.3 * DAY, T + 4 * DAY, teams=("returns",), channel="rest"), Period(T, T + 5 * DAY, teams=()),
]


def scattered(seed: int, n: int = 600) -> list[ReportingEvent]:
    """Events of the counted kinds at random times over five days (some at midnight, some near
    1970), with visitor votes, missing channels, teams and labels."""
    rng = random.Random(seed)
    kinds = [*sorted({kind for kinds, _, _ in ASKED.values() for kind in kinds}), "conversation_started"]
    events = []
    for i in range(n):
        kind = rng.choice(kinds)
        at = rng.choice([T + rng.random() * 5 * DAY, T + rng.randint(0, 5) * DAY, rng.random() * 2 * DAY])
        events.append(ReportingEvent(
            key=f"s{seed}:{i}", kind=kind, at=at, actor=rng.choice(["bot", "customer", "rule"]),
            sender_id=f"c{rng.randint(1, 40)}",
            customer=rng.choice([None, "visitor:a", "visitor:b"]) if kind == "help_vote" else None,
            channel=rng.choice(["rest", "telegram", None]), team=rng.choice(["returns", "delivery", None]),
            reason=rng.choice(["yes", "no", "explicit_request", "frustration", None]),
            detail=rng.choice(["returns-policy", "shipping-canada", "returns", "first_response", None])))
    return events


def from_events(session: Session, period: Period, kinds: list[str], group: tuple[str, ...],
                by_team: bool) -> list[tuple[Any, ...]]:
    """The GROUP BY over the events (a visitor's vote is the answers report's own read)."""
    columns = [EVENT_COLUMNS[name] for name in group]
    query = within(select(*columns, func.count()).where(
        Event.kind.in_(kinds), or_(Event.kind != "help_vote", Event.customer.is_(None))), period, by_team=by_team)
    return sorted(map(tuple, session.execute(query.group_by(*columns))), key=repr)


def joined(session: Session, period: Period) -> list[tuple[str, int]]:
    """The answers followed by a hand-over as they were counted before (decision 0202)."""
    handover, answer = aliased(Event), aliased(Event)
    query = within(select(answer.detail, func.count(func.distinct(answer.id))).select_from(handover)
                   .join(answer, and_(answer.sender_id == handover.sender_id, answer.kind == "article_answered",
                                      answer.at <= handover.at, answer.at >= period.since))
                   .where(handover.kind == "handover_asked", answer.detail.is_not(None)),
                   period, by_team=False, table=handover).group_by(answer.detail)
    return sorted((str(article), int(n)) for article, n in session.execute(query))


async def compare(db: Database) -> int:
    compared = 0
    for period in PERIODS:
        for name, (kinds, group, by_team) in ASKED.items():
            rolled = await db.run(lambda s, p=period, k=kinds, g=group, b=by_team: daily.counts(s, p, k, g, by_team=b))
            plain = await db.run(lambda s, p=period, k=kinds, g=group, b=by_team: from_events(s, p, k, g, b))
            assert sorted(rolled, key=repr) == plain, (name, period)
            compared += len(plain)
        assert sorted(await db.run(lambda s, p=period: followed(s, p))) == await db.run(
            lambda s, p=period: joined(s, p)), period
    return compared


async def test_the_rollup_counts_are_the_events_counts(database: Database) -> None:
    events = scattered(7)
    # Answers, then hand-overs in the same conversations: "followed" has something to find.
    events += [ReportingEvent(key=f"f{i}", kind="article_answered", at=T + i * 0.37 * DAY, actor="bot",
                              sender_id=f"c{i % 9}", channel="rest", detail=f"article-{i % 4}") for i in range(30)]
    events += [ReportingEvent(key=f"h{i}", kind="handover_asked", at=T + i * 0.61 * DAY, actor="customer",
                              sender_id=f"c{i % 9}", channel="rest", team="returns") for i in range(12)]
    await database.run(lambda s: [reporting.add(s, e) for e in events])
    assert await compare(database) > 200  # a comparison of something
    while await database.run(lambda s: delete_reporting_before(s, T + 1.4 * DAY, limit=50)):
        pass
    assert await compare(database) > 100


@pytest.mark.parametrize("period", [Period(T + 0.5 * DAY, T + 3.25 * DAY), Period(T + 0.2, T + 0.3),
                                    Period(-5.0, 10.0), Period(1e20, 1e20 + DAY)])
def test_a_period_splits_into_whole_days_and_ends(period: Period) -> None:
    days, ends = daily.split(period)
    pieces = ([(days[0] * DAY, days[1] * DAY)] if days else []) + [(end.since, end.until) for end in ends]
    pieces.sort()
    assert pieces[0][0] == period.since and pieces[-1][1] == period.until
    assert all(a[1] == b[0] for a, b in itertools.pairwise(pieces))  # no gap, no overlap


async def test_the_reports_over_whole_days(database: Database) -> None:
    rows = [("handover_asked", "customer", "explicit_request", None, "returns", T + 10),
            ("handover_asked", "rule", "frustration", None, "returns", T + DAY + 10),
            ("handover_unneeded", "agent", "frustration", None, "returns", T + DAY + 20),
            ("flow_completed", "bot", None, "returns", None, T + 30),
            ("flow_abandoned", "customer", "left", "returns", None, T + 2 * DAY + 30),
            ("sla_breach", "system", None, "first_response", "delivery", T + 40),
            ("followup_due", "system", None, None, "delivery", T + 0.5 * DAY)]
    await database.run(lambda s: [reporting.add(s, ReportingEvent(
        key=f"r{i}", kind=k, actor=a, reason=r, detail=d, team=t, at=at, sender_id=f"c{i}", channel="rest"))
        for i, (k, a, r, d, t, at) in enumerate(rows)])
    week = Period(T, T + 7 * DAY)
    report = await database.run(lambda s: handovers(s, week, 4))
    assert (report["total"], report["by_reason"], report["unneeded"]) == (
        2, {"explicit_request": 1, "frustration": 1}, 1)
    assert (await database.run(lambda s: flows(s, week)))["by_flow"] == {"returns": {
        "completed": 1, "abandoned": 1, "completion_rate": 0.5, "abandoned_why": {"left": 1}}}
    levels = await database.run(lambda s: service_levels(s, week))
    assert (levels["sla_breach"], levels["followup_due"], levels["sla_by_clock"]) == (
        1, 1, {"first_response": {"sla_warning": 0, "sla_breach": 1}})
    # The sweep cuts the first day at noon: what is left of it is still counted.
    await database.run(lambda s: delete_reporting_before(s, T + 0.25 * DAY))
    levels = await database.run(lambda s: service_levels(s, week))
    assert (levels["sla_breach"], levels["followup_due"]) == (0, 1)
    assert (await database.run(lambda s: handovers(s, week, 4)))["total"] == 1
