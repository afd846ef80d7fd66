"""The reports on scripted reporting events with known answers, on SQLite and PostgreSQL:
containment (durable, and the conversations nobody could take apart), the trend, hand-overs,
times, CSAT and its splits, answers."""

from __future__ import annotations

import dataclasses
from typing import Any

from handoff.insight.answers import answers
from handoff.insight.containment import containment, trend
from handoff.insight.csat import csat
from handoff.insight.handovers import handovers
from handoff.insight.reports import Period, summary
from handoff.insight.times import times
from handoff.store import Database, reporting
from handoff.store.reporting import ReportingEvent

T = 1_000_000.0
DAYS = 86_400.0
AGENTS = {"c2": "maya", "c3": "sam"}  # who resolved and was rated


def script() -> list[ReportingEvent]:
    rows: list[tuple[Any, ...]] = [
        # (sender, kind, actor, at, team, reason, value, detail, channel)
        ("c1", "conversation_started", "customer", 0, None, None, None, None, "rest"),
        ("c1", "article_answered", "bot", 1, None, None, None, "shipping-canada", "rest"),
        ("c1", "helped_yes", "customer", 2, None, None, None, "shipping-canada", "rest"),
        ("c2", "conversation_started", "customer", 10, None, None, None, None, "rest"),
        ("c2", "article_answered", "bot", 11, None, None, None, "returns-policy", "rest"),
        ("c2", "helped_no", "customer", 12, None, None, 1.0, "returns-policy", "rest"),
        ("c2", "answer_rejected", "customer", 12, None, "returns-policy", None, "how do I send back a jacket", "rest"),
        ("c2", "handover_asked", "bot", 13, "returns", "knowledge_rejected", None, None, "rest"),
        ("c2", "claimed", "agent", 73, "returns", "knowledge_rejected", 60.0, None, "rest"),
        ("c2", "first_response", "agent", 103, "returns", "knowledge_rejected", 90.0, None, "rest"),
        ("c2", "resolved", "agent", 613, "returns", "knowledge_rejected", 600.0, "resolved", "rest"),
        ("c2", "csat", "customer", 700, "returns", "knowledge_rejected", 5.0, None, "rest"),
        ("c3", "conversation_started", "customer", 20, None, None, None, None, "telegram"),
        ("c3", "no_match", "bot", 21, None, None, 1.0, "can you knit me a scarf", "telegram"),
        ("c3", "handover_asked", "customer", 22, "delivery", "explicit_request", None, None, "telegram"),
        ("c3", "claimed", "agent", 142, "delivery", "explicit_request", 120.0, None, "telegram"),
        ("c3", "first_response", "agent", 172, "delivery", "explicit_request", 150.0, None, "telegram"),
        ("c3", "resolved", "agent", 922, "delivery", "explicit_request", 900.0, "not_resolved", "telegram"),
        ("c3", "csat", "customer", 950, "delivery", "explicit_request", 1.0, None, "telegram"),
        ("c4", "conversation_started", "customer", 30, None, None, None, None, "rest"),
        ("c4", "nlu_fallback", "bot", 31, None, None, 0.3, "asdf", "rest"),
        (None, "help_vote", "visitor", 40, None, "yes", 1.0, "returns-policy", "help_centre"),
        ("c5", "conversation_started", "customer", -5000, None, None, None, None, "rest"),  # before the period
        # Asked for a person outside hours: nobody could take it.
        ("c6", "conversation_started", "customer", 50, None, None, None, None, "rest"),
        ("c6", "handover_asked", "customer", 51, "general", "explicit_request", None, None, "rest"),
        ("c6", "unstaffed", "system", 52, "general", "explicit_request", None, "no_agents", "rest"),
        # The bot answered, and two days later the customer came back and was given the same article.
        ("c7", "conversation_started", "customer", 60, None, None, None, None, "rest"),
        ("c7", "article_answered", "bot", 61, None, None, None, "shipping-canada", "rest"),
        ("c7", "conversation_started", "customer", 60 + 2 * DAYS, None, None, None, None, "rest"),
        ("c7", "article_answered", "bot", 61 + 2 * DAYS, None, None, None, "shipping-canada", "rest"),
    ]
    events = [ReportingEvent(key=f"e{i}", sender_id=s, kind=k, actor=a, at=T + at, team=team, reason=reason,
                             value=value, detail=detail, channel=channel)
              for i, (s, k, a, at, team, reason, value, detail, channel) in enumerate(rows)]
    return [dataclasses.replace(e, agent=AGENTS[e.sender_id]) if e.kind in ("csat", "resolved") else e
            for e in events]


