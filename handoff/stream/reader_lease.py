"""Which replica reads the event stream: one at a time, by a lease in Redis (decision 0296).

A conversation's entries must be applied in stream order: the conversation store and the engine
each keep the last stream id they applied and take an older entry for one already seen. A consumer
group hands entries to whichever replica asks next, so with two readers one conversation's
entries were split between them: the replica that got the turn's last entry marked it done
before the other had applied the customer's words and the bot's hand-over slot, and those were
skipped as old. The bot had said a person was coming; no escalation was opened. One reader at a
time keeps the order. The others stand by and take over when the lease lapses.

The lease is renewed on a timer of its own, not between batches, so a reader busy with a slow
hand-over keeps it. It is held under the replica's consumer name, which is stable across
restarts: a replica restarted after a crash takes back its own lease at once instead of leaving
the stream unread until it lapses.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from redis.asyncio import Redis
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# KEYS[1]: the lease; ARGV: owner, time to live in ms. 1 when the owner holds it afterwards.
_HOLD = """
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if not holder then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0
"""
# KEYS[1]: the lease; ARGV[1]: owner. Deleted only by its holder.
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class ReaderLease:
    """`held` says whether this replica may read; `keep` renews it every third of its time."""

    def __init__(self, redis: Redis, name: str, owner: str, ttl_ms: int) -> None:
        self.redis = redis
        self.name = name
        self.owner = owner
        self.ttl_ms = ttl_ms
        self.held = False
        self._hold = redis.register_script(_HOLD)
        self._release = redis.register_script(_RELEASE)

    async def hold(self) -> bool:
        """Take the lease if nobody holds it, or renew ours; whether we hold it now."""
        try:
            held = bool(await self._hold(keys=[self.name], args=[self.owner, self.ttl_ms]))
        except RedisError as error:
            # Without Redis nothing can be read anyway; the lease lapses for everyone alike.
            logger.warning("stream reader lease not renewed: %s", error)
            held = False
        if held != self.held:
            logger.info("%s %s reading the event stream", self.owner, "is now" if held else "stopped")
        self.held = held
        return held

    async def keep(self, stop: asyncio.Event) -> None:
        """Renew (or try to take) the lease until stopped, then give it up."""
        try:
            while not stop.is_set():
                await self.hold()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), self.ttl_ms / 3000)
        finally:
            await self.release()

    async def release(self) -> None:
        """Give the lease up at once, so a standby replica need not wait for it to lapse."""
        self.held = False
        with contextlib.suppress(RedisError):
            await self._release(keys=[self.name], args=[self.owner])
