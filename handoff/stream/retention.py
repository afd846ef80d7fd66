"""The event stream and the dead-letter stream keep no entry older than the retention.

The writer (bot/broker.py) bounds the event stream by count (MAXLEN), and the dead-letter stream
is bounded by HANDOFF_DEAD_LETTER_MAXLEN; neither bound says how long a customer's messages stay.
Here both are trimmed by age as well: XTRIM MINID with the stream id of (now - retention), at
start and then every TRIM_EVERY_SECONDS. Replicas may all trim; trimming twice changes nothing.
An entry trimmed while still pending reads back empty and is acknowledged (handoff/stream/consumer.py).
"""

from __future__ import annotations

import time

from redis.asyncio import Redis

TRIM_EVERY_SECONDS = 600.0


class StreamRetention:
    def __init__(self, redis: Redis, streams: list[str], retention_seconds: int) -> None:
        self.redis = redis
        self.streams = streams
        self.retention_seconds = retention_seconds
        self.trimmed = 0
        self._next_trim = 0.0

    async def trim_if_due(self) -> None:
        if time.monotonic() < self._next_trim:
            return
        await self.trim(time.time())
        self._next_trim = time.monotonic() + TRIM_EVERY_SECONDS

    async def trim(self, now: float) -> int:
        """Remove the entries older than the retention from every stream; how many went."""
        oldest_kept = f"{max(0, int((now - self.retention_seconds) * 1000))}-0"
        removed = 0
        for stream in self.streams:
            removed += int(await self.redis.xtrim(stream, minid=oldest_kept, approximate=False))
        self.trimmed += removed
        return removed
