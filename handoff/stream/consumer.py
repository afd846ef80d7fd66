"""Reads Rasa's event stream in a consumer group and hands each entry to a handler.

An entry is acknowledged only after its handler returned, so a crash or a restart loses
nothing: the restarted replica first re-reads its own pending entries, and entries held
too long by a replica that died are claimed by another.

An entry whose handler fails stays pending and is tried again every HANDOFF_RETRY_SECONDS;
its conversation's later entries wait with it, so each conversation stays in order, while the
other conversations keep flowing. After HANDOFF_MAX_ATTEMPTS failures the entry goes to the
dead-letter stream (handoff/stream/dead_letters.py) and its conversation moves on. Only a lost
connection to Redis stops the loop for a while (nothing could be recorded meanwhile). Entries
older than the retention are trimmed from both streams (handoff/stream/retention.py).

Of several replicas, one reads at a time (handoff/stream/reader_lease.py, decision 0296): a
conversation's entries are applied in stream order only if one reader takes them. A replica that
takes the lease over first claims every entry the former reader left pending, then reads on.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError, ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError

from handoff.settings import HandoffSettings
from handoff.stream.dead_letters import DeadLetters
from handoff.stream.events import StreamEvent
from handoff.stream.reader_lease import ReaderLease
from handoff.stream.retention import StreamRetention

logger = logging.getLogger(__name__)

Handler = Callable[[StreamEvent], Awaitable[object]]
Entry = tuple[bytes, dict[str, str], StreamEvent]

# How often a standby replica looks whether it holds the lease now (the lease's keeper takes it).
STANDBY_CHECK_SECONDS = 0.2
# A bound on one take-over: pages of HANDOFF_READ_COUNT entries; the rest are claimed as abandoned.
MAX_TAKE_OVER_PAGES = 100

# Failures of Redis itself, not of the entry: the loop backs off and nothing is counted.
LOST_REDIS = (RedisConnectionError, RedisTimeoutError)


class RetryLater(Exception):
    """A handler cannot act on this entry yet (another replica is busy with its conversation):
    retried and counted like a failure, but logged in one line, without a traceback."""


class StreamConsumer:
    """`handler` applies an entry to the live state; the optional `on_applied` (the engine's hook)
    runs after it, before the entry is acknowledged. Both see a redelivered entry again (at least
    once, after a crash or a failure), so both must be idempotent; `event.entry_id` identifies the
    entry. An exception from either leaves the entry pending for a retry."""

    def __init__(self, redis: Redis, settings: HandoffSettings, handler: Handler,
                 on_applied: Handler | None = None) -> None:
        self.redis = redis
        self.stream = settings.event_stream
        self.group = settings.consumer_group
        self.consumer = settings.consumer_name
        self.claim_idle_ms = settings.claim_idle_ms
        self.count = settings.read_count
        self.block_ms = settings.read_block_ms
        self.retry_seconds = settings.retry_seconds
        self.max_attempts = settings.max_attempts
        self.handler = handler
        self.on_applied = on_applied
        self.dead_letters = DeadLetters(redis, self.stream, self.group, settings.dead_letter_maxlen)
        self.retention = StreamRetention(redis, [self.stream, self.dead_letters.name], settings.retention_seconds)
        self.lease = ReaderLease(redis, f"{self.stream}:{self.group}:reader", self.consumer, settings.stream_lease_ms)
        self.processed = 0
        self.dead_lettered = 0
        self.last_error: str | None = None
        # Conversations with an entry waiting for its retry; their newer entries wait too.
        self.failing: set[str] = set()
        self._retry_at = 0.0

    async def ensure_group(self) -> None:
        try:
            await self.redis.xgroup_create(self.stream, self.group, id="0", mkstream=True)
        except ResponseError as error:
            if "BUSYGROUP" not in str(error):
                raise

    async def run(self, stop: asyncio.Event) -> None:
        keeper = asyncio.create_task(self.lease.keep(stop), name="stream-reader-lease")
        try:
            await self._read_while_leading(stop)
        finally:
            if not stop.is_set():  # ended by an error: the lease goes too, a standby reads on
                keeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await keeper

    async def _read_while_leading(self, stop: asyncio.Event) -> None:
        backoff = 0.5
        group_ready = False
        while not stop.is_set():
            try:
                if not group_ready:  # a standby's too: /health reads the group's lag
                    await self.ensure_group()
                    group_ready = True
                if not self.lease.held:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(stop.wait(), STANDBY_CHECK_SECONDS)
                    continue
                await self._retry_own_pending()
                await self._take_over()
                while not stop.is_set() and self.lease.held:
                    if self.failing and time.monotonic() >= self._retry_at:
                        await self._retry_own_pending()
                    await self.retention.trim_if_due()
                    await self._claim_abandoned()
                    await self._read_new()
                    backoff = 0.5
            except RedisError as error:
                group_ready = False  # a Redis that restarted empty has no group
                self.last_error = f"{type(error).__name__}: {error}"
                logger.warning("Stream consumer lost Redis (%s); retrying in %.1fs", error, backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 10.0)

    async def _retry_own_pending(self) -> None:
        """Every entry delivered to this consumer and not acknowledged, oldest first, page by page
        (an entry that fails again stays pending: the next page starts after it)."""
        failing: set[str] = set()
        cursor: bytes | str = "0"
        while True:
            reply = await self.redis.xreadgroup(self.group, self.consumer, {self.stream: cursor}, count=self.count)
            entries = reply[0][1] if reply else []
            if not entries:
                break
            await self._handle(entries, failing, retried=True)
            cursor = entries[-1][0]
        self.failing = failing
        self._retry_at = time.monotonic() + self.retry_seconds

    async def _take_over(self) -> None:
        """Every entry the former reader left pending, before any new one: its lease lapsed a
        lease's time after its last renewal, so each was delivered at least half that long ago."""
        await self._claim(self.lease.ttl_ms // 2, pages=MAX_TAKE_OVER_PAGES)

    async def _claim_abandoned(self) -> None:
        await self._claim(self.claim_idle_ms, pages=1)

    async def _claim(self, min_idle_ms: int, pages: int) -> None:
        """Claim and handle the entries pending this long at any consumer, up to `pages` pages."""
        cursor: bytes | str = "0-0"
        for _ in range(pages):
            reply = await self.redis.xautoclaim(self.stream, self.group, self.consumer, min_idle_ms,
                                                start_id=cursor, count=self.count)
            entries = reply[1] if reply else []
            if entries:
                await self._handle(entries, self.failing, retried=True)
            cursor = reply[0] if reply else b"0-0"
            if cursor in (b"0-0", "0-0"):
                break

    async def _read_new(self) -> None:
        reply = await self.redis.xreadgroup(
            self.group, self.consumer, {self.stream: ">"}, count=self.count, block=self.block_ms
        )
        for _stream, entries in reply or []:
            await self._handle(entries, self.failing, retried=False)

    async def _handle(self, entries: list[tuple[bytes, dict[bytes, bytes]]], failing: set[str], *,
                      retried: bool) -> None:
        """Each conversation's entries in stream order; different conversations at once, so one
        conversation's slow hand-over (Rasa's API, a knowledge search, the database) does not
        hold up the others' events read in the same batch. `failing` holds the conversations
        whose entries must wait (an earlier one failed); a new failure is added to it."""
        by_conversation: dict[str, list[Entry]] = {}
        for raw_id, raw_fields in entries:
            if raw_fields is None:  # trimmed from the stream while pending
                await self.redis.xack(self.stream, self.group, raw_id)
                await self.dead_letters.forget(raw_id)
                continue
            # Whoever can write to the stream may write any bytes: not UTF-8 is read, not fatal.
            fields = {k.decode(errors="replace"): v.decode(errors="replace") for k, v in raw_fields.items()}
            event = StreamEvent.from_entry(raw_id.decode(), fields)
            by_conversation.setdefault(event.sender_id, []).append((raw_id, fields, event))
        outcomes = await asyncio.gather(
            *(self._handle_in_order(sequence, failing, retried) for sequence in by_conversation.values()),
            return_exceptions=True,
        )
        # Only a lost Redis gets here; the other conversations' entries were handled first.
        for outcome in outcomes:
            if isinstance(outcome, BaseException):
                raise outcome

    async def _handle_in_order(self, sequence: list[Entry], failing: set[str], retried: bool) -> None:
        for raw_id, fields, event in sequence:
            if event.sender_id in failing:
                continue  # stays pending behind the conversation's failed entry
            try:
                await self.handler(event)
                if self.on_applied is not None:
                    await self.on_applied(event)
            except (asyncio.CancelledError, *LOST_REDIS):
                raise
            except Exception as error:
                if not await self._failed(raw_id, fields, event, error):
                    failing.add(event.sender_id)
                continue
            await self.redis.xack(self.stream, self.group, raw_id)
            if retried:  # it may have failed before, here or on a replica that died
                await self.dead_letters.forget(raw_id)
            self.processed += 1

    async def _failed(self, raw_id: bytes, fields: dict[str, str], event: StreamEvent, error: Exception) -> bool:
        """Count the failure; True when that was the last attempt and the entry is dead-lettered."""
        message = f"{type(error).__name__}: {error}"[:1000]
        self.last_error = message
        attempts = await self.dead_letters.count_failure(raw_id)
        # The sender id is outside input: bounded and quoted in the log line.
        sender = repr(event.sender_id[:80])
        if attempts < self.max_attempts and isinstance(error, RetryLater):
            logger.info("Stream entry %s (%s of %s) waits, attempt %d of %d; retrying in %.1fs: %s",
                        event.entry_id, event.type, sender, attempts, self.max_attempts, self.retry_seconds, error)
            return False
        if attempts < self.max_attempts:
            logger.warning("Stream entry %s (%s of %s) failed, attempt %d of %d; retrying in %.1fs",
                           event.entry_id, event.type, sender, attempts, self.max_attempts, self.retry_seconds,
                           exc_info=error)
            return False
        logger.error("Stream entry %s (%s of %s) failed %d times; moved to %s: %s",
                     event.entry_id, event.type, sender, attempts, self.dead_letters.name, message, exc_info=error)
        await self.dead_letters.bury(raw_id, fields, message, attempts)
        self.dead_lettered += 1
        return True

    async def lag(self) -> dict[str, Any]:
        """How far this group is behind the stream, for /health."""
        groups = await self.redis.xinfo_groups(self.stream)
        for info in groups:
            name = info.get("name")
            if (name.decode() if isinstance(name, bytes) else name) == self.group:
                last = info.get("last-delivered-id")
                return {
                    "reading": self.lease.held,
                    "lag": info.get("lag"),
                    "pending": info.get("pending"),
                    "last_delivered_id": last.decode() if isinstance(last, bytes) else last,
                }
        return {"reading": self.lease.held, "lag": None, "pending": None, "last_delivered_id": None}
