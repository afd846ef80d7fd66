"""Email replies and auto-resolve against the real Rasa (the session's `stack`) and a real SMTP
server on loopback: the email is in the customer's tracker as the agent's message of kind
agent_email, never sent on the chat channel, and reaches the transcript the console reads; an
auto-resolved conversation gets its closing message in the tracker, once, from two replicas."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from handoff.clients.rasa import RasaClient
from handoff.escalations.auto_resolve import CLOSING_MESSAGE
from handoff.escalations.email_replies import AGENT_EMAIL
from tests.conftest import SmtpServer, Stack
from tests.handoff.api.test_with_rasa import customer_says, group_at_the_end, rasa
from tests.handoff.harness import Server, handoff_settings

__all__ = ["rasa"]  # the fixture, shared with test_with_rasa.py


def settings_for(stack: Stack, tmp_path: Path, group: str, prefix: str, **extra: object) -> object:
    return handoff_settings(
        stack.redis_url, f"sqlite:///{tmp_path / 'handoff.db'}", tmp_path,
        BATON_RASA_URL=stack.url("rasa"), RASA_TOKEN=stack.settings.token(),
        BATON_EVENT_STREAM=stack.settings.event_stream, HANDOFF_CONSUMER_GROUP=group_at_the_end(stack, group),
        HANDOFF_KEY_PREFIX=prefix,
        **extra)


@pytest.fixture
async def mailing_replica(stack: Stack, tmp_path: Path, smtp_server: SmtpServer) -> AsyncIterator[Server]:
    tag = uuid.uuid4().hex[:6]
    async with Server(settings_for(stack, tmp_path, f"email-{tag}", f"test:email:{tag}",  # type: ignore[arg-type]
                                   **smtp_server.environment())) as running:
        yield running


async def test_the_email_is_in_the_tracker_and_the_transcript_not_in_the_chat(
        stack: Stack, rasa: RasaClient, mailing_replica: Server, smtp_server: SmtpServer) -> None:
    sender = f"customer-{uuid.uuid4().hex[:8]}"
    await customer_says(stack, sender, "hi")
    await rasa.pause(sender)  # what the engine does when it escalates
    escalation = await mailing_replica.services.escalations.open(
        sender_id=sender, channel="rest", reason="lost_parcel", team="delivery", frustration=0.4, packet={})
    await mailing_replica.services.escalations.record_follow_up(sender, "liam@example.com")
    sam = await mailing_replica.login("sam")
    text = "The carrier found your parcel; it arrives tomorrow."
    sent = await sam.post(f"/escalations/{escalation.id}/emails", json={"text": text})
    assert sent.status_code == 201, sent.text
    assert sent.json()["in_transcript"] is True
    assert len(smtp_server.wait_for(1)) == 1
    events = (await rasa.tracker(sender))["events"]
    [emailed] = [e for e in events if e["event"] == "bot" and (e.get("metadata") or {}).get("kind") == AGENT_EMAIL]
    assert (emailed["text"], emailed["metadata"]["agent"]) == (text, "Sam")
    async with asyncio.timeout(20):
        while not any(line.get("kind") == AGENT_EMAIL
                      for line in (await sam.get(f"/escalations/{escalation.id}/transcript")).json()):
            await asyncio.sleep(0.1)
    await sam.aclose()


async def test_the_closing_message_reaches_the_tracker_once_from_two_replicas(
        stack: Stack, rasa: RasaClient, tmp_path: Path) -> None:
    sender = f"customer-{uuid.uuid4().hex[:8]}"
    await customer_says(stack, sender, "hi")
    await rasa.pause(sender)
    tag = uuid.uuid4().hex[:6]
    fast = {"HANDOFF_AUTO_RESOLVE_HOURS": 2.0 / 3600, "HANDOFF_AUTO_RESOLVE_CHECK_SECONDS": 0.2}
    settings = settings_for(stack, tmp_path, f"resolve-{tag}", f"test:resolve:{tag}", **fast)
    async with Server(settings) as one, Server(settings) as two:  # type: ignore[arg-type]
        escalation = await one.services.escalations.open(
            sender_id=sender, channel="rest", reason="lost_parcel", team="delivery", frustration=0.4, packet={})
        sam = await one.login("sam")
        assert (await sam.post(f"/escalations/{escalation.id}/claim")).status_code == 200
        assert (await sam.post(f"/escalations/{escalation.id}/messages",
                               json={"text": "Could you send a photo of the label?"})).status_code == 201
        async with asyncio.timeout(30):
            while (await one.services.escalations.get(escalation.id)).state != "completed":
                await asyncio.sleep(0.1)
        started = time.monotonic()
        async with asyncio.timeout(30):
            while one.services.auto_resolve.told + two.services.auto_resolve.told < 1:
                await asyncio.sleep(0.1)
        await asyncio.sleep(max(0.0, 2.0 - (time.monotonic() - started)))
        assert one.services.auto_resolve.told + two.services.auto_resolve.told == 1
        closing = [e for e in (await rasa.tracker(sender))["events"]
                   if e["event"] == "bot" and e.get("text") == CLOSING_MESSAGE]
        assert len(closing) == 1
        assert (await one.services.escalations.get(escalation.id)).outcome == "auto_resolved"
        await sam.aclose()
