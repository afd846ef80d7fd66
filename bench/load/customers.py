"""Customers as the bot sees them: one on Rasa's REST channel (an integration, the tests), one on
its socket.io channel the way the chat widget talks to it (a session from the handoff service,
session_request, user_uttered with an acknowledgement, bot_uttered)."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable
from typing import Any, Protocol

import httpx
import socketio

Reply = dict[str, Any]


def button_payload(replies: list[Reply], title: str) -> str | None:
    """The payload of the button called `title` (REST: buttons, socket.io: quick_replies)."""
    for reply in replies:
        for button in [*(reply.get("buttons") or []), *(reply.get("quick_replies") or [])]:
            if button.get("title") == title:
                return str(button.get("payload"))
    return None


def reply_text(replies: list[Reply]) -> str:
    return "\n".join(str(reply.get("text") or "") for reply in replies)


class Customer(Protocol):
    channel: str
    sender: str

    async def open(self) -> None: ...

    async def say(self, text: str, timeout: float) -> tuple[float, list[Reply]]:
        """Send `text`; the seconds until the bot finished its turn, and its replies."""
        ...

    async def close(self) -> None: ...


class RestCustomer:
    channel = "rest"

    def __init__(self, http: httpx.AsyncClient, rasa_url: str, headers: Callable[[], dict[str, str]]) -> None:
        self.http, self.rasa_url, self.headers = http, rasa_url, headers
        self.sender = f"load-rest-{uuid.uuid4().hex[:12]}"

    async def open(self) -> None:
        return None

    async def say(self, text: str, timeout: float) -> tuple[float, list[Reply]]:
        start = time.perf_counter()
        response = await self.http.post(f"{self.rasa_url}/webhooks/rest/webhook", headers=self.headers(),
                                        json={"sender": self.sender, "message": text}, timeout=timeout)
        elapsed = time.perf_counter() - start
        response.raise_for_status()
        return elapsed, response.json()

    async def close(self) -> None:
        return None


# After the acknowledgement: how long to wait for a turn's first reply (a conversation a person
# owns gets none), and how quiet it must be before the turn's replies count as all arrived.
REPLY_WAIT_S = 10.0
SETTLE_S = 0.05
MAX_REPLIES = 50


class SocketCustomer:
    """A widget visitor: a session from POST /widget/sessions, then socket.io to Rasa."""

    channel = "socketio"

    def __init__(self, http: httpx.AsyncClient, rasa_url: str, handoff_url: str) -> None:
        self.http, self.rasa_url, self.handoff_url = http, rasa_url, handoff_url
        self.sender = ""
        self.received: list[tuple[float, Reply]] = []  # (perf_counter, bot_uttered payload)
        self._arrived = asyncio.Condition()
        self._confirmed = asyncio.Event()
        self.sio = socketio.AsyncClient(reconnection=False, handle_sigint=False)
        self.sio.on("bot_uttered", self._on_bot)
        self.sio.on("session_confirm", self._on_confirm)

    async def _on_bot(self, data: Reply) -> None:
        async with self._arrived:
            self.received.append((time.perf_counter(), data if isinstance(data, dict) else {"text": str(data)}))
            self._arrived.notify_all()

    async def _on_confirm(self, *_args: Any) -> None:
        self._confirmed.set()

    async def open(self) -> None:
        session = await self.http.post(f"{self.handoff_url}/widget/sessions")
        session.raise_for_status()
        self.sender, secret = session.json()["session_id"], session.json()["secret"]
        await self.sio.connect(self.rasa_url, transports=["websocket"], wait_timeout=30)
        await self.sio.emit("session_request", {"session_id": self.sender, "secret": secret})
        await asyncio.wait_for(self._confirmed.wait(), 30)

    async def say(self, text: str, timeout: float) -> tuple[float, list[Reply]]:
        before = len(self.received)
        start = time.perf_counter()
        # Rasa acknowledges once it has handled the message. Its replies were emitted before that,
        # but to the session's room, which goes through Redis (bot/socketio_rooms.py, decision
        # 0166) while the acknowledgement comes straight back: under load they arrive after it.
        await self.sio.call("user_uttered", {"message": text, "session_id": self.sender}, timeout=timeout)
        acknowledged = time.perf_counter()
        async with self._arrived:
            try:
                await asyncio.wait_for(self._arrived.wait_for(lambda: len(self.received) > before),
                                       min(REPLY_WAIT_S, max(0.0, start + timeout - acknowledged)))
                # The rest of the turn's replies follow the first closely, in order.
                for _ in range(MAX_REPLIES):
                    count = len(self.received)
                    await asyncio.wait_for(self._arrived.wait_for(lambda n=count: len(self.received) > n),
                                           SETTLE_S)
            except TimeoutError:
                pass
        replies = self.received[before:]
        # The turn is over for the customer when its last reply is on the screen.
        finished = max([acknowledged, *(at for at, _ in replies)])
        return finished - start, [reply for _, reply in replies]

    async def wait_for_text(self, piece: str, timeout: float) -> float | None:
        """perf_counter time at which a message holding `piece` arrived; None if none within `timeout`."""
        def found() -> float | None:
            return next((at for at, reply in self.received if piece in str(reply.get("text") or "")), None)

        async with self._arrived:
            try:
                await asyncio.wait_for(self._arrived.wait_for(lambda: found() is not None), timeout)
            except TimeoutError:
                return None
            return found()

    async def close(self) -> None:
        if self.sio.connected:
            await self.sio.disconnect()
