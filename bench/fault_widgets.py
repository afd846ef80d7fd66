"""Chat widgets for the fault benchmark (bench/faults.py): customers on Rasa's socket.io channel
the way baton-widget.js talks to it (a signed session from the handoff service, websocket only,
session_request again after each reconnection), through HAProxy with --replicas. When the Rasa
replica a widget is on is killed, the widget reconnects through HAProxy to another; the seconds
from the cut to the session confirmed again are counted, and every message Rasa acknowledged
(the `user_uttered` ack, sent once the message is saved) is checked in the tracker afterwards
like the REST customers' messages.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
import socketio

from bench.load.customers import button_payload
from bench.load.scenarios import DEFAULT_MIX, Scenarios, deck

SEND_ATTEMPTS = 120
TURN_TIMEOUT = 60.0
CONFIRM_TIMEOUT = 30.0


@dataclass
class WidgetFigures:
    acknowledged: list[tuple[str, str]] = field(default_factory=list)  # (sender, text) acknowledged
    cut: int = 0  # sockets that lost their replica
    reconnect_seconds: list[float] = field(default_factory=list)  # from the cut to the session confirmed again
    refused: int = 0  # sends that got no acknowledgement (tried again)
    given_up: int = 0
    senders: set[str] = field(default_factory=set)


class Widget:
    def __init__(self, rasa_url: str, session: dict[str, str], figures: WidgetFigures) -> None:
        self.rasa_url, self.figures = rasa_url, figures
        self.sender, self.secret = session["session_id"], session["secret"]
        self.confirmed = asyncio.Event()
        self.cut_at: float | None = None
        self.closing = False
        self.replies: list[dict[str, Any]] = []
        self.sio = socketio.AsyncClient(reconnection=True, reconnection_delay=0.5, reconnection_delay_max=2,
                                        handle_sigint=False)
        self.sio.on("connect", self._on_connect)
        self.sio.on("disconnect", self._on_disconnect)
        self.sio.on("session_confirm", self._on_confirm)
        self.sio.on("bot_uttered", self._on_bot)

    async def _on_connect(self) -> None:
        await self.sio.emit("session_request", {"session_id": self.sender, "secret": self.secret})

    async def _on_disconnect(self) -> None:
        if self.closing:  # the conversation's own end, not a cut
            return
        if self.cut_at is None:
            self.cut_at = time.monotonic()
            self.figures.cut += 1
        self.confirmed.clear()

    async def _on_confirm(self, *_: Any) -> None:
        if self.cut_at is not None:
            self.figures.reconnect_seconds.append(time.monotonic() - self.cut_at)
            self.cut_at = None
        self.confirmed.set()

    async def _on_bot(self, data: Any) -> None:
        self.replies.append(data if isinstance(data, dict) else {"text": str(data)})

    async def open(self) -> None:
        await self.sio.connect(self.rasa_url, transports=["websocket"], wait_timeout=20)
        await asyncio.wait_for(self.confirmed.wait(), CONFIRM_TIMEOUT)

    async def send(self, text: str, stop: asyncio.Event) -> list[dict[str, Any]] | None:
        """The replies to `text` once Rasa acknowledged it; None if never acknowledged."""
        for _ in range(SEND_ATTEMPTS):
            before = len(self.replies)
            try:
                await asyncio.wait_for(self.confirmed.wait(), CONFIRM_TIMEOUT)
                ack = await self.sio.call("user_uttered", {"message": text, "session_id": self.sender},
                                          timeout=TURN_TIMEOUT)
            except (TimeoutError, socketio.exceptions.SocketIOError):
                ack = None
            if isinstance(ack, dict) and ack.get("ok"):
                self.figures.acknowledged.append((self.sender, text))
                await asyncio.sleep(0.05)  # replies emitted before the ack are read by now
                return self.replies[before:]
            self.figures.refused += 1
            if stop.is_set():
                return None
            await asyncio.sleep(1)
        self.figures.given_up += 1
        return None

    async def close(self) -> None:
        self.closing = True
        await self.sio.disconnect()


class Widgets:
    """N widget customers, conversation after conversation until stopped."""

    def __init__(self, http: httpx.AsyncClient, rasa_url: str, handoff_url: str, seed: int = 11) -> None:
        self.http, self.rasa_url, self.handoff_url = http, rasa_url, handoff_url
        self.figures = WidgetFigures()
        self.scenarios = Scenarios(seed)
        self.deck = deck({name: weight for name, weight in DEFAULT_MIX.items() if name != "handover"}, seed)
        self.stop = asyncio.Event()

    async def run(self, count: int) -> None:
        await asyncio.gather(*(self._one() for _ in range(count)))

    async def _one(self) -> None:
        while not self.stop.is_set():
            try:
                await self._conversation()
            except (httpx.HTTPError, TimeoutError, socketio.exceptions.SocketIOError):
                await asyncio.sleep(1)  # the handoff service or every Rasa replica is away: a new one

    async def _conversation(self) -> None:
        session = await self.http.post(f"{self.handoff_url}/widget/sessions", timeout=10)
        session.raise_for_status()
        widget = Widget(self.rasa_url, session.json(), self.figures)
        self.figures.senders.add(widget.sender)
        try:
            await widget.open()
            replies: list[dict[str, Any]] = []
            for turn in self.scenarios.build(next(self.deck)).turns:
                if self.stop.is_set():
                    return
                text = turn.text
                if turn.press:
                    payload = button_payload(replies, turn.press)
                    if payload is None:
                        if turn.optional:
                            continue
                        return
                    text = payload
                answered = await widget.send(text, self.stop)
                if answered is None:
                    return
                replies = answered
        finally:
            await widget.close()
