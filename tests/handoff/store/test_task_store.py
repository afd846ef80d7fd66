"""Follow-up tasks in the store on SQLite and PostgreSQL: who sees them, each step (due,
overdue, done) taken once even when callers race, and a purge removes them with the escalation."""

from __future__ import annotations

import asyncio

import pytest

from handoff.errors import Conflict, NotFound
from handoff.store import Database, snoozes, tasks
from handoff.store import escalations as rows
from handoff.store.purge import delete_sender
from tests.handoff.store.test_escalation_store import agent, open_one


async def test_tasks_are_listed_to_their_agent_and_team_soonest_first(database: Database) -> None:
    maya = await agent(database, "maya", teams=("delivery",))
    sam = await agent(database, "sam", teams=("returns",))
    escalation = await open_one(database, "c1", team="delivery")
    later = await database.run(lambda s: tasks.create(s, escalation.id, agent=maya, note="check the refund posted",
                                                      promise=None, due_at=3000.0, by="maya", now=1000.0))
    sooner = await database.run(lambda s: tasks.create(s, escalation.id, agent=None, note="call the carrier",
                                                       promise="Maya will ...", due_at=2000.0, by="bot", now=1000.0))
    assert (later.agent, later.team, later.state, later.sender_id) == ("maya", "delivery", "open", "c1")
    assert sooner.agent is None and sooner.created_by == "bot"
    assert [t.id for t in await database.run(lambda s: tasks.listing(s, maya, mine=False))] == [sooner.id, later.id]
    assert [t.id for t in await database.run(lambda s: tasks.listing(s, maya, mine=True))] == [later.id]
    assert await database.run(lambda s: tasks.listing(s, sam, mine=False)) == []
    with pytest.raises(NotFound, match="no follow-up task 999"):
        await database.run(lambda s: tasks.get(s, 999))


async def test_due_then_overdue_each_once_and_done_ends_it(database: Database) -> None:
    maya = await agent(database, "maya")
    escalation = await open_one(database)
    task = await database.run(lambda s: tasks.create(s, escalation.id, agent=maya, note="call the carrier",
                                                     promise=None, due_at=2000.0, by="maya", now=1000.0))
    assert await database.run(lambda s: tasks.coming_due(s, 1999.0)) == []
    assert await database.run(lambda s: tasks.coming_due(s, 2000.0)) == [task.id]
    due = await asyncio.gather(*(database.run(lambda s: tasks.mark_due(s, task.id, now=2001.0)) for _ in range(4)))
    assert [t.state for t in due if t is not None] == ["due"]
    assert await database.run(lambda s: tasks.going_overdue(s, 1999.0)) == []
    assert await database.run(lambda s: tasks.going_overdue(s, 2000.0)) == [task.id]
    over = await asyncio.gather(*(database.run(lambda s: tasks.mark_overdue(s, task.id, now=2500.0))
                                  for _ in range(4)))
    assert [(t.state, t.escalated_at) for t in over if t is not None] == [("overdue", 2500.0)]
    done = await database.run(lambda s: tasks.complete(s, task.id, now=2600.0))
    assert (done.state, done.done_at) == ("done", 2600.0)
    with pytest.raises(Conflict, match="already done"):
        await database.run(lambda s: tasks.complete(s, task.id, now=2700.0))
    assert await database.run(lambda s: tasks.listing(s, maya, mine=True)) == []


async def test_a_purge_removes_tasks_and_snoozes_with_the_escalation(database: Database) -> None:
    maya = await agent(database, "maya")
    escalation = await open_one(database, "gone")
    await database.run(lambda s: rows.claim(s, escalation.id, maya, 1010.0))
    await database.run(lambda s: snoozes.start(s, escalation.id, agent=maya, until=None, now=1020.0))
    await database.run(lambda s: tasks.create(s, escalation.id, agent=maya, note="call back", promise=None,
                                              due_at=2000.0, by="maya", now=1000.0))
    assert await database.run(lambda s: delete_sender(s, "gone")) == [escalation.id]
    assert await database.run(lambda s: tasks.listing(s, maya, mine=True)) == []
