"""Entries the handoff service could not handle: their failed attempts, and the dead-letter stream.

An entry that fails is counted here (a hash beside the stream, so the count survives a restart
and is shared by replicas). After the last allowed attempt it is copied to `<stream>:dead` with
its error and acknowledged in one transaction, so it stops blocking its conversation and an
operator can still read, replay or delete it. The dead-letter stream is bounded by MAXLEN.
"""

from __future__ import annotations

import time
from typing import Any

from redis.asyncio import Redis


class DeadLetters:
    def __init__(self, redis: Redis, stream: str, group: str, maxlen: int) -> None:
        self.redis = redis
        self.stream = stream
        self.group = group
        self.maxlen = maxlen
        self.name = f"{stream}:dead"
        self._attempts = f"{stream}:attempts:{group}"

    async def count_failure(self, entry_id: bytes) -> int:
        """One more failed attempt of this entry; the number so far."""
        return int(await self.redis.hincrby(self._attempts, entry_id, 1))

    async def forget(self, entry_id: bytes) -> None:
        """The entry went through (or left the stream): its failures no longer count."""
        await self.redis.hdel(self._attempts, entry_id)

    async def bury(self, entry_id: bytes, fields: dict[str, str], error: str, attempts: int) -> None:
        """Move the entry to the dead-letter stream and acknowledge it, all or nothing."""
        record = {**fields, "entry_id": entry_id.decode(), "group": self.group, "error": error,
                  "attempts": str(attempts), "failed_at": f"{time.time():.3f}"}
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.xadd(self.name, record, maxlen=self.maxlen, approximate=False)  # type: ignore[arg-type]
            pipe.xack(self.stream, self.group, entry_id)
            pipe.hdel(self._attempts, entry_id)
            await pipe.execute()

    async def summary(self) -> dict[str, Any]:
        """How many entries are dead-lettered (within MAXLEN) and the newest one's error."""
        count = int(await self.redis.xlen(self.name))
        last = await self.redis.xrevrange(self.name, count=1)
        last_error = None
        if last:
            raw = last[0][1].get(b"error")
            last_error = raw.decode() if raw is not None else None
        return {"stream": self.name, "count": count, "last_error": last_error}
