"""The agent side against the real Rasa (the `stack` fixture: Redis, actions, knowledge, handoff,
Rasa; loading Rasa takes ~40 s, so every test that needs it is in this module).

A handoff replica of our own runs in the test (its own consumer group and key prefix on the
stack's Redis and event stream) so the test can open escalations and read what it pushes."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from redis import Redis as SyncRedis
from redis.asyncio import Redis

from handoff.clients.rasa import RasaClient
from tests.conftest import Stack
from tests.handoff.harness import Server, handoff_settings, next_push


@pytest.fixture
async def rasa(stack: Stack) -> AsyncIterator[RasaClient]:
    client = RasaClient(stack.url("rasa"), stack.settings.token())
    yield client
    await client.aclose()


def group_at_the_end(stack: Stack, group: str) -> str:
    """`group` created at the end of the session stack's stream: a replica of this module reads
    what comes after it, not the whole session's history (a fresh deployment reads all of it),
    whose entries would fail in its empty store and go to the dead letters the stack reports."""
    client = SyncRedis.from_url(stack.redis_url)
    try:
        client.xgroup_create(stack.settings.event_stream, group, id="$", mkstream=True)
    finally:
        client.close()
    return group


@pytest.fixture
async def replica(stack: Stack, tmp_path: Path) -> AsyncIterator[Server]:
    settings = handoff_settings(
        stack.redis_url, f"sqlite:///{tmp_path / 'handoff.db'}", tmp_path,
        BATON_RASA_URL=stack.url("rasa"), RASA_TOKEN=stack.settings.token(),
        BATON_EVENT_STREAM=stack.settings.event_stream,
        HANDOFF_CONSUMER_GROUP=group_at_the_end(stack, f"agent-side-{uuid.uuid4().hex[:6]}"),
        HANDOFF_KEY_PREFIX=f"test:agent-side:{uuid.uuid4().hex[:6]}",
    )
    async with Server(settings) as running:
        yield running


async def customer_says(stack: Stack, sender: str, text: str) -> list[dict[str, Any]]:
    """A customer message over Rasa's REST channel; the bot's replies."""
    async with httpx.AsyncClient(timeout=60, trust_env=False) as client:
        response = await client.post(f"{stack.url('rasa')}/webhooks/rest/webhook",
                                     json={"sender": sender, "message": text}, headers=stack.rasa_headers())
        response.raise_for_status()
        return response.json()


async def stream_types(stack: Stack, sender: str) -> list[str]:
    redis = Redis.from_url(stack.redis_url)
    try:
        entries = await redis.xrange(stack.settings.event_stream, "-", "+")
    finally:
        await redis.aclose()
    return [f[b"type"].decode() for _id, f in entries if f.get(b"sender_id", b"").decode() == sender]


async def test_pause_say_resume_and_trigger_intent(stack: Stack, rasa: RasaClient) -> None:
    sender = f"rasa-client-{uuid.uuid4().hex[:8]}"
    assert await customer_says(stack, sender, "hello")
    await rasa.pause(sender)
    assert await customer_says(stack, sender, "hello?") == []  # paused: the bot stays silent
    await rasa.say(sender, "Hi, I'm Maya from Larkspur & Co.", agent="Maya")
    tracker = await rasa.tracker(sender)
    assert tracker["paused"] is True
    said = [e for e in tracker["events"] if e["event"] == "bot"][-1]
    assert said["text"] == "Hi, I'm Maya from Larkspur & Co."
    assert said["metadata"]["agent"] == "Maya"
    assert said["data"]["custom"] == {"data": {"kind": "agent_message", "agent": "Maya",
                                               "text": "Hi, I'm Maya from Larkspur & Co."}}
    await rasa.resume(sender)
    assert (await rasa.tracker(sender))["paused"] is False
    assert await customer_says(stack, sender, "hello")  # the bot answers again
    await rasa.trigger_intent(sender, "greet")
    last_user = [e for e in (await rasa.tracker(sender))["events"] if e["event"] == "user"][-1]
    assert last_user["parse_data"]["intent"]["name"] == "greet"
    types = await stream_types(stack, sender)
    assert "pause" in types and "resume" in types and types.index("pause") < types.index("resume")


@pytest.mark.parametrize("sender", [".", "..", "...", "a/../b", "./x", "50% off?#top", " "])
async def test_ids_of_any_characters_reach_their_own_tracker(stack: Stack, rasa: RasaClient, sender: str) -> None:
    # "." and ".." are dot segments an HTTP client drops from a path: the pause of conversation "."
    # went to /conversations/tracker/events and Rasa answered 404 (found by tests/security/test_fuzz.py).
    sender = f"{sender}" if sender.strip(".") == "" else f"{sender}-{uuid.uuid4().hex[:6]}"
    assert await customer_says(stack, sender, "hello")
    await rasa.pause(sender)
    assert await customer_says(stack, sender, "hello?") == []
    assert (await rasa.tracker(sender))["sender_id"] == sender
    await rasa.resume(sender)


async def test_unknown_token_is_an_upstream_error_with_rasas_reason(stack: Stack) -> None:
    wrong = RasaClient(stack.url("rasa"), "not-the-token")
    with pytest.raises(Exception, match="Rasa refused the request \\(401\\)"):
        await wrong.pause("someone")
    await wrong.aclose()


async def test_agent_claims_replies_receives_and_hands_back(stack: Stack, rasa: RasaClient, replica: Server) -> None:
    sender = f"customer-{uuid.uuid4().hex[:8]}"
    await customer_says(stack, sender, "hi")
    await rasa.pause(sender)  # what the engine does when it escalates
    escalation = await replica.services.escalations.open(
        sender_id=sender, channel="rest", reason="explicit_request", team="delivery", frustration=0.4,
        packet={"summary_line": "Wants a person about LK-100235"})
    sam = await replica.login("sam")
    async with replica.websocket(sam.token) as ws:
        await next_push(ws, "hello")
        assert (await sam.post(f"/escalations/{escalation.id}/claim")).status_code == 200
        sent = await sam.post(f"/escalations/{escalation.id}/messages", json={"text": "Hi, Sam here. Let me check."})
        assert sent.status_code == 201 and (await next_push(ws, "agent.message"))["data"]["agent"] == "sam"

        events = (await rasa.tracker(sender))["events"]
        agent_lines = [(e["data"]["custom"]["data"]["kind"], e["text"]) for e in events
                       if e["event"] == "bot" and (e.get("metadata") or {}).get("agent") == "Sam"]
        assert agent_lines == [("agent_joined", "Sam from Larkspur & Co. has joined the chat."),
                               ("agent_message", "Hi, Sam here. Let me check.")]

        # The customer answers; the bot stays silent and the agent sees it in the transcript.
        assert await customer_says(stack, sender, "it is order LK-100235") == []
        async with asyncio.timeout(20):
            while True:
                lines = (await sam.get(f"/escalations/{escalation.id}/transcript")).json()
                if any(line["role"] == "customer" and "LK-100235" in line["text"] for line in lines):
                    break
                await asyncio.sleep(0.2)
        assert ("agent", "Hi, Sam here. Let me check.") in [(line["role"], line["text"]) for line in lines]

        handed = await sam.post(f"/escalations/{escalation.id}/handback", json={"outcome": "resolved"})
        assert handed.status_code == 200
        body = handed.json()
        assert (body["state"], body["outcome"]) == ("completed", "resolved")
        assert [s["state"] for s in body["states"]] == ["initiated", "queued", "accepted", "completed"]

    tracker = await rasa.tracker(sender)
    assert tracker["paused"] is False
    kinds = [e["event"] for e in tracker["events"]]
    assert kinds.index("resume") > max(i for i, e in enumerate(tracker["events"]) if e["event"] == "pause")
    handback = [e for e in tracker["events"] if e["event"] == "user"][-1]
    assert handback["parse_data"]["intent"]["name"] == "handback"
    # The bot's side (ENGINE) asks for a rating; the rating it records is stored with the escalation.
    await replica.services.escalations.record_csat(sender, 5, "Sam was quick")
    detail = (await sam.get(f"/escalations/{escalation.id}")).json()
    assert detail["csat"] == {"rating": 5, "comment": "Sam was quick"}
