"""The widgets' event streams (agent typing), bounded per session and per replica.

A stream used to hold a Redis pub/sub connection of its own, and sessions are free, so one
visitor could open as many Redis connections as they liked. Now every stream of a replica is a
small in-process queue fed by the replica's one live-channel subscription (LiveHub), and the
streams a session has open are counted in Redis, so the bound holds across replicas: each open
stream refreshes its entry while it runs, and an entry not refreshed (a replica that died)
stops counting after `STALE_SECONDS`.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from redis.asyncio import Redis

from handoff.keys import keyed

# Typing notices are tiny and a widget reads them at once; a slow one loses the oldest.
STREAM_BACKLOG = 20
# An open stream refreshes its count entry at least this often (the keep-alive interval).
REFRESH_SECONDS = 15.0
STALE_SECONDS = 3 * REFRESH_SECONDS


class TooManyStreams(Exception):
    """The session, or this replica, has as many streams open as allowed."""


@dataclass(eq=False)
class WidgetStream:
    session_id: str
    stream_id: str = field(default_factory=lambda: secrets.token_hex(8))
    outbox: asyncio.Queue[dict[str, Any]] = field(default_factory=lambda: asyncio.Queue(STREAM_BACKLOG))

    def deliver(self, message: dict[str, Any]) -> None:
        if self.outbox.full():
            self.outbox.get_nowait()
        self.outbox.put_nowait(message)


class WidgetStreams:
    def __init__(self, redis: Redis, prefix: str, *, per_session: int, per_replica: int) -> None:
        self.redis = redis
        self.prefix = prefix
        self.per_session = per_session
        self.per_replica = per_replica
        self.streams: dict[str, set[WidgetStream]] = {}

    def open_count(self) -> int:
        return sum(len(streams) for streams in self.streams.values())

    def _count_key(self, session_id: str) -> str:
        return keyed(self.prefix, "widget-streams", session_id)

    async def open(self, session_id: str) -> WidgetStream:
        """Register a stream for this session, or raise TooManyStreams."""
        if self.open_count() >= self.per_replica:
            raise TooManyStreams("this server has as many event streams open as it allows")
        stream = WidgetStream(session_id)
        key, now = self._count_key(session_id), time.time()
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.zremrangebyscore(key, "-inf", now - STALE_SECONDS)
            pipe.zadd(key, {stream.stream_id: now})
            pipe.zcard(key)
            pipe.expire(key, int(STALE_SECONDS) + 1)
            _, _, count, _ = await pipe.execute()
        if count > self.per_session:
            await self.redis.zrem(key, stream.stream_id)
            raise TooManyStreams(f"a session may have {self.per_session} event streams open at once")
        self.streams.setdefault(session_id, set()).add(stream)
        return stream

    async def refresh(self, stream: WidgetStream) -> None:
        key = self._count_key(stream.session_id)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.zadd(key, {stream.stream_id: time.time()})
            pipe.expire(key, int(STALE_SECONDS) + 1)
            await pipe.execute()

    async def close(self, stream: WidgetStream) -> None:
        streams = self.streams.get(stream.session_id)
        if streams is not None:
            streams.discard(stream)
            if not streams:
                del self.streams[stream.session_id]
        await self.redis.zrem(self._count_key(stream.session_id), stream.stream_id)

    def dispatch(self, message: dict[str, Any]) -> None:
        """LiveHub's listener: hand an agent's typing notice to that conversation's streams."""
        if message.get("type") != "agent.typing":
            return
        data = message.get("data") or {}
        for stream in self._streams_of(data.get("sender_id")):
            stream.deliver({"type": "typing", "at": data.get("at")})

    def _streams_of(self, session_id: object) -> Iterator[WidgetStream]:
        if isinstance(session_id, str):
            yield from list(self.streams.get(session_id, ()))
