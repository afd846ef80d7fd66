"""Reads Rasa's event stream in a consumer group and hands each entry to a handler.

An entry is acknowledged only after its handler returned, so a crash or a restart loses
nothing: the restarted replica first re-reads its own pending entries, and entries held
too long by a replica that died are claimed by another.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import RedisError, ResponseError

from handoff.settings import HandoffSettings
from handoff.stream.events import StreamEvent

logger = logging.getLogger(__name__)

Handler = Callable[[StreamEvent], Awaitable[object]]


class StreamConsumer:
    """`handler` applies an entry to the live state; the optional `on_applied` (the engine's hook)
    runs after it, before the entry is acknowledged. Both see a redelivered entry again (at least
    once, after a crash), so both must be idempotent; `event.entry_id` identifies the entry."""

    def __init__(self, redis: Redis, settings: HandoffSettings, handler: Handler,
                 on_applied: Handler | None = None) -> None:
        self.redis = redis
        self.stream = settings.event_stream
        self.group = settings.consumer_group
        self.consumer = settings.consumer_name
        self.claim_idle_ms = settings.claim_idle_ms
        self.count = settings.read_count
        self.block_ms = settings.read_block_ms
        self.handler = handler
        self.on_applied = on_applied
        self.processed = 0
        self.last_error: str | None = None

    async def ensure_group(self) -> None:
        try:
            await self.redis.xgroup_create(self.stream, self.group, id="0", mkstream=True)
        except ResponseError as error:
            if "BUSYGROUP" not in str(error):
                raise

    async def run(self, stop: asyncio.Event) -> None:
        backoff = 0.5
        while not stop.is_set():
            try:
                await self.ensure_group()
                await self._drain_own_pending()
                while not stop.is_set():
                    await self._claim_abandoned()
                    await self._read_new()
                    backoff = 0.5
            except RedisError as error:
                self.last_error = f"{type(error).__name__}: {error}"
                logger.warning("Stream consumer lost Redis (%s); retrying in %.1fs", error, backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 10.0)

    async def _drain_own_pending(self) -> None:
        while True:
            reply = await self.redis.xreadgroup(self.group, self.consumer, {self.stream: "0"}, count=self.count)
            entries = reply[0][1] if reply else []
            if not entries:
                return
            await self._handle(entries)

    async def _claim_abandoned(self) -> None:
        reply = await self.redis.xautoclaim(
            self.stream, self.group, self.consumer, self.claim_idle_ms, start_id="0-0", count=self.count
        )
        entries = reply[1] if reply else []
        if entries:
            await self._handle(entries)

    async def _read_new(self) -> None:
        reply = await self.redis.xreadgroup(
            self.group, self.consumer, {self.stream: ">"}, count=self.count, block=self.block_ms
        )
        for _stream, entries in reply or []:
            await self._handle(entries)

    async def _handle(self, entries: list[tuple[bytes, dict[bytes, bytes]]]) -> None:
        """Each conversation's entries in stream order; different conversations at once, so one
        conversation's slow hand-over (Rasa's API, a knowledge search, the database) does not
        hold up the others' events read in the same batch."""
        by_conversation: dict[str, list[tuple[bytes, StreamEvent]]] = {}
        for raw_id, raw_fields in entries:
            if raw_fields is None:  # trimmed from the stream while pending
                await self.redis.xack(self.stream, self.group, raw_id)
                continue
            fields = {k.decode(): v.decode() for k, v in raw_fields.items()}
            event = StreamEvent.from_entry(raw_id.decode(), fields)
            by_conversation.setdefault(event.sender_id, []).append((raw_id, event))
        outcomes = await asyncio.gather(
            *(self._handle_in_order(sequence) for sequence in by_conversation.values()), return_exceptions=True
        )
        # The first failure ends the batch as it did before, but only after the other
        # conversations' entries were applied and acknowledged; the failed entry stays pending.
        for outcome in outcomes:
            if isinstance(outcome, BaseException):
                raise outcome

    async def _handle_in_order(self, sequence: list[tuple[bytes, StreamEvent]]) -> None:
        for raw_id, event in sequence:
            await self.handler(event)
            if self.on_applied is not None:
                await self.on_applied(event)
            await self.redis.xack(self.stream, self.group, raw_id)
            self.processed += 1

    async def lag(self) -> dict[str, Any]:
        """How far this group is behind the stream, for /health."""
        groups = await self.redis.xinfo_groups(self.stream)
        for info in groups:
            name = info.get("name")
            if (name.decode() if isinstance(name, bytes) else name) == self.group:
                last = info.get("last-delivered-id")
                return {
                    "lag": info.get("lag"),
                    "pending": info.get("pending"),
                    "last_delivered_id": last.decode() if isinstance(last, bytes) else last,
                }
        return {"lag": None, "pending": None, "last_delivered_id": None}
