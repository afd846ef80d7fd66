"""Failed verifications, counted where no conversation can reset them: in Redis, per order number
and per sender, over a sliding window.

A count kept in the tracker starts again with every new sender id, and an attacker chooses
those. Here a failure counts against the order number it was for, whoever tried, and against the
sender who tried it (on the messaging apps the provider vouches for that id; on the REST channel
it only ties the attempts of one conversation together, which is why the order's own count is
what stops a spread attack). `LIMIT` failures of either within `WINDOW_SECONDS` lock it for
`LOCK_SECONDS`: while an order is locked nobody's details are checked against it, in any
conversation; while a sender is locked none of their attempts are.

Keys are `<prefix>:{fail,lock}:{order,sender}:<sha256 of the id>`, so no id, however long or
odd, names another key. A failure set holds at most `LIMIT` entries and every key expires, so
Redis holds a bounded amount per order or sender, for at most a window or a lock.
"""

from __future__ import annotations

import math
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

from redis.asyncio import Redis

from bot.actions.settings import ActionSettings
from contract.id_digest import id_digest

LIMIT = 3
WINDOW_SECONDS = 15 * 60
LOCK_SECONDS = 15 * 60


@dataclass(frozen=True)
class Failure:
    """One failure recorded: the larger of the order's and the sender's counts in the window,
    and the epoch time the lock it caused ends (0 when it caused none)."""

    count: int
    locked_until: float = 0.0


class VerificationLockout:
    """The failure counts and locks of order verification. `clock` gives the time locks and the
    window are measured in (injected in tests); Redis's own expiry only bounds what is kept."""

    def __init__(self, client: Redis, prefix: str, clock: Callable[[], float] = time.time) -> None:
        self.client = client
        self.prefix = prefix
        self.clock = clock

    def _key(self, kind: str, scope: str, identifier: str) -> str:
        digest = id_digest(identifier)
        return f"{self.prefix}:{kind}:{scope}:{digest}"

    def _scopes(self, order_number: str, sender: str) -> list[tuple[str, str]]:
        return [("order", order_number), ("sender", sender)]

    async def locked_until(self, order_number: str, sender: str) -> float:
        """When the lock on this order or this sender ends (epoch seconds); 0 if neither is locked."""
        keys = [self._key("lock", scope, value) for scope, value in self._scopes(order_number, sender)]
        until = max((float(value) for value in await self.client.mget(keys) if value), default=0.0)
        return until if until > self.clock() else 0.0

    async def record_failure(self, order_number: str, sender: str) -> Failure:
        """Count a wrong pair for this order and this sender; lock whichever reached `LIMIT`."""
        now = self.clock()
        scopes = self._scopes(order_number, sender)
        pipe = self.client.pipeline(transaction=True)
        for scope, value in scopes:
            key = self._key("fail", scope, value)
            pipe.zremrangebyscore(key, "-inf", now - WINDOW_SECONDS)
            pipe.zadd(key, {f"{now:.6f}:{secrets.token_hex(4)}": now})
            pipe.zremrangebyrank(key, 0, -(LIMIT + 1))  # only the newest LIMIT can matter
            pipe.zcard(key)
            pipe.expire(key, WINDOW_SECONDS)
        results = await pipe.execute()
        counts = [int(results[index * 5 + 3]) for index in range(len(scopes))]
        reached = [scope for scope, count in zip(scopes, counts, strict=True) if count >= LIMIT]
        if not reached:
            return Failure(max(counts))
        until = now + LOCK_SECONDS
        pipe = self.client.pipeline(transaction=True)
        for scope, value in reached:
            pipe.set(self._key("lock", scope, value), repr(until), ex=math.ceil(LOCK_SECONDS) + 1)
            pipe.delete(self._key("fail", scope, value))  # after the lock, counting starts afresh
        await pipe.execute()
        return Failure(max(counts), until)


_default: VerificationLockout | None = None


def default_lockout() -> VerificationLockout:
    """The action server's lockout, on the stack's Redis (bot/actions/settings.py)."""
    global _default
    if _default is None:
        settings = ActionSettings.from_env()
        client = Redis.from_url(settings.redis_url, socket_timeout=5, socket_connect_timeout=5)
        _default = VerificationLockout(client, settings.lockout_key_prefix)
    return _default