async def seed(db: Database) -> None:
    events = script()
    await db.run(lambda s: [reporting.add(s, e) for e in events])


HOUR = Period(since=T, until=T + 3600)


async def test_containment_durable_and_unstaffed_apart(database: Database) -> None:
    await seed(database)
    assert await database.run(lambda s: containment(s, HOUR)) == {
        "conversations": 6, "bot_only": 3, "handed_over": 2, "could_not_hand_over": 1, "rate": 0.5,
        "durable": 2, "came_back_within_7_days": 1, "durable_rate": 0.3333}
    telegram = await database.run(lambda s: containment(s, Period(since=T, until=T + 3600, channel="telegram")))
    assert (telegram["conversations"], telegram["bot_only"], telegram["handed_over"]) == (1, 0, 1)
    assert await database.run(lambda s: trend(s, HOUR)) == [
        {"day": 11 * DAYS, "conversations": 6, "bot_only": 3, "handovers": 3, "rate": 0.5}]
    week = await database.run(lambda s: trend(s, Period(since=T, until=T + 7 * DAYS)))
    # c7 came back on day 13: one conversation, counted on the day it first started.
    assert [(row["day"], row["conversations"], row["bot_only"]) for row in week] == [(11 * DAYS, 6, 3)]


async def test_handovers_times_csat(database: Database) -> None:
    await seed(database)
    assert await database.run(lambda s: handovers(s, HOUR, 6)) == {
        "total": 3, "rate": 0.5, "by_reason": {"explicit_request": 2, "knowledge_rejected": 1},
        "rate_by_reason": {"explicit_request": 0.3333, "knowledge_rejected": 0.1667},
        "by_group": {"explicit": 2, "frustration": 0, "unresolved": 1, "policy": 0},
        "by_actor": {"bot": 1, "customer": 2}, "unneeded": 0,
        "unneeded_by_group": {"explicit": 0, "frustration": 0, "unresolved": 0, "policy": 0},
        "unneeded_rate": 0.0, "detector_false_positive_rate": None}
    found = await database.run(lambda s: times(s, HOUR, with_buckets=True))
    assert {name: (f["count"], f["p50"], f["p90"]) for name, f in found.items()} == {
        "wait_to_claim": (2, 90.0, 114.0), "first_response": (2, 120.0, 144.0), "resolution": (2, 750.0, 870.0)}
    assert found["wait_to_claim"]["buckets"]["1-2m"] == 1 and found["wait_to_claim"]["buckets"]["2-5m"] == 1
    assert found["resolution"]["buckets"]["5-15m"] == 1 and found["resolution"]["buckets"]["15m-1h"] == 1
    rated = await database.run(lambda s: csat(s, HOUR))
    assert {k: rated[k] for k in ("responses", "average", "share_4_5", "response_rate", "by_rating")} == {
        "responses": 2, "average": 3.0, "share_4_5": 0.5, "response_rate": 1.0,
        "by_rating": {"1": 1, "2": 0, "3": 0, "4": 0, "5": 1}}
    one = {"responses": 1, "response_rate": 1.0}
    assert rated["by"] == {
        "segment": {"handed_over": {"responses": 2, "average": 3.0, "share_4_5": 0.5, "response_rate": 1.0}},
        "reason": {"explicit_request": {**one, "average": 1.0, "share_4_5": 0.0},
                   "knowledge_rejected": {**one, "average": 5.0, "share_4_5": 1.0}},
        "agent": {"maya": {**one, "average": 5.0, "share_4_5": 1.0}, "sam": {**one, "average": 1.0, "share_4_5": 0.0}},
        "team": {"delivery": {**one, "average": 1.0, "share_4_5": 0.0},
                 "returns": {**one, "average": 5.0, "share_4_5": 1.0}},
    }


async def test_answers_per_article(database: Database) -> None:
    await seed(database)
    empty = dict.fromkeys(("given", "helped_yes", "helped_no", "handover_followed", "page_yes", "page_no"), 0)
    assert await database.run(lambda s: answers(s, HOUR)) == {
        "returns-policy": {**empty, "given": 1, "helped_no": 1, "handover_followed": 1, "page_yes": 1},
        "shipping-canada": {**empty, "given": 2, "helped_yes": 1},
    }


