"""SLA clocks in the store on SQLite and PostgreSQL: started once per escalation even by
replicas at once, met by a person's words, a next-response clock only after a first answer,
warned and breached once each with their reporting events, stopped when the escalation closes,
and the queue sorted by the nearest due time."""

from __future__ import annotations

import asyncio

from sqlalchemy.exc import IntegrityError

from handoff.engine.hours import BusinessHours
from handoff.engine.sla_clock import BusinessClock
from handoff.escalations.email_replies import record_sent
from handoff.escalations.sla_policy import SlaPolicy, Targets
from handoff.store import Database, purge, reporting, sla
from handoff.store import escalations as rows
from tests.handoff.store.test_escalation_store import agent, open_one

# Open every hour, so business time is wall time and the numbers read plainly.
POLICY = SlaPolicy(BusinessClock(BusinessHours.parse("Mon-Sun 00:00-24:00", "UTC")),
                   Targets(first_response=100.0, next_response=200.0, resolution=1000.0), {}, warning_share=0.8)


async def started(db: Database, sender: str = "c1", now: float = 1000.0) -> int:
    escalation = await open_one(db, sender, now=now)
    assert await db.run(lambda s: sla.start(s, escalation.id, now=now, times=POLICY.times))
    return escalation.id


async def test_clocks_start_once_even_when_replicas_start_them_together(database: Database) -> None:
    escalation = await open_one(database)
    assert await database.run(sla.unstarted) == [escalation.id]

    async def start() -> bool:
        try:
            return await database.run(lambda s: sla.start(s, escalation.id, now=1005.0, times=POLICY.times))
        except IntegrityError:
            return False

    assert sum(await asyncio.gather(*(start() for _ in range(4)))) == 1
    clocks = await database.run(lambda s: sla.of_escalation(s, escalation.id))
    assert [(c.kind, c.started_at, c.target_seconds, c.warn_at, c.due_at) for c in clocks] == [
        ("first_response", 1000.0, 100.0, 1080.0, 1100.0), ("resolution", 1000.0, 1000.0, 1800.0, 2000.0)]
    assert await database.run(sla.unstarted) == []
    loaded = await database.run(lambda s: rows.get(s, escalation.id))
    assert [c.kind for c in loaded.sla] == ["first_response", "resolution"]


async def test_next_response_runs_from_a_customers_message_after_a_first_answer(database: Database) -> None:
    escalation_id = await started(database)
    # Before any person answered, the first response covers the customer's messages.
    assert not await database.run(lambda s: sla.customer_waits(s, escalation_id, at=1010.0, times=POLICY.times))
    assert await database.run(lambda s: sla.person_answered(s, escalation_id, at=1050.0)) == 1
    assert await database.run(lambda s: sla.customer_waits(s, escalation_id, at=1060.0, times=POLICY.times))
    # A second message while one waits for an answer keeps the first one's clock.
    assert not await database.run(lambda s: sla.customer_waits(s, escalation_id, at=1070.0, times=POLICY.times))
    assert await database.run(lambda s: sla.person_answered(s, escalation_id, at=1090.0)) == 1
    clocks = {(c.kind, c.started_at): c for c in await database.run(lambda s: sla.of_escalation(s, escalation_id))}
    assert (clocks[("first_response", 1000.0)].stopped_at, clocks[("first_response", 1000.0)].stopped_by) == (
        1050.0, "met")
    assert (clocks[("next_response", 1060.0)].due_at, clocks[("next_response", 1060.0)].stopped_at) == (1260.0, 1090.0)
    assert clocks[("resolution", 1000.0)].running


async def test_a_warning_and_a_breach_are_given_once_each_and_recorded(database: Database) -> None:
    escalation_id = await started(database)
    first = (await database.run(lambda s: sla.of_escalation(s, escalation_id)))[0]
    assert await database.run(lambda s: sla.coming_warned(s, 1079.0)) == []
    assert await database.run(lambda s: sla.coming_warned(s, 1085.0)) == [first.id]
    warned = await asyncio.gather(*(database.run(lambda s: sla.warn(s, first.id, now=1085.0)) for _ in range(4)))
    assert len([w for w in warned if w is not None]) == 1
    assert await database.run(lambda s: sla.coming_warned(s, 1090.0)) == []
    assert await database.run(lambda s: sla.coming_breached(s, 1100.0)) == [first.id]
    breached = await asyncio.gather(*(database.run(lambda s: sla.breach(s, first.id, now=1101.0)) for _ in range(4)))
    marked = [b for b in breached if b is not None]
    assert len(marked) == 1
    clock, escalation = marked[0]
    assert (clock.warned_at, clock.breached_at, clock.running) == (1085.0, 1101.0, True)
    assert [c.breached_at for c in escalation.sla if c.kind == "first_response"] == [1101.0]
    assert await database.run(lambda s: sla.coming_breached(s, 5000.0)) == [
        c.id for c in escalation.sla if c.kind == "resolution"]
    events = await database.run(lambda s: reporting.of_conversation(s, "c1"))
    assert [(e.kind, e.at, e.value, e.detail, e.team) for e in events if e.kind.startswith("sla_")] == [
        ("sla_warning", 1085.0, 100.0, "first_response", "delivery"),
        ("sla_breach", 1101.0, 100.0, "first_response", "delivery")]


