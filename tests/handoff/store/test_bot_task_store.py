"""The bot's follow-up tasks in the store on SQLite and PostgreSQL: one per stream entry, for the
escalation's team, however often or however concurrently the entry is handled."""

from __future__ import annotations

import asyncio

from sqlalchemy.exc import IntegrityError

from handoff.store import Database, tasks
from handoff.store import bot_tasks as rows
from tests.handoff.store.test_escalation_store import agent, open_one


async def test_one_task_per_entry_for_the_team(database: Database) -> None:
    sam = await agent(database, "sam", teams=("delivery",))
    escalation = await open_one(database, "c1", team="delivery")
    made, new = await database.run(lambda s: rows.create_once(
        s, escalation.id, entry_id="1733500000000-0", note="check the USPS claim", promise="Our team will ...",
        due_at=5000.0, now=1000.0))
    assert new and (made.agent, made.team, made.created_by, made.state) == (None, "delivery", "bot", "open")
    again, new = await database.run(lambda s: rows.create_once(
        s, escalation.id, entry_id="1733500000000-0", note="other", promise=None, due_at=9000.0, now=1001.0))
    assert not new and again == made
    assert await database.run(lambda s: rows.of_entry(s, "1733500000000-1")) is None
    # The team sees it; an agent's own task has no entry and any number of them may exist.
    assert [t.id for t in await database.run(lambda s: tasks.listing(s, sam, mine=False))] == [made.id]
    for _ in range(2):
        await database.run(lambda s: tasks.create(s, escalation.id, agent=sam, note="call", promise=None,
                                                  due_at=6000.0, by="sam", now=1000.0))
    assert len(await database.run(lambda s: tasks.of_escalation(s, escalation.id))) == 3


async def test_racing_callers_make_one_task(database: Database) -> None:
    escalation = await open_one(database, "c2")

    async def make() -> str:
        try:
            _, new = await database.run(lambda s: rows.create_once(
                s, escalation.id, entry_id="7-0", note="n", promise=None, due_at=5000.0, now=1000.0))
        except IntegrityError:
            return "lost the race"
        return "made" if new else "found"

    outcomes = await asyncio.gather(*(make() for _ in range(4)))
    assert outcomes.count("made") == 1
    assert len(await database.run(lambda s: tasks.of_escalation(s, escalation.id))) == 1

