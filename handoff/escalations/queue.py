"""The queue of escalations waiting for a person, in Redis, ordered by priority.

priority = 100 x frustration (0..1)  +  10 per minute waited  +  25 per re-announcement

The part that grows with waiting is the same for everyone at a given moment, so the sorted
set stores `100 x frustration - 10 x queued_at / 60 + 25 x bumps`, and the order it keeps is
the order of priority at any time; the priority itself is that score plus 10 x now / 60.

The database is the record of which escalations are queued; this is the live ordering, and
`sync` rebuilds it from the database at start.
"""

from __future__ import annotations

from collections.abc import Iterable

from redis.asyncio import Redis

from handoff.store import Escalation

FRUSTRATION_WEIGHT = 100.0
PER_MINUTE_WAITED = 10.0
PER_REANNOUNCE = 25.0

# Atomically pick the escalations announced longer ago than the interval, mark them announced
# now and raise their priority, so one replica (not every one) re-announces each of them.
# KEYS: queue zset, announced zset, bumps hash. ARGV: now, interval, bump.
_DUE = """
local due = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', tonumber(ARGV[1]) - tonumber(ARGV[2]))
local result = {}
for _, id in ipairs(due) do
  if redis.call('ZSCORE', KEYS[1], id) then
    redis.call('ZADD', KEYS[2], ARGV[1], id)
    redis.call('ZINCRBY', KEYS[1], ARGV[3], id)
    local bumps = redis.call('HINCRBY', KEYS[3], id, 1)
    table.insert(result, id)
    table.insert(result, bumps)
  else
    redis.call('ZREM', KEYS[2], id)
  end
end
return result
"""


def base_score(frustration: float, queued_at: float) -> float:
    return FRUSTRATION_WEIGHT * max(0.0, min(1.0, frustration)) - PER_MINUTE_WAITED * queued_at / 60.0


class EscalationQueue:
    def __init__(self, redis: Redis, prefix: str) -> None:
        self.redis = redis
        self._queue = f"{prefix}:queue"
        self._announced = f"{prefix}:queue:announced"
        self._bumps = f"{prefix}:queue:bumps"
        self._due = redis.register_script(_DUE)

    async def add(self, escalation: Escalation, now: float) -> None:
        """Queue (or re-queue after a transfer) with a fresh wait; announced now."""
        member = str(escalation.id)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.zadd(self._queue, {member: base_score(escalation.frustration, escalation.queued_at or now)})
            pipe.zadd(self._announced, {member: now})
            pipe.hdel(self._bumps, member)
            await pipe.execute()

    async def remove(self, escalation_id: int) -> None:
        member = str(escalation_id)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.zrem(self._queue, member).zrem(self._announced, member).hdel(self._bumps, member)
            await pipe.execute()

    async def priorities(self, escalation_ids: Iterable[int], now: float) -> dict[int, float]:
        ids = list(escalation_ids)
        if not ids:
            return {}
        scores = await self.redis.zmscore(self._queue, [str(i) for i in ids])
        growth = PER_MINUTE_WAITED * now / 60.0
        return {i: round(s + growth, 1) for i, s in zip(ids, scores, strict=True) if s is not None}

    async def ordered(self) -> list[int]:
        """Queued escalation ids, highest priority first."""
        return [int(m) for m in await self.redis.zrevrange(self._queue, 0, -1)]

    async def bumps(self, escalation_id: int) -> int:
        value = await self.redis.hget(self._bumps, str(escalation_id))
        return int(value) if value else 0

    async def due(self, now: float, interval: float) -> list[tuple[int, int]]:
        """(escalation id, times re-announced) of those nobody claimed within `interval` seconds."""
        flat = await self._due(keys=[self._queue, self._announced, self._bumps],
                               args=[now, interval, PER_REANNOUNCE])
        return [(int(flat[i]), int(flat[i + 1])) for i in range(0, len(flat), 2)]

    async def sync(self, queued: list[Escalation], now: float) -> None:
        """Make the queue hold exactly these escalations (those the database says are queued)."""
        wanted = {str(e.id): e for e in queued}
        present = {m.decode() for m in await self.redis.zrange(self._queue, 0, -1)}
        for member in present - set(wanted):
            await self.remove(int(member))
        for member in set(wanted) - present:
            await self.add(wanted[member], now)
