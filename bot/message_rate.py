"""How fast one sender may write, on every channel (issue 19, finding 9).

At most BATON_MAX_MESSAGES_PER_MINUTE (bot/settings.py, default 30) messages per sender id per
minute reach the bot. Beyond it, the sender is told on their own channel to wait a moment, and
the message goes no further: not to the NLU, the tracker, the event stream, or an escalation.
Since every escalation starts from a message, this also bounds how fast one sender can open
them (and one sender has at most one open at a time: the store's unique index).

The count is a fixed one-minute window in Redis, shared by every Rasa replica, keyed by a digest
of the sender id (any length, any characters). Checked in `Agent.handle_message`, which every
input channel calls, before the size check of bot/message_limits.py. When Redis cannot be
reached the message is let through: Rasa cannot save the conversation then either, and refuses
the message itself (bot/rasa_patches.py), so nothing is counted twice or lost.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.agent import Agent
from rasa.core.channels.channel import UserMessage
from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot.settings import RasaSettings
from contract.id_digest import id_digest

logger = logging.getLogger(__name__)
_INSTALLED = "_baton_message_rate"
WINDOW_SECONDS = 60

TOO_FAST = ("You're sending messages faster than I can read them. Please wait a few seconds, "
            "then send that one again.")


class MessageRate:
    def __init__(self, redis: Redis, prefix: str, per_minute: int) -> None:
        self.redis = redis
        self.prefix = prefix
        self.per_minute = per_minute

    def key(self, sender_id: str, window: int) -> str:
        digest = id_digest(sender_id)
        return f"{self.prefix}:{digest}:{window}"

    async def allow(self, sender_id: str, now: float | None = None) -> bool:
        """Count this message; whether it is within the sender's rate."""
        window = int((now if now is not None else time.time()) // WINDOW_SECONDS)
        key = self.key(sender_id, window)
        try:
            async with self.redis.pipeline(transaction=True) as pipe:
                pipe.incr(key)
                pipe.expire(key, 2 * WINDOW_SECONDS)
                count, _ = await pipe.execute()
        except RedisError as error:
            logger.warning("message rate not checked (Redis: %s)", error)
            return True
        return int(count) <= self.per_minute


def limit_rate(handle_message: Callable[..., Awaitable[Any]], rate: MessageRate) -> Callable[..., Awaitable[Any]]:
    async def handle_within_rate(self: Agent, message: UserMessage) -> Any:
        if not await rate.allow(str(message.sender_id)):
            logger.info("refused a message over the rate of %d a minute on %s", rate.per_minute,
                        message.input_channel)
            await message.output_channel.send_text_message(message.sender_id, TOO_FAST)
            return None
        return await handle_message(self, message)

    return handle_within_rate


def install(settings: RasaSettings | None = None) -> None:
    """Wrap Agent.handle_message, once (bot/serve.py installs it after bot/message_limits.py, so
    the rate is checked first and an oversized flood is refused without a look at its text)."""
    if getattr(Agent, _INSTALLED, False):
        return
    settings = settings or RasaSettings.from_env()
    rate = MessageRate(Redis.from_url(settings.redis_url), settings.message_rate_key_prefix,
                       settings.max_messages_per_minute)
    Agent.handle_message = limit_rate(Agent.handle_message, rate)  # type: ignore[method-assign]
    setattr(Agent, _INSTALLED, True)
