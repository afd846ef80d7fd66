"""An admin's changes to accounts (handoff/auth/accounts.py) on SQLite and PostgreSQL: each one
audited in its own transaction; usernames never reused; nobody shuts the admins out."""

from __future__ import annotations

import pytest

from handoff.auth.accounts import Accounts
from handoff.errors import Conflict, Invalid, NotFound
from handoff.store import Agent, Database, audit


@pytest.fixture
async def accounts(database: Database) -> Accounts:
    return Accounts(database, bcrypt_rounds=4)


async def boss_and_sam(accounts: Accounts) -> tuple[Agent, Agent]:
    boss = await accounts.create(username="boss", password="long enough", display_name="Boss", role="admin")
    sam = await accounts.create(username="sam", password="sams secret", display_name="Sam", teams=["delivery"],
                                by="boss")
    return boss, sam


async def events(accounts: Accounts) -> list[tuple[str, str, str]]:
    page = await accounts.db.run(lambda s: audit.page(s, before_id=None, limit=50))
    return [(e.actor, e.action, e.target) for e in reversed(page)]


async def test_every_change_is_audited_with_before_and_after(accounts: Accounts) -> None:
    boss, _ = await boss_and_sam(accounts)
    changed = await accounts.update("SAM", boss, teams=["delivery", "returns"], role="admin", display_name=" Samuel ")
    assert (changed.teams, changed.role, changed.display_name) == (("delivery", "returns"), "admin", "Samuel")
    await accounts.update("sam", boss, capacity=changed.capacity)  # no change: no audit line
    await accounts.reset_password("sam", "brand new secret", boss)
    assert await accounts.authenticate("sam", "sams secret") is None
    assert await accounts.authenticate("sam", "brand new secret") is not None
    await accounts.deactivate("sam", boss)
    await accounts.reactivate("sam", "another new one", boss)
    assert await accounts.authenticate("sam", "another new one") is not None
    assert await events(accounts) == [
        ("system", "agent.created", "agent boss"), ("boss", "agent.created", "agent sam"),
        ("boss", "agent.updated", "agent sam"), ("boss", "agent.password_reset", "agent sam"),
        ("boss", "agent.deactivated", "agent sam"), ("boss", "agent.reactivated", "agent sam"),
    ]
    page = await accounts.db.run(lambda s: audit.page(s, before_id=None, limit=50))
    updated = next(e for e in page if e.action == "agent.updated")
    assert updated.before == {"display_name": "Sam", "role": "agent", "teams": ["delivery"]}
    assert updated.after == {"display_name": "Samuel", "role": "admin", "teams": ["delivery", "returns"]}
    assert all("$2" not in repr((e.before, e.after)) for e in page)  # never a password hash


async def test_a_deactivated_username_is_reactivated_not_created_again(accounts: Accounts) -> None:
    boss, _ = await boss_and_sam(accounts)
    await accounts.deactivate("sam", boss)
    assert await accounts.authenticate("sam", "sams secret") is None
    assert [a.username for a in await accounts.all()] == ["boss"]
    assert [(a.username, a.active) for a in await accounts.all(include_inactive=True)] == [
        ("boss", True), ("sam", False)]
    with pytest.raises(Conflict, match="deactivated account: reactivate it"):
        await accounts.create(username="sam", password="someone else", display_name="Another Sam")
    with pytest.raises(Conflict, match="deactivated: reactivate"):
        await accounts.reset_password("sam", "long enough", boss)
    with pytest.raises(Invalid, match="at least 8"):
        await accounts.reactivate("sam", "short", boss)
    reactivated = await accounts.reactivate("sam", "a fresh secret", boss)
    assert reactivated.active and reactivated.teams == ("delivery",)
    assert await accounts.authenticate("sam", "sams secret") is None  # the old password did not come back
    with pytest.raises(Conflict, match="active already"):
        await accounts.reactivate("sam", "a fresh secret", boss)


async def test_the_admins_cannot_shut_themselves_out(accounts: Accounts) -> None:
    boss, _ = await boss_and_sam(accounts)
    with pytest.raises(Invalid, match="your own account"):
        await accounts.deactivate("boss", boss)
    with pytest.raises(Invalid, match="your own account"):
        await accounts.update("boss", boss, role="agent")
    ann = await accounts.create(username="ann", password="long enough", display_name="Ann", role="admin")
    await accounts.update("boss", ann, role="agent")
    # boss was an admin when his request began (two admins demoting each other at once): the
    # change that would leave no admin is refused.
    for attempt in (accounts.deactivate("ann", boss), accounts.update("ann", boss, role="agent")):
        with pytest.raises(Conflict, match="ann is the last active admin"):
            await attempt
    assert [e[1] for e in await events(accounts)][-1] == "agent.updated"
    assert (await accounts.get("ann")).is_admin  # type: ignore[union-attr]


async def test_bad_values_and_unknown_accounts_are_refused_and_not_audited(accounts: Accounts) -> None:
    boss, _ = await boss_and_sam(accounts)
    before = await events(accounts)
    for change, message in (({"teams": ["billing"]}, "unknown: billing"), ({"teams": []}, "non-empty"),
                            ({"role": "owner"}, "'agent' or 'admin'"), ({"capacity": 0}, "at least 1"),
                            ({"display_name": "  "}, "display name is empty")):
        with pytest.raises(Invalid, match=message):
            await accounts.update("sam", boss, **change)
    for username in ("nobody", "x" * 10_000, "sam\x00"):
        with pytest.raises(NotFound):
            await accounts.update(username, boss, capacity=2)
        with pytest.raises(NotFound):
            await accounts.deactivate(username, boss)
    assert await events(accounts) == before
