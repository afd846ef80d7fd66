"""Issue 19, finding 6: the widget session id alone gave live read and write.

Against the real stack. Rasa's socket.io channel joined any browser to the conversation its
`session_request` named, and took a `user_uttered` for any `session_id`; agents see these ids. So
with only a victim's id a second client received the victim's replies, and its messages were
recorded as the victim's. Rasa's REST channel took any sender from anyone. Now Rasa's channel
(bot/channels/socketio.py) wants the signature the handoff service issued with the id, and the
REST channel (bot/channels/rest.py) wants Rasa's API JWT."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
import socketio

from tests.conftest import Stack


@dataclass
class WidgetClient:
    """A socket.io client speaking to Rasa as the widget does."""

    stack: Stack
    origin: str | None = None
    replies: list[str] = field(default_factory=list)
    confirmed: asyncio.Event = field(default_factory=asyncio.Event)
    refused: asyncio.Event = field(default_factory=asyncio.Event)

    def __post_init__(self) -> None:
        self.sio = socketio.AsyncClient(reconnection=False)
        self.sio.on("bot_uttered", lambda data: self.replies.append(str((data or {}).get("text") or "")))
        self.sio.on("session_confirm", lambda *_: self.confirmed.set())
        self.sio.on("session_refused", lambda *_: self.refused.set())

    async def connect(self) -> None:
        headers = {"Origin": self.origin} if self.origin else {}
        await self.sio.connect(self.stack.url("rasa"), transports=["websocket"], headers=headers, wait_timeout=30)

    async def request_session(self, session: dict[str, Any]) -> bool:
        """True: joined to the conversation; False: refused."""
        await self.sio.emit("session_request", session)
        done, _ = await asyncio.wait(
            [asyncio.create_task(self.confirmed.wait()), asyncio.create_task(self.refused.wait())],
            timeout=30,
            return_when=asyncio.FIRST_COMPLETED,
        )
        assert done, "Rasa neither confirmed nor refused the session"
        return self.confirmed.is_set()

    async def say(self, session_id: str, text: str) -> Any:
        return await self.sio.call("user_uttered", {"message": text, "session_id": session_id}, timeout=90)

    async def close(self) -> None:
        if self.sio.connected:
            await self.sio.disconnect()


def issued_session(stack: Stack) -> dict[str, str]:
    response = httpx.post(f"{stack.url('handoff')}/widget/sessions", timeout=30)
    response.raise_for_status()
    return {"session_id": response.json()["session_id"], "secret": response.json()["secret"]}


def customer_texts(stack: Stack, sender: str) -> list[str]:
    tracker = httpx.get(
        f"{stack.url('rasa')}/conversations/{sender}/tracker", headers=stack.rasa_headers(), timeout=30
    ).json()
    return [event.get("text") or "" for event in tracker.get("events", []) if event.get("event") == "user"]


@pytest.fixture
async def clients(stack: Stack) -> AsyncIterator[list[WidgetClient]]:
    made: list[WidgetClient] = []
    yield made
    for client in made:
        await client.close()


async def test_the_session_id_alone_neither_reads_nor_writes(stack: Stack, clients: list[WidgetClient]) -> None:
    session = issued_session(stack)
    victim, attacker = WidgetClient(stack), WidgetClient(stack)
    clients += [victim, attacker]
    await victim.connect()
    assert await victim.request_session(session)
    await victim.say(session["session_id"], "hello")
    assert victim.replies, "the victim's own widget gets the bot's answer"

    await attacker.connect()
    # The id, as agents see it, without the secret; then with another session's secret.
    assert not await attacker.request_session({"session_id": session["session_id"]})
    attacker.refused.clear()
    other = issued_session(stack)
    assert not await attacker.request_session({"session_id": session["session_id"], "secret": other["secret"]})
    marker = f"written by someone else {uuid.uuid4().hex[:6]}"
    answer = await attacker.say(session["session_id"], marker)
    assert isinstance(answer, dict) and answer.get("ok") is False

    before = len(victim.replies)
    await victim.say(session["session_id"], "how long does standard shipping take?")
    await asyncio.sleep(1.0)
    assert len(victim.replies) > before
    assert attacker.replies == [], "a client without the secret received the victim's replies"
    assert marker not in customer_texts(stack, session["session_id"])


async def test_a_message_goes_only_to_the_session_the_socket_was_joined_to(
    stack: Stack,
    clients: list[WidgetClient],
) -> None:
    mine, theirs = issued_session(stack), issued_session(stack)
    client = WidgetClient(stack)
    clients.append(client)
    await client.connect()
    assert await client.request_session(mine)
    marker = f"meant for another conversation {uuid.uuid4().hex[:6]}"
    answer = await client.say(theirs["session_id"], marker)
    assert isinstance(answer, dict) and answer.get("ok") is False
    assert marker not in customer_texts(stack, theirs["session_id"])


async def test_the_rest_channel_needs_rasas_api_token(stack: Stack) -> None:
    sender = f"rest-stranger-{uuid.uuid4().hex[:8]}"
    marker = f"no token {uuid.uuid4().hex[:6]}"
    async with httpx.AsyncClient(timeout=60, trust_env=False) as http:
        url = f"{stack.url('rasa')}/webhooks/rest/webhook"
        refused = await http.post(url, json={"sender": sender, "message": marker})
        assert refused.status_code == 401
        forged = await http.post(
            url, json={"sender": sender, "message": marker}, headers={"Authorization": "Bearer not.a.jwt"}
        )
        assert forged.status_code == 401
        callback = await http.post(
            f"{stack.url('rasa')}/webhooks/callback/webhook", json={"sender": sender, "message": marker}
        )
        assert callback.status_code == 401
        allowed = await http.post(url, json={"sender": sender, "message": "hello"}, headers=stack.rasa_headers())
        assert allowed.status_code == 200 and allowed.json()
    assert marker not in customer_texts(stack, sender)
