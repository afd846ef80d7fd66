"""Issue 19, "Gaps in the handoff service's own guarantees", replayed against the handoff service
as ./baton runs it (its Procfile line, on real Redis, on SQLite and on PostgreSQL):

- one agent's claims at once never take them past their capacity (on PostgreSQL two passed);
- only the agent who holds a conversation writes in it, resolves, transfers or hands it back,
  not a teammate;
- a typed CSAT rating the bot refuses ("4.5") is not stored by the service either.

The escalations are written into the service's database as the engine would open them; Rasa is
not running (nothing here needs it to answer)."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from redis.asyncio import Redis

from handoff.store import Database, Escalation
from handoff.store import escalations as rows
from tests.conftest import Stack
from tests.handoff.databases import postgres_url  # noqa: F401 (a fixture)

PASSWORD = "larkspur-demo"


@pytest.fixture(params=["sqlite", "postgresql"])
def handoff(request: pytest.FixtureRequest, handoff_alone: Callable[[dict[str, str]], Stack]) -> Stack:
    env = {"HANDOFF_DEMO_MODE": "1"}
    if request.param == "postgresql":
        env["HANDOFF_DATABASE_URL"] = request.getfixturevalue("postgres_url")
    return handoff_alone(env)


@pytest.fixture
async def db(handoff: Stack) -> AsyncIterator[Database]:
    """The service's own database, as the engine writes escalations into it."""
    database = Database(handoff.env.get("HANDOFF_DATABASE_URL") or f"sqlite:///{handoff.settings.var_dir}/handoff.db")
    yield database
    await database.close()


async def open_escalations(db: Database, count: int, team: str = "general") -> list[Escalation]:
    now = time.time()
    return [await db.run(lambda s: rows.create(
        s, sender_id=f"sec-{uuid.uuid4().hex}", channel="rest", email=None, reason="explicit_request", team=team,
        frustration=0.1, packet={"summary_line": "asks for a person"}, now=now)) for _ in range(count)]


async def agent_client(handoff: Stack, username: str, password: str = PASSWORD) -> httpx.AsyncClient:
    client = httpx.AsyncClient(base_url=handoff.url("handoff"), timeout=60, trust_env=False)
    response = await client.post("/auth/login", json={"username": username, "password": password})
    assert response.status_code == 200, response.text
    client.headers["Authorization"] = f"Bearer {response.json()['access_token']}"
    return client


async def test_one_agents_claims_at_once_stay_within_capacity(handoff: Stack, db: Database) -> None:
    admin = await agent_client(handoff, "admin")
    created = await admin.post("/agents", json={"username": "one-chat", "password": "one chat only",
                                                "teams": ["general"], "capacity": 1})
    assert created.status_code == 201, created.text
    busy = await agent_client(handoff, "one-chat", "one chat only")
    for round_ in range(4):
        opened = await open_escalations(db, 8)
        responses = await asyncio.gather(*(busy.post(f"/escalations/{e.id}/claim") for e in opened))
        won = [r for r in responses if r.status_code == 200]
        assert len(won) == 1, f"round {round_}: {len(won)} claims won for a capacity of 1"
        refused = {(r.status_code, r.json()["detail"]) for r in responses if r.status_code != 200}
        assert refused == {(409, "you already hold 1 conversations, your capacity; resolve or transfer one first")}
        assert (await busy.get("/agents/me")).json()["active_chats"] == 1
        held = won[0].json()["id"]
        await db.run(lambda s, held=held: rows.close(s, held, state="completed", outcome="resolved", by="one-chat",
                                                     detail=None, now=time.time()))
    for client in (admin, busy):
        await client.aclose()


async def test_only_the_holder_acts_in_a_conversation_not_a_teammate(handoff: Stack, db: Database) -> None:
    [escalation] = await open_escalations(db, 1, team="general")
    maya, sam = await agent_client(handoff, "maya"), await agent_client(handoff, "sam")  # both in general
    assert (await maya.post(f"/escalations/{escalation.id}/claim")).status_code == 200
    path = f"/escalations/{escalation.id}"
    attempts: list[tuple[str, dict[str, Any] | None]] = [
        ("/messages", {"text": "Hi, Sam here instead"}), ("/typing", None), ("/resolve", {"outcome": "resolved"}),
        ("/handback", {"outcome": "resolved"}), ("/close", {"outcome": "unnecessary", "handback": True}),
        ("/transfer", {"team": "delivery", "note": "over to you"}), ("/transfer", {"agent": "sam", "note": "yours"}),
    ]
    for action, body in attempts:
        response = await sam.post(path + action, json=body)
        assert response.status_code == 403, (action, response.text)
        assert response.json()["detail"].startswith("Maya holds this conversation; only they or an admin can")
    # Sam still sees it (his team's) and may leave an internal note; nothing else changed.
    assert (await sam.get(path)).status_code == 200
    assert (await sam.post(path + "/notes", json={"text": "customer called before"})).status_code == 201
    stored = await db.run(lambda s: rows.get(s, escalation.id))
    assert (stored.state, stored.agent, stored.team) == ("accepted", "maya", "general")
    assert [change.state for change in stored.states] == ["initiated", "queued", "accepted"]
    for client in (maya, sam):
        await client.aclose()


async def test_a_rating_the_bot_refuses_is_not_stored_by_the_service(handoff: Stack, db: Database) -> None:
    refused, rated = await open_escalations(db, 2)
    for escalation in (refused, rated):
        await db.run(lambda s, e=escalation: rows.close(s, e.id, state="completed", outcome="resolved", by="maya",
                                                        detail=None, now=time.time()))
    redis = Redis.from_url(handoff.redis_url)
    try:
        for sender, value in ((refused.sender_id, "4.5"), (refused.sender_id, 4.5), (rated.sender_id, "2")):
            event = {"event": "slot", "name": "csat_rating", "value": value, "timestamp": time.time()}
            await redis.xadd(handoff.settings.event_stream,
                             {"sender_id": sender, "type": "slot", "event": json.dumps(event)})
    finally:
        await redis.aclose()
    deadline = time.monotonic() + 30
    while (await db.run(lambda s: rows.get(s, rated.id))).csat_rating != 2:  # the stream is read in order
        assert time.monotonic() < deadline, "the service did not store the rating of 2"
        await asyncio.sleep(0.2)
    assert (await db.run(lambda s: rows.get(s, refused.id))).csat_rating is None
