"""What a customer hears when they write while waiting in the queue for a person.

The bot is paused from the moment a conversation is handed over, so without this a customer
who writes "hello?? is anyone there?" while queued hears nothing at all, which is when people
give up or repeat themselves on another channel. The reply says their place in line and the
wait now, not the figures given when they were queued, and that what they write is kept for
the person. It is rate-limited per conversation: the message that queued them already said
all this, so the first reminder is due only an interval after that, and then at most one per
interval however much they write.
"""

from __future__ import annotations

from redis.asyncio import Redis

from handoff.keys import keyed


class WaitingReminders:
    def __init__(self, redis: Redis, prefix: str, interval_seconds: float) -> None:
        self.redis = redis
        self.prefix = prefix
        self.interval_ms = max(1, int(interval_seconds * 1000))

    def _key(self, sender_id: str) -> str:
        return keyed(self.prefix, "engine:waiting-reminder", sender_id)

    async def told(self, sender_id: str) -> None:
        """The customer was just told about the queue: no reminder within the interval."""
        await self.redis.set(self._key(sender_id), "1", px=self.interval_ms)

    async def due(self, sender_id: str) -> bool:
        """True at most once per interval (and across replicas): the caller sends a reminder."""
        return bool(await self.redis.set(self._key(sender_id), "1", px=self.interval_ms, nx=True))