async def test_a_breach_due_unwarned_marks_the_warning_given_and_a_met_clock_never_fires(database: Database) -> None:
    escalation_id = await started(database)
    first, resolution = await database.run(lambda s: sla.of_escalation(s, escalation_id))
    marked = await database.run(lambda s: sla.breach(s, resolution.id, now=2500.0))
    assert marked is not None and (marked[0].warned_at, marked[0].breached_at) == (2500.0, 2500.0)
    assert await database.run(lambda s: sla.person_answered(s, escalation_id, at=1095.0)) == 1
    assert await database.run(lambda s: sla.coming_breached(s, 3000.0)) == []
    assert await database.run(lambda s: sla.warn(s, first.id, now=3000.0)) is None
    assert await database.run(lambda s: reporting.count(s, "sla_warning")) == 0
    assert await database.run(lambda s: reporting.count(s, "sla_breach")) == 1


async def test_closing_stops_the_clocks_resolution_met_at_the_close(database: Database) -> None:
    maya = await agent(database, "maya")
    escalation_id = await started(database)
    await database.run(lambda s: rows.claim(s, escalation_id, maya, 1010.0))
    await database.run(lambda s: rows.close(s, escalation_id, state="completed", outcome="resolved", by="maya",
                                            detail=None, now=1500.0))
    assert await database.run(sla.stop_closed) == 2
    assert await database.run(sla.stop_closed) == 0
    clocks = await database.run(lambda s: sla.of_escalation(s, escalation_id))
    assert [(c.kind, c.stopped_at, c.stopped_by) for c in clocks] == [
        ("first_response", 1500.0, "closed"), ("resolution", 1500.0, "met")]
    assert await database.run(sla.unstarted) == []
    # A closed escalation starts nothing.
    assert not await database.run(lambda s: sla.start(s, escalation_id, now=1600.0, times=POLICY.times))


async def test_the_queue_sorts_by_the_nearest_due_time_none_last(database: Database) -> None:
    admin = await agent(database, "boss", teams=("delivery",))
    later = await started(database, "c-later", now=1000.0)
    sooner = await started(database, "c-sooner", now=1000.0)
    unstarted = (await open_one(database, "c-none", now=900.0)).id
    await database.run(lambda s: sla.person_answered(s, later, at=1010.0))  # its next due: resolution at 2000
    found = await database.run(lambda s: rows.listing(s, admin, states=("queued",), mine=False, sort="sla"))
    assert [e.id for e in found] == [sooner, later, unstarted]


async def test_the_clocks_leave_with_their_escalation(database: Database) -> None:
    escalation_id = await started(database)
    await database.run(lambda s: rows.close(s, escalation_id, state="failed", outcome=None, by="system",
                                            detail=None, now=1200.0))
    assert await database.run(lambda s: purge.delete_closed_before(s, 5000.0)) == [escalation_id]
    assert await database.run(lambda s: sla.of_escalation(s, escalation_id)) == []


async def test_an_email_reply_meets_the_response_target_without_the_stream(database: Database) -> None:
    maya = await agent(database, "maya")
    escalation_id = await started(database)
    await database.run(lambda s: rows.claim(s, escalation_id, maya, 1010.0))
    await database.run(lambda s: record_sent(s, escalation_id, agent=maya, address="liam@example.com",
                                             message_id="<1@larkspur.example>", text="Your refund is on its way.",
                                             task_id=None, now=1060.0))
    first = (await database.run(lambda s: sla.of_escalation(s, escalation_id)))[0]
    assert (first.kind, first.stopped_at, first.stopped_by) == ("first_response", 1060.0, "met")