async def test_a_team_and_a_channel(database: Database) -> None:
    await seed(database)
    returns = await database.run(lambda s: summary(s, Period(since=T, until=T + 3600, teams=("returns",))))
    assert returns["handovers"]["by_reason"] == {"knowledge_rejected": 1}
    assert returns["csat"]["average"] == 5.0
    assert returns["containment"]["conversations"] == 6  # the bot's figures are shop-wide
    assert returns["period"]["teams"] == ["returns"]
    empty = await database.run(lambda s: summary(s, Period(since=T + 7200, until=T + 9000)))
    assert empty["containment"]["rate"] is None and empty["times_seconds"]["resolution"]["p50"] is None
    assert empty["csat"]["average"] is None and empty["answers"] == {}


def events(rows: list[tuple[Any, ...]]) -> list[ReportingEvent]:
    # (sender, kind, actor, at, team, reason, value, detail)
    return [ReportingEvent(key=f"x{i}", sender_id=s, kind=k, actor=a, at=T + at, team=team, reason=reason,
                           value=value, detail=detail, channel="rest")
            for i, (s, k, a, at, team, reason, value, detail) in enumerate(rows)]


async def test_reason_groups_unneeded_flows_and_service_levels(database: Database) -> None:
    rows = events([
        ("f1", "handover_asked", "rule", 1, "returns", "frustration", None, None),
        ("f1", "handover_unneeded", "agent", 2, "returns", "frustration", None, "rule"),
        ("f2", "handover_asked", "rule", 3, "returns", "frustration", None, None),
        ("f3", "handover_asked", "bot", 4, "delivery", "lost_parcel", None, None),
        ("f4", "handover_asked", "bot", 5, "returns", "verification_failed", None, None),
        ("f5", "handover_asked", "bot", 6, "delivery", "nlu_fallback_repeated", None, None),
        ("f5", "handover_unneeded", "agent", 7, "delivery", "nlu_fallback_repeated", None, "bot"),
        ("f6", "flow_completed", "bot", 8, None, None, 30.0, "order_status_form"),
        ("f7", "flow_completed", "bot", 9, None, None, 40.0, "order_status_form"),
        ("f8", "flow_abandoned", "customer", 10, None, "stopped", 10.0, "return_form"),
        ("f4", "flow_abandoned", "bot", 11, None, "verification_failed", 50.0, "return_form"),
        ("f1", "sla_warning", "system", 12, "returns", "frustration", 300.0, "first_response"),
        ("f1", "sla_breach", "system", 13, "returns", "frustration", 300.0, "first_response"),
        ("f3", "sla_warning", "system", 14, "delivery", "lost_parcel", 3600.0, "resolution"),
        ("f3", "followup_due", "system", 15, "delivery", "lost_parcel", 86_400.0, None),
        ("f3", "followup_due", "system", 9999, "delivery", "lost_parcel", 86_400.0, None),  # after the period
    ])
    await database.run(lambda s: [reporting.add(s, e) for e in rows])
    period = Period(since=T, until=T + 100)
    found = await database.run(lambda s: handovers(s, period, 8))
    assert found["by_group"] == {"explicit": 0, "frustration": 2, "unresolved": 1, "policy": 2}
    assert (found["unneeded"], found["unneeded_rate"], found["detector_false_positive_rate"]) == (2, 0.4, 0.5)
    assert found["unneeded_by_group"] == {"explicit": 0, "frustration": 1, "unresolved": 1, "policy": 0}
    report = await database.run(lambda s: summary(s, period))
    assert report["flows"] == {
        "completed": 2, "abandoned": 2, "completion_rate": 0.5, "by_flow": {
            "order_status_form": {"completed": 2, "abandoned": 0, "abandoned_why": {}, "completion_rate": 1.0},
            "return_form": {"completed": 0, "abandoned": 2, "completion_rate": 0.0,
                            "abandoned_why": {"stopped": 1, "verification_failed": 1}}}}
    assert report["service_levels"] == {
        "sla_warning": 2, "sla_breach": 1, "followup_due": 1,
        "by_team": {"delivery": {"sla_warning": 1, "sla_breach": 0, "followup_due": 1},
                    "returns": {"sla_warning": 1, "sla_breach": 1, "followup_due": 0}},
        "sla_by_clock": {"first_response": {"sla_warning": 1, "sla_breach": 1},
                         "resolution": {"sla_warning": 1, "sla_breach": 0}}}
    returns_only = await database.run(lambda s: summary(s, dataclasses.replace(period, teams=("returns",))))
    assert returns_only["service_levels"]["followup_due"] == 0
    assert returns_only["handovers"]["by_group"] == {"explicit": 0, "frustration": 2, "unresolved": 0, "policy": 1}
