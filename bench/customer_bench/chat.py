"""Talking to the stack as a customer (Rasa's REST channel) and seeing its escalations as an
admin (the handoff service's agent API): the only two things the runner observes."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

import httpx

# Every state an escalation can be in (handoff/store/records.py STATES): any of them means one exists.
ESCALATION_STATES = ("initiated", "queued", "accepted", "completed", "failed")
MAX_REPLY_CHARS = 20_000
# The listing's page size and deepest offset (handoff/escalations/queue_views.py MAX_PAGE, MAX_OFFSET).
PAGE, MAX_OFFSET = 100, 10_000


@dataclass(frozen=True)
class Escalation:
    id: int
    reason: str
    state: str


class Customer:
    """One REST channel client; each conversation is a sender id of its own."""

    def __init__(self, http: httpx.AsyncClient, rasa_url: str, timeout: float,
                 headers: Callable[[], dict[str, str]]) -> None:
        self.http, self.url, self.timeout = http, f"{rasa_url.rstrip('/')}/webhooks/rest/webhook", timeout
        self.headers = headers

    async def say(self, sender: str, text: str) -> list[str]:
        """The bot's messages in answer, each with its buttons' titles (a reply may be only buttons)."""
        response = await self.http.post(self.url, json={"sender": sender, "message": text}, timeout=self.timeout,
                                        headers=self.headers())
        response.raise_for_status()
        body = response.json()
        if not isinstance(body, list):
            raise ValueError(f"the REST channel answered {type(body).__name__}, not a list of messages")
        messages = []
        for message in body:
            if not isinstance(message, dict):
                continue
            parts = [str(message.get("text") or "")]
            buttons = message.get("buttons")
            if isinstance(buttons, list):
                parts += [f"[{b.get('title', '')}]" for b in buttons if isinstance(b, dict)]
            messages.append(" ".join(p for p in parts if p)[:MAX_REPLY_CHARS])
        return messages


class EscalationWatch:
    """Every escalation the handoff service lists, swept by one admin every `interval` seconds
    and kept by sender id, so a conversation asks a dictionary instead of the service."""

    def __init__(self, http: httpx.AsyncClient, handoff_url: str, username: str, password: str,
                 timeout: float, interval: float = 0.3) -> None:
        self.http, self.base = http, handoff_url.rstrip("/")
        self.username, self.password, self.timeout, self.interval = username, password, timeout, interval
        self.token = ""
        self.seen: dict[str, Escalation] = {}
        self.sweeps = 0
        self.rounds = 0  # sweeps tried, failed ones included
        self.errors = 0
        self.changed = asyncio.Event()

    async def login(self) -> None:
        response = await self.http.post(f"{self.base}/auth/login", timeout=self.timeout,
                                        json={"username": self.username, "password": self.password})
        response.raise_for_status()
        self.token = str(response.json()["access_token"])

    async def _listing(self, state: str, offset: int = 0) -> list[dict[str, object]]:
        params: dict[str, str | int] = {"state": state, "sort": "newest", "limit": PAGE, "offset": offset}
        for attempt in range(2):
            response = await self.http.get(f"{self.base}/escalations", params=params, timeout=self.timeout,
                                           headers={"Authorization": f"Bearer {self.token}"})
            if response.status_code == 401 and attempt == 0:  # the token expired: log in again once
                await self.login()
                continue
            response.raise_for_status()
            cards = response.json()
            return [c for c in cards if isinstance(c, dict)] if isinstance(cards, list) else []
        return []

    async def sweep(self, *, whole: bool = False) -> None:
        """The newest page of each state; swept this often, a new escalation is always on it. The
        queue's own order is by priority, so a calm customer's new escalation would fall off the
        first page of a long queue: the listing is asked for the newest first. `whole` pages on
        to the end (the last look)."""
        for state in ESCALATION_STATES:
            offset = 0
            while True:
                cards = await self._listing(state, offset)
                for card in cards:
                    sender = card.get("sender_id")
                    if isinstance(sender, str) and sender not in self.seen:
                        self.seen[sender] = Escalation(int(card.get("id") or 0), str(card.get("reason") or ""),
                                                       str(card.get("state") or state))
                        self.changed.set()
                offset += len(cards)
                if not whole or len(cards) < PAGE or offset > MAX_OFFSET:
                    break
        self.sweeps += 1

    async def _run(self) -> None:
        while True:
            try:
                await self.sweep()
            except (httpx.HTTPError, ValueError):
                self.errors += 1  # counted and reported; the next sweep tries again
            self.rounds += 1
            await asyncio.sleep(self.interval)

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[EscalationWatch]:
        await self.login()
        task = asyncio.create_task(self._run())
        try:
            yield self
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            await self.sweep(whole=True)  # a last look, so one opened during the final wait still counts

    async def wait_for(self, sender: str, seconds: float) -> Escalation | None:
        """The sender's escalation, waiting up to `seconds` (past one more sweep) for it to appear."""
        deadline = time.monotonic() + seconds
        start = self.rounds
        while sender not in self.seen:
            left = deadline - time.monotonic()
            # Past the deadline, once a whole sweep began after the wait did (or the service is down).
            if left <= 0 and (self.rounds > start + 1 or left < -10 * self.interval - 5):
                return None
            self.changed.clear()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self.changed.wait(), timeout=max(self.interval, min(left, 1.0)))
        return self.seen[sender]
