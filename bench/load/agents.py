"""The agents' side: the demo agents logged in with their console's WebSocket open, taking every
escalation the customers of the hand-over scenario cause.

Times measured here:
- hand-over: from the customer's message that asks for a person (sent over socket.io) to the
  `escalation.new` push for that customer arriving on an agent's WebSocket (the first of them);
- agent reply: from just before the agent's POST /escalations/{id}/messages to the reply's text
  arriving in the customer's socket.io client.
After its reply arrived (or did not), the escalation is resolved without a hand-back, so agents
never run out of capacity and the customer gets the bot back.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import httpx

from bench.load.customers import SocketCustomer
from bench.load.stats import LevelResult

logger = logging.getLogger(__name__)
DEMO_AGENTS = ("maya", "sam", "admin")


@dataclass
class Waiting:
    """A customer who has just asked for a person."""

    customer: SocketCustomer
    asked_at: float  # perf_counter when the request was sent
    result: LevelResult
    escalated: asyncio.Event = field(default_factory=asyncio.Event)
    done: asyncio.Event = field(default_factory=asyncio.Event)


class Console:
    """One agent: logged in over the API, its console WebSocket open, online."""

    def __init__(self, http: httpx.AsyncClient, base: str, username: str, password: str) -> None:
        self.http, self.base, self.username, self.password = http, base, username, password
        self.token = ""
        self.name = username
        self.capacity = 1
        self.teams: set[str] = set()
        self.admin = False
        self.status_before = "offline"
        self._socket: asyncio.Task[None] | None = None

    async def call(self, method: str, path: str, **kwargs: Any) -> Any:
        response = await self.http.request(method, f"{self.base}{path}", timeout=30,
                                           headers={"Authorization": f"Bearer {self.token}"}, **kwargs)
        response.raise_for_status()
        return response.json() if response.content else None

    async def login(self) -> None:
        response = await self.http.post(f"{self.base}/auth/login", timeout=30,
                                        json={"username": self.username, "password": self.password})
        response.raise_for_status()
        self.token = response.json()["access_token"]
        me = await self.call("GET", "/agents/me")
        self.name = me.get("display_name") or self.username
        self.teams, self.admin = set(me.get("teams") or ()), me.get("role") == "admin"
        self.status_before = me.get("status", "offline")
        self.capacity = max(0, int(me.get("capacity", 3)) - int(me.get("active_chats", 0)))

    def may_take(self, team: str) -> bool:
        return self.admin or team in self.teams

    async def connect(self, on_push: Callable[[dict[str, Any], float], Awaitable[None]]) -> None:
        hello = asyncio.Event()

        async def run() -> None:
            url = self.base.replace("http://", "ws://", 1) + "/ws"
            async with aiohttp.ClientSession() as session, session.ws_connect(url, heartbeat=10) as ws:
                await ws.send_json({"type": "auth", "token": self.token})
                async for message in ws:
                    arrived = time.perf_counter()
                    push = json.loads(message.data)
                    if push.get("type") == "hello":
                        hello.set()
                    else:
                        await on_push(push, arrived)

        self._socket = asyncio.create_task(run())
        await asyncio.wait_for(hello.wait(), 30)
        await self.call("PUT", "/agents/me/presence", json={"status": "online"})

    async def close(self) -> None:
        if self._socket:
            self._socket.cancel()
            await asyncio.gather(self._socket, return_exceptions=True)
        # Leave the agent as found (a demo agent a person uses stays online; the tests' agents go offline).
        with contextlib.suppress(httpx.HTTPError):
            await self.call("PUT", "/agents/me/presence", json={"status": self.status_before})


class Desk:
    """Every demo agent at work; each takes as many escalations at once as its capacity allows."""

    def __init__(self, http: httpx.AsyncClient, handoff_url: str, password: str,
                 usernames: tuple[str, ...] = DEMO_AGENTS, reply_timeout: float = 30.0) -> None:
        self.consoles = [Console(http, handoff_url, name, password) for name in usernames]
        self.reply_timeout = reply_timeout
        self.waiting: dict[str, Waiting] = {}  # sender -> the customer asking for a person
        self._seen: set[int] = set()
        # Every customer whose conversation reached the agents, asked for or not (the detector
        # also hands over a question that asks for a person or sounds angry).
        self.escalated: set[str] = set()
        self._pending: list[tuple[int, str, Waiting]] = []  # escalation, team, customer
        self._arrived = asyncio.Condition()
        self._workers: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        for console in self.consoles:
            await console.login()
            await console.connect(self._on_push)
            for _ in range(console.capacity):
                self._workers.append(asyncio.create_task(self._work_as(console)))
        if not self._workers:
            raise RuntimeError("no demo agent has room for another conversation")

    async def stop(self) -> None:
        for worker in self._workers:
            worker.cancel()
        await asyncio.gather(*self._workers, return_exceptions=True)
        for console in self.consoles:
            await console.close()

    def expect(self, customer: SocketCustomer, asked_at: float, result: LevelResult) -> Waiting:
        waiting = Waiting(customer, asked_at, result)
        self.waiting[customer.sender] = waiting
        return waiting

    async def handed_over(self, sender: str, wait: float = 2.0) -> bool:
        """Whether the customer's conversation reached the agents (waiting a little for the push,
        which may come after the bot's silence)."""
        deadline = asyncio.get_running_loop().time() + wait
        while sender not in self.escalated and asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.05)
        return sender in self.escalated

    async def _on_push(self, push: dict[str, Any], arrived: float) -> None:
        if push.get("type") != "escalation.new":
            return
        data = push.get("data") or {}
        self.escalated.add(str(data.get("sender_id")))
        waiting = self.waiting.get(str(data.get("sender_id")))
        escalation = data.get("id")
        if waiting is None or not isinstance(escalation, int) or escalation in self._seen:
            return
        self._seen.add(escalation)
        waiting.result.handover_ms.append((arrived - waiting.asked_at) * 1000)
        waiting.escalated.set()
        await self._queue(escalation, str(data.get("team")), waiting)

    async def _queue(self, escalation: int, team: str, waiting: Waiting) -> None:
        async with self._arrived:
            self._pending.append((escalation, team, waiting))
            self._arrived.notify_all()

    async def _next_for(self, console: Console) -> tuple[int, Waiting]:
        """The oldest escalation this agent's teams may claim (the console shows others too)."""
        def mine() -> int | None:
            return next((i for i, (_, team, _w) in enumerate(self._pending) if console.may_take(team)), None)

        async with self._arrived:
            await self._arrived.wait_for(lambda: mine() is not None)
            index = mine()
            assert index is not None
            escalation, _team, waiting = self._pending.pop(index)
            return escalation, waiting

    async def _work_as(self, console: Console) -> None:
        while True:
            escalation, waiting = await self._next_for(console)
            try:
                await self._handle(console, escalation, waiting)
            except httpx.HTTPStatusError as error:
                step = error.request.url.path.rsplit("/", 1)[-1]
                waiting.result.error(f"agent {step}: HTTP {error.response.status_code}")
                logger.warning("agent %s on escalation %s: %s %s", console.username, escalation, error,
                               error.response.text[:300])
            except (httpx.HTTPError, OSError) as error:
                waiting.result.error(f"agent: {type(error).__name__}")
                logger.warning("agent %s on escalation %s: %s", console.username, escalation, error)
            finally:
                waiting.done.set()
                self.waiting.pop(waiting.customer.sender, None)

    async def _handle(self, console: Console, escalation: int, waiting: Waiting) -> None:
        await console.call("POST", f"/escalations/{escalation}/claim")
        marker = uuid.uuid4().hex[:8]
        text = f"Hi, I'm {console.name} from Larkspur, I'm looking into it now (ref {marker})."
        sent = time.perf_counter()
        await console.call("POST", f"/escalations/{escalation}/messages", json={"text": text})
        arrived = await waiting.customer.wait_for_text(marker, self.reply_timeout)
        if arrived is None:
            waiting.result.error("agent reply never reached the customer")
        else:
            waiting.result.agent_reply_ms.append((arrived - sent) * 1000)
        await console.call("POST", f"/escalations/{escalation}/resolve",
                           json={"outcome": "resolved", "handback": False})
