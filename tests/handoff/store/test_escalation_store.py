"""The relational store on SQLite and on PostgreSQL: escalations with their state history,
the atomic claim, transfers, notes, CSAT, follow-ups and agent accounts."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy.exc import IntegrityError

from handoff.auth.accounts import Accounts
from handoff.errors import Conflict, Invalid, NotFound
from handoff.store import Agent, Database, Escalation, revoked_tokens
from handoff.store import agents as agent_rows
from handoff.store import escalations as rows
from handoff.store.agents import active_chats

PACKET = {
    "summary_line": "Where is order LK-100235? Late parcel, customer upset",
    "identity": {"order_number": "LK-100235", "email": "Liam.OBrien@example.com", "verified": True},
    "slots": {"order_number": "LK-100235", "return_items": ["down parka (XL)"], "note": "naïve café ✓"},
    "signals": {"sentiment": 0.3, "shouting": 0.2},
}


async def agent(db: Database, username: str, teams: tuple[str, ...] = ("delivery",), capacity: int = 3) -> Agent:
    accounts = Accounts(db, bcrypt_rounds=4)
    return await accounts.create(username=username, password="correct horse", display_name=username.title(),
                                 teams=teams, capacity=capacity)


async def open_one(db: Database, sender: str = "c1", team: str = "delivery", now: float = 1000.0):
    return await db.run(lambda s: rows.create(
        s, sender_id=sender, channel="rest", email="liam.obrien@example.com", reason="frustration",
        team=team, frustration=0.8, packet=PACKET, now=now))


async def test_open_records_initiated_then_queued_and_keeps_the_packet(database: Database) -> None:
    escalation = await open_one(database)
    assert escalation.state == "queued"
    history = [(c.state, c.at, c.by) for c in escalation.states]
    assert history == [("initiated", 1000.0, "bot"), ("queued", 1000.0, "bot")]
    loaded = await database.run(lambda s: rows.get(s, escalation.id))
    assert loaded.packet == PACKET
    assert loaded.summary_line == PACKET["summary_line"]
    assert (await database.run(lambda s: rows.active_for(s, "c1"))).id == escalation.id
    assert await database.run(lambda s: rows.active_for(s, "nobody")) is None


async def test_one_open_escalation_per_conversation(database: Database) -> None:
    await open_one(database)
    with pytest.raises(IntegrityError):
        await open_one(database)


async def test_claim_race_has_exactly_one_winner(database: Database) -> None:
    escalation = await open_one(database)
    agents = [await agent(database, f"agent{i}") for i in range(8)]

    async def claim(who: Agent):
        try:
            return await database.run(lambda s: rows.claim(s, escalation.id, who, 2000.0))
        except Conflict as error:
            return error

    results = await asyncio.gather(*(claim(a) for a in agents))
    winners = [r for r in results if not isinstance(r, Conflict)]
    assert len(winners) == 1
    winner = winners[0]
    assert winner.state == "accepted" and winner.accepted_at == 2000.0
    losers = [r for r in results if isinstance(r, Conflict)]
    assert {str(r) for r in losers} == {f"already claimed by {winner.agent_name}"}
    stored = await database.run(lambda s: rows.get(s, escalation.id))
    assert [c.state for c in stored.states] == ["initiated", "queued", "accepted"]
    assert stored.waiting_seconds(9999.0) == 1000.0


async def test_claim_respects_capacity(database: Database) -> None:
    first, second = await open_one(database, "c1"), await open_one(database, "c2")
    busy = await agent(database, "busy", capacity=1)
    await database.run(lambda s: rows.claim(s, first.id, busy, 1.0))
    with pytest.raises(Conflict, match="capacity"):
        await database.run(lambda s: rows.claim(s, second.id, busy, 2.0))


async def test_one_agents_claims_at_once_stay_within_capacity(database: Database) -> None:
    """Issue 19 gap: the capacity check counted, then claimed; on PostgreSQL two claims of different
    escalations by one agent both passed. Each round: 8 claims at once by one agent of capacity 2."""
    busy = await agent(database, "busy", capacity=2)
    for round_ in range(5):
        opened = [await open_one(database, f"r{round_}-{i}") for i in range(8)]

        async def claim(escalation: Escalation) -> Escalation | Conflict:
            try:
                return await database.run(lambda s: rows.claim(s, escalation.id, busy, 1.0))
            except Conflict as error:
                return error

        results = await asyncio.gather(*(claim(e) for e in opened))
        won = [r for r in results if not isinstance(r, Conflict)]
        assert len(won) == 2, f"round {round_}: {len(won)} claims won for a capacity of 2"
        assert await database.run(lambda s: active_chats(s, busy.id)) == 2
        for escalation in won:  # free the agent for the next round
            await database.run(lambda s, e=escalation: rows.close(s, e.id, state="completed", outcome="resolved",
                                                                  by="busy", detail=None, now=2.0))


async def test_transfer_to_team_requeues_and_to_agent_reassigns(database: Database) -> None:
    escalation = await open_one(database)
    maya, sam = await agent(database, "maya", ("returns",)), await agent(database, "sam")
    await database.run(lambda s: rows.claim(s, escalation.id, sam, 1100.0))
    moved = await database.run(lambda s: rows.requeue(s, escalation.id, team="returns", by="sam",
                                                      detail="transferred to team returns", now=1200.0))
    assert (moved.state, moved.team, moved.agent, moved.queued_at) == ("queued", "returns", None, 1200.0)
    given = await database.run(lambda s: rows.reassign(s, escalation.id, to=maya, by="admin", now=1300.0))
    assert (given.state, given.agent) == ("accepted", "maya")
    assert given.states[-1].detail == "transferred from the queue to maya"
    assert [c.state for c in given.states] == ["initiated", "queued", "accepted", "queued", "accepted"]


async def test_close_notes_csat_and_history(database: Database) -> None:
    escalation = await open_one(database)
    sam = await agent(database, "sam")
    await database.run(lambda s: rows.claim(s, escalation.id, sam, 1100.0))
    note = await database.run(lambda s: rows.add_note(s, escalation.id, author=sam, text="offered refund", now=1150.0))
    closed = await database.run(lambda s: rows.close(s, escalation.id, state="completed", outcome="resolved",
                                                     by="sam", detail="outcome resolved", now=1400.0))
    assert (closed.state, closed.outcome, closed.closed_at) == ("completed", "resolved", 1400.0)
    assert closed.handling_seconds(0) == 300.0
    assert [(n.author, n.text) for n in closed.notes] == [("sam", "offered refund")] and note.id
    with pytest.raises(Conflict, match="already completed"):
        await database.run(lambda s: rows.close(s, escalation.id, state="failed", outcome=None, by="x",
                                                detail=None, now=1500.0))
    rated = await database.run(lambda s: rows.set_csat(s, "c1", rating=4, comment="quick, thanks", now=1500.0))
    assert (rated.csat_rating, rated.csat_comment) == (4, "quick, thanks")
    # A closed escalation frees the conversation for a new one; both are in the customer's history.
    second = await open_one(database, now=2000.0)
    by_email = await database.run(lambda s: rows.history_for(s, None, "LIAM.OBRIEN@example.com "))
    assert [e.id for e in by_email] == [second.id, escalation.id]


async def test_follow_up_and_unknown_ids(database: Database) -> None:
    escalation = await open_one(database)
    updated = await database.run(lambda s: rows.set_follow_up(s, escalation.id, email="liam@example.com"))
    assert (updated.follow_up, updated.follow_up_email, updated.state) == ("email", "liam@example.com", "queued")
    with pytest.raises(NotFound, match="no escalation 999"):
        await database.run(lambda s: rows.get(s, 999))


async def test_accounts_hash_passwords_and_refuse_duplicates(database: Database) -> None:
    accounts = Accounts(database, bcrypt_rounds=4)
    created = await accounts.create(username="Maya", password="correct horse", display_name="Maya",
                                    teams=["returns", "general"])
    assert created.username == "maya" and created.teams == ("returns", "general")
    stored = await database.run(lambda s: agent_rows.with_password(s, "maya"))
    assert stored[1].startswith("$2") and "correct horse" not in stored[1]
    assert (await accounts.authenticate("maya", "correct horse")) == created
    assert await accounts.authenticate("maya", "wrong horse") is None
    assert await accounts.authenticate("nobody", "correct horse") is None
    with pytest.raises(Conflict, match="already exists"):
        await accounts.create(username="maya", password="another one", display_name="M")
    with pytest.raises(Invalid, match="teams"):
        await accounts.create(username="x1", password="long enough", display_name="X", teams=["billing"])
    with pytest.raises(Invalid, match="at least 8"):
        await accounts.create(username="x2", password="short", display_name="X")


async def test_demo_accounts_seeded_only_into_an_empty_store(database: Database) -> None:
    accounts = Accounts(database, bcrypt_rounds=4)
    assert await accounts.seed_demo("larkspur-demo") is True
    assert [(a.username, a.role, a.teams) for a in await accounts.all()] == [
        ("admin", "admin", ("returns", "delivery", "general")),
        ("maya", "agent", ("returns", "general")),
        ("sam", "agent", ("delivery", "general")),
    ]
    assert await accounts.authenticate("sam", "larkspur-demo") is not None
    assert await accounts.seed_demo("larkspur-demo") is False


async def test_a_full_listing_keeps_the_longest_waiting_and_the_latest_closed(database: Database) -> None:
    """Issue 19, finding 9: the console lists at most 200, and listed the newest, so a flood of
    new escalations hid the customers who had waited longest."""
    admin = await agent(database, "boss", teams=("delivery",))
    opened = [await open_one(database, sender=f"waiting-{i}", now=1000.0 + i) for i in range(5)]
    waiting = await database.run(lambda s: rows.listing(s, admin, states=["queued"], mine=False, limit=3))
    assert [e.id for e in waiting] == [e.id for e in opened[:3]]
    for escalation in opened:
        await database.run(lambda s, e=escalation: rows.close(s, e.id, state="failed", outcome=None, by="test",
                                                               detail=None, now=2000.0))
    closed = await database.run(lambda s: rows.listing(s, admin, states=["failed"], mine=False, limit=3))
    assert [e.id for e in closed] == [e.id for e in reversed(opened[2:])]


async def test_signed_out_tokens_are_kept_until_they_expire(database: Database) -> None:
    await database.run(lambda s: revoked_tokens.revoke(s, "old", expires_at=100.0, now=50.0))
    await database.run(lambda s: revoked_tokens.revoke(s, "new", expires_at=300.0, now=50.0))
    await database.run(lambda s: revoked_tokens.revoke(s, "new", expires_at=300.0, now=60.0))  # twice: once
    assert await database.run(lambda s: revoked_tokens.is_revoked(s, "old"))
    await database.run(lambda s: revoked_tokens.revoke(s, "x" * 64, expires_at=400.0, now=200.0))  # sweeps "old"
    assert not await database.run(lambda s: revoked_tokens.is_revoked(s, "old"))
    assert await database.run(lambda s: revoked_tokens.is_revoked(s, "new"))
    assert not await database.run(lambda s: revoked_tokens.is_revoked(s, "never"))


async def test_a_deactivated_account_is_found_by_nothing_and_must_hold_no_chat(database: Database) -> None:
    accounts = Accounts(database, bcrypt_rounds=4)
    boss = await accounts.create(username="boss", password="long enough", display_name="Boss", role="admin")
    busy = await agent(database, "busy")
    escalation = await open_one(database)
    await database.run(lambda s: rows.claim(s, escalation.id, busy, 1.0))
    with pytest.raises(Conflict, match="holds conversations"):
        await accounts.deactivate("busy", boss)
    await database.run(lambda s: rows.close(s, escalation.id, state="completed", outcome="resolved", by="busy",
                                            detail=None, now=2.0))
    assert (await accounts.deactivate("BUSY", boss)).active is False
    assert await accounts.get("busy") is None and await accounts.current("busy") is None
    assert await accounts.authenticate("busy", "correct horse") is None
    assert await accounts.all() == [boss]
    assert (await database.run(lambda s: rows.get(s, escalation.id))).agent == "busy"  # history keeps the name
    with pytest.raises(Conflict, match="already deactivated"):
        await accounts.deactivate("busy", boss)
    with pytest.raises(NotFound):
        await accounts.deactivate("nobody", boss)
