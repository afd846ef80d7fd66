"""Customer records' retention on SQLite and PostgreSQL: a conversation's link leaves after the
period; a customer with no conversation left leaves with the notes on them; recent ones stay."""

from __future__ import annotations

from handoff.customers.retention import CustomerRetention
from handoff.store import Database
from handoff.store import customers as rows
from tests.handoff.store.test_customer_store import link
from tests.handoff.store.test_escalation_store import agent

DAY = 86_400.0


async def test_old_links_then_customers_without_any_leave_with_their_notes(database: Database) -> None:
    maya = await agent(database, "maya")
    gone = await link(database, "old@example.com", "web-old", now=1_000.0)
    await database.run(lambda s: rows.add_note(s, gone.id, author=maya, text="prefers email", now=1_000.0))
    kept = await link(database, "both@example.com", "web-long-ago", now=1_000.0)
    await link(database, "both@example.com", "tg-recent", now=1_000.0 + 80 * DAY)

    sweeper = CustomerRetention(database, retention_seconds=90 * DAY)
    assert await sweeper.sweep(now=1_000.0 + 95 * DAY) == (2, 1)
    assert await database.run(lambda s: rows.by_email(s, "old@example.com")) is None
    assert await database.run(lambda s: rows.notes(s, gone.id)) == []
    still = await database.run(lambda s: rows.by_email(s, "both@example.com"))
    assert still is not None and still.id == kept.id and still.sender_ids == ["tg-recent"]
    assert await sweeper.sweep(now=1_000.0 + 95 * DAY) == (0, 0)  # nothing twice
