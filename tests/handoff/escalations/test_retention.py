"""The store's retention policy, on SQLite and on PostgreSQL: escalations closed longer ago than
the period leave the store with their history and notes; open ones and recent ones stay."""

from __future__ import annotations

from handoff.escalations.retention import RetentionSweeper
from handoff.store import Database
from handoff.store import escalations as rows
from tests.handoff.store.test_escalation_store import agent, open_one

DAY = 86_400.0


async def test_closed_escalations_older_than_the_period_leave_the_store(database: Database) -> None:
    author = await agent(database, "keeper")
    old = await open_one(database, sender="old", now=1_000.0)
    await database.run(lambda s: rows.add_note(s, old.id, author=author, text="said her name", now=1_001.0))
    await database.run(lambda s: rows.close(s, old.id, state="completed", outcome="resolved", by="keeper",
                                            detail=None, now=2_000.0))
    recent = await open_one(database, sender="recent", now=1_000.0)
    await database.run(lambda s: rows.close(s, recent.id, state="completed", outcome="resolved", by="keeper",
                                            detail=None, now=2_000.0 + 10 * DAY))
    still_open = await open_one(database, sender="waiting", now=1_000.0)

    sweeper = RetentionSweeper(database, retention_seconds=90 * DAY)
    assert await sweeper.sweep(now=2_000.0 + 95 * DAY) == 1
    remaining = {e.id for e in await database.run(lambda s: rows.history_for(s, "old", None))}
    assert remaining == set()
    assert (await database.run(lambda s: rows.get(s, recent.id))).state == "completed"
    assert (await database.run(lambda s: rows.get(s, still_open.id))).state == "queued"
    assert await sweeper.sweep(now=2_000.0 + 95 * DAY) == 0  # nothing twice
