"""Migration 0005 (admin pages) on a store of revision 0004, SQLite and PostgreSQL: an account
removed before it becomes a deactivated one (which nobody can sign in to until an admin
reactivates it with a new password), and the canned replies are seeded once."""

from __future__ import annotations

from handoff.auth.accounts import Accounts
from handoff.store import canned_replies as canned_rows
from tests.handoff.databases import at_revision


async def test_removed_accounts_become_deactivated_and_the_replies_are_seeded(database_url: str) -> None:
    db = at_revision(database_url, "0004",
        "INSERT INTO agents (id, username, display_name, password_hash, role, teams, capacity, created_at) "
        "VALUES (1, 'boss', 'Boss', 'x', 'admin', '[\"general\"]', 3, 1.0), "
        "(2, 'gone', 'Gone', '!removed', 'agent', '[\"delivery\"]', 3, 1.0)")
    await db.start()  # migrates to the head, as a replica does on start
    await db.start()  # and again: nothing seeded twice
    try:
        accounts = Accounts(db, bcrypt_rounds=4)
        assert [(a.username, a.active) for a in await accounts.all(include_inactive=True)] == [
            ("boss", True), ("gone", False)]
        assert await accounts.current("gone") is None
        boss = await accounts.get("boss")
        assert boss is not None
        await accounts.reactivate("gone", "a new password", boss)
        assert await accounts.authenticate("gone", "a new password") is not None
        assert len(await db.run(canned_rows.all_replies)) == 12
    finally:
        await db.close()
