"""Customer waits in the store on SQLite and PostgreSQL (auto-resolve): who wrote last only moves
forward, a wait is due only while the agent wrote last and no timed snooze runs, racing claims,
closes and reopens each happen once, and a purge removes the row with its escalation."""

from __future__ import annotations

import asyncio

from handoff.store import Database, reporting, snoozes
from handoff.store import customer_waits as waits
from handoff.store import escalations as rows
from handoff.store.purge import delete_sender
from tests.handoff.store.test_escalation_store import agent, open_one

LEASE = 300.0


async def accepted(database: Database, sender: str = "c1") -> int:
    maya = await agent(database, f"maya-{sender}")
    escalation = await open_one(database, sender)
    await database.run(lambda s: rows.claim(s, escalation.id, maya, 1010.0))
    return escalation.id


async def test_who_wrote_last_moves_forward_only_and_says_when_it_is_due(database: Database) -> None:
    escalation_id = await accepted(database)
    await database.run(lambda s: waits.agent_wrote(s, escalation_id, 2000.0))
    await database.run(lambda s: waits.agent_wrote(s, escalation_id, 1500.0))  # an entry seen late: ignored
    times = await database.run(lambda s: waits.times_of(s, escalation_id))
    assert times is not None and times["agent_at"] == 2000.0 and times["customer_at"] is None
    assert await database.run(lambda s: waits.due(s, agent_before=1999.0)) == []
    due = await database.run(lambda s: waits.due(s, agent_before=2000.0))
    assert [(w.escalation_id, w.sender_id, w.agent_at) for w in due] == [(escalation_id, "c1", 2000.0)]
    await database.run(lambda s: waits.customer_wrote(s, escalation_id, 2100.0))  # the customer answered
    assert await database.run(lambda s: waits.due(s, agent_before=9000.0)) == []
    await database.run(lambda s: waits.customer_wrote(s, escalation_id, 2050.0))  # older: changes nothing
    assert (await database.run(lambda s: waits.times_of(s, escalation_id)) or {})["customer_at"] == 2100.0
    await database.run(lambda s: waits.agent_wrote(s, escalation_id, 2200.0))  # the agent answered back
    assert len(await database.run(lambda s: waits.due(s, agent_before=9000.0))) == 1


async def test_a_timed_snooze_keeps_it_open_a_snooze_until_the_reply_does_not(database: Database) -> None:
    maya = await agent(database, "maya")
    escalation = await open_one(database)
    await database.run(lambda s: rows.claim(s, escalation.id, maya, 1010.0))
    await database.run(lambda s: waits.agent_wrote(s, escalation.id, 2000.0))
    await database.run(lambda s: snoozes.start(s, escalation.id, agent=maya, until=99_999.0, now=2001.0))
    assert await database.run(lambda s: waits.due(s, agent_before=9000.0)) == []
    await database.run(lambda s: snoozes.start(s, escalation.id, agent=maya, until=None, now=2002.0))
    assert len(await database.run(lambda s: waits.due(s, agent_before=9000.0))) == 1


