"""Snoozes in the store on SQLite and PostgreSQL: only the holder snoozes, a snooze ends once
(whoever asks second is told None, even at the same moment), quiet replies are counted, due ones
are found, and a transfer or a close ends a running snooze."""

from __future__ import annotations

import asyncio

import pytest

from handoff.errors import Conflict
from handoff.store import Database, snoozes
from handoff.store import escalations as rows
from tests.handoff.store.test_escalation_store import agent, open_one


async def held(db: Database, sender: str = "c1"):
    maya = await agent(db, f"maya{sender}")
    escalation = await open_one(db, sender)
    await db.run(lambda s: rows.claim(s, escalation.id, maya, 1010.0))
    return maya, escalation


async def test_only_the_holder_snoozes_an_accepted_escalation(database: Database) -> None:
    maya, escalation = await held(database)
    sam = await agent(database, "sam")
    with pytest.raises(Conflict, match="only the agent holding it can snooze it"):
        await database.run(lambda s: snoozes.start(s, escalation.id, agent=sam, until=None, now=1020.0))
    queued = await open_one(database, "c2")
    with pytest.raises(Conflict, match="is queued"):
        await database.run(lambda s: snoozes.start(s, queued.id, agent=maya, until=None, now=1020.0))
    snoozed = await database.run(lambda s: snoozes.start(s, escalation.id, agent=maya, until=2000.0, now=1020.0))
    assert snoozed.snooze is not None and snoozed.snooze.until == 2000.0 and snoozed.state == "accepted"
    assert snoozed.states[-1].detail == "snoozed until 2000 or a reply"
    # A new snooze replaces the running one: still one running.
    again = await database.run(lambda s: snoozes.start(s, escalation.id, agent=maya, until=None, now=1030.0))
    assert again.snooze is not None and again.snooze.until is None and again.snooze.id != snoozed.snooze.id


async def test_a_snooze_ends_once_even_when_two_end_it_at_the_same_moment(database: Database) -> None:
    maya, escalation = await held(database)
    snoozed = await database.run(lambda s: snoozes.start(s, escalation.id, agent=maya, until=1500.0, now=1020.0))
    assert snoozed.snooze is not None
    snooze_id = snoozed.snooze.id
    results = await asyncio.gather(*(database.run(lambda s, by=by: snoozes.end(s, snooze_id, by=by, now=1600.0))
                                     for by in ("time", "reply", "time", "reply")))
    woken = [r for r in results if r is not None]
    assert len(woken) == 1 and woken[0].snooze is None
    assert woken[0].states[-1].detail.startswith("snooze ended (")
    assert await database.run(lambda s: snoozes.due(s, 10_000.0)) == []


async def test_quiet_replies_are_counted_and_due_snoozes_found(database: Database) -> None:
    maya, escalation = await held(database)
    later = await open_one(database, "c3")
    await database.run(lambda s: rows.claim(s, later.id, maya, 1010.0))
    first = await database.run(lambda s: snoozes.start(s, escalation.id, agent=maya, until=1500.0, now=1020.0))
    await database.run(lambda s: snoozes.start(s, later.id, agent=maya, until=1700.0, now=1020.0))
    assert first.snooze is not None
    snooze_id = first.snooze.id
    counted = await database.run(lambda s: snoozes.record_quiet_reply(s, snooze_id, now=1100.0))
    counted = await database.run(lambda s: snoozes.record_quiet_reply(s, snooze_id, now=1200.0))
    assert counted is not None and counted.snooze is not None
    assert (counted.snooze.quiet_replies, counted.snooze.last_quiet_reply_at) == (2, 1200.0)
    assert [s.escalation_id for s in await database.run(lambda s: snoozes.due(s, 1499.0))] == []
    assert [s.escalation_id for s in await database.run(lambda s: snoozes.due(s, 1600.0))] == [escalation.id]
    assert [s.escalation_id for s in await database.run(lambda s: snoozes.due(s, 1800.0))] == [escalation.id, later.id]


async def test_a_transfer_or_a_close_ends_the_running_snooze(database: Database) -> None:
    maya, escalation = await held(database)
    await database.run(lambda s: snoozes.start(s, escalation.id, agent=maya, until=1500.0, now=1020.0))
    moved = await database.run(lambda s: rows.requeue(s, escalation.id, team="general", by="maya",
                                                      detail="to general", now=1100.0))
    assert moved.snooze is None and await database.run(lambda s: snoozes.due(s, 9999.0)) == []
    other, second = await held(database, "c4")
    await database.run(lambda s: snoozes.start(s, second.id, agent=other, until=None, now=1020.0))
    closed = await database.run(lambda s: rows.close(s, second.id, state="completed", outcome="resolved",
                                                     by="maya", detail=None, now=1100.0))
    assert closed.snooze is None