async def test_racing_closes_and_claims_happen_once_then_a_reply_reopens_it_once(database: Database) -> None:
    escalation_id = await accepted(database)
    await database.run(lambda s: waits.agent_wrote(s, escalation_id, 2000.0))
    [wait] = await database.run(lambda s: waits.due(s, agent_before=9000.0))
    closes = await asyncio.gather(*(database.run(lambda s: waits.resolve(s, wait, now=9010.0,
                                                                           detail="auto-resolved: test"))
                                    for _ in range(4)))
    [closed] = [c for c in closes if c is not None]
    assert (closed.state, closed.outcome, closed.closed_at) == ("completed", "auto_resolved", 9010.0)
    assert closed.states[-1].by == "system" and closed.states[-1].detail == "auto-resolved: test"
    assert await database.run(lambda s: rows.active_for(s, "c1")) is None
    assert await database.run(lambda s: waits.due(s, agent_before=99_999.0)) == []
    events = [e for e in await database.run(lambda s: reporting.of_conversation(s, "c1")) if e.kind == "auto_resolved"]
    assert [(e.actor, e.value, e.agent) for e in events] == [("system", 7010.0, "maya-c1")]

    # The closing message is owed; one replica at a time sends it (a stale claim is taken over).
    assert [w.escalation_id for w in await database.run(lambda s: waits.untold(s, now=9010.0, lease=LEASE))] \
        == [escalation_id]
    claims = await asyncio.gather(*(database.run(lambda s, i=i: waits.claim(s, escalation_id, by=f"r{i}",
                                                                             now=9010.0, lease=LEASE))
                                    for i in range(4)))
    assert claims.count(True) == 1
    assert await database.run(lambda s: waits.untold(s, now=9100.0, lease=LEASE)) == []
    assert len(await database.run(lambda s: waits.untold(s, now=9311.0, lease=LEASE))) == 1
    winner = f"r{claims.index(True)}"
    await database.run(lambda s: waits.release(s, escalation_id, by=winner))  # Rasa was down: owed still
    assert await database.run(lambda s: waits.claim(s, escalation_id, by="r7", now=9020.0, lease=LEASE))
    await database.run(lambda s: waits.told(s, escalation_id, by="r7", now=9021.0))
    assert await database.run(lambda s: waits.untold(s, now=99_999.0, lease=LEASE)) == []
    assert not await database.run(lambda s: waits.claim(s, escalation_id, by="r8", now=99_999.0, lease=LEASE))

    assert (await database.run(lambda s: waits.auto_resolved_of(s, "c1")) or closed).id == escalation_id
    reopens = await asyncio.gather(*(database.run(lambda s: waits.reopen(s, escalation_id, now=9500.0, at=9499.0))
                                     for _ in range(4)))
    [reopened] = [r for r in reopens if r is not None]
    assert (reopened.state, reopened.outcome, reopened.agent, reopened.queued_at) == ("queued", None, None, 9500.0)
    assert reopened.states[-1].detail == "reopened: the customer wrote after it was auto-resolved"
    assert await database.run(lambda s: waits.auto_resolved_of(s, "c1")) is None
    kinds = [e.kind for e in await database.run(lambda s: reporting.of_conversation(s, "c1"))]
    assert kinds.count("reopened") == 1
    times = await database.run(lambda s: waits.times_of(s, escalation_id))
    assert times is not None and times["resolved_at"] is None and times["customer_at"] == 9499.0


async def test_a_closing_message_still_owed_is_not_sent_after_a_reopen(database: Database) -> None:
    escalation_id = await accepted(database)
    await database.run(lambda s: waits.agent_wrote(s, escalation_id, 2000.0))
    [wait] = await database.run(lambda s: waits.due(s, agent_before=9000.0))
    assert await database.run(lambda s: waits.resolve(s, wait, now=9010.0, detail="x")) is not None
    assert await database.run(lambda s: waits.reopen(s, escalation_id, now=9020.0, at=9019.0)) is not None
    assert await database.run(lambda s: waits.untold(s, now=9030.0, lease=LEASE)) == []
    assert not await database.run(lambda s: waits.claim(s, escalation_id, by="r1", now=9030.0, lease=LEASE))


async def test_an_agent_closing_first_leaves_nothing_to_auto_resolve(database: Database) -> None:
    escalation_id = await accepted(database)
    await database.run(lambda s: waits.agent_wrote(s, escalation_id, 2000.0))
    [wait] = await database.run(lambda s: waits.due(s, agent_before=9000.0))
    await database.run(lambda s: rows.close(s, escalation_id, state="completed", outcome="resolved", by="maya",
                                            detail=None, now=9001.0))
    assert await database.run(lambda s: waits.resolve(s, wait, now=9002.0, detail="x")) is None
    escalation = await database.run(lambda s: rows.get(s, escalation_id))
    assert (escalation.outcome, (await database.run(lambda s: waits.times_of(s, escalation_id)) or {})["resolved_at"]) \
        == ("resolved", None)
    assert await database.run(lambda s: waits.auto_resolved_of(s, "c1")) is None


async def test_a_purge_removes_the_wait_with_its_escalation(database: Database) -> None:
    escalation_id = await accepted(database, "gone")
    await database.run(lambda s: waits.agent_wrote(s, escalation_id, 2000.0))
    assert await database.run(lambda s: delete_sender(s, "gone")) == [escalation_id]
    assert await database.run(lambda s: waits.times_of(s, escalation_id)) is None
