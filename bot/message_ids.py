"""A message that reaches the bot twice under one id is handled once.

The chat widget keeps what the visitor sent in an outbox until Rasa acknowledges it, and sends it
again after a reconnect or a reload (handoff/web/widget/baton-widget.js). A reload between Rasa
handling a message and the acknowledgement reaching the page sent it twice: the bot answered twice
and the agent read it twice. The widget now gives each message its own id (the socket.io channel
passes it on, bot/channels/socketio.py); here the first message with an id claims it in Redis,
shared by every Rasa replica, and a second one with the same id goes no further.

A claim is "handling" while the first is being handled and "done" once it was. A second copy that
arrives meanwhile waits for the first (at most HANDLING_SECONDS): if the first fails, its claim is
given up and the copy is handled instead, so a message is never lost to its own duplicate. When
Redis cannot be reached the message is handled: Rasa cannot save the conversation then either,
and refuses the message itself (bot/rasa_patches.py).

Checked in `Agent.handle_message`, which every input channel calls; ids Rasa made up itself (a
fresh uuid for each message) never repeat, so other channels are unaffected.
"""

from __future__ import annotations

import asyncio
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
_INSTALLED = "_baton_message_ids"
HANDLING = b"handling"
DONE = b"done"
# Longer than any one turn (the action server and the help centre included); a claim whose
# handler died is free again after it.
HANDLING_SECONDS = 60
# How long a handled id is remembered: a page reloaded days later does not resend its outbox.
REMEMBERED_SECONDS = 7 * 24 * 3600
POLL_SECONDS = 0.2


class MessageIds:
    def __init__(self, redis: Redis, prefix: str) -> None:
        self.redis = redis
        self.prefix = prefix

    def key(self, sender_id: str, message_id: str) -> str:
        return f"{self.prefix}:{id_digest(sender_id)}:{id_digest(message_id)}"

    async def claim(self, sender_id: str, message_id: str) -> bool:
        """True: this copy is to be handled. False: another copy was, with the same id."""
        key = self.key(sender_id, message_id)
        deadline = time.monotonic() + HANDLING_SECONDS + 5
        try:
            while True:
                if await self.redis.set(key, HANDLING, nx=True, ex=HANDLING_SECONDS):
                    return True
                if await self.redis.get(key) == DONE:
                    return False
                if time.monotonic() > deadline:  # a stuck claim: handle it rather than lose it
                    return True
                await asyncio.sleep(POLL_SECONDS)
        except RedisError as error:
            logger.warning("message id not checked (Redis: %s)", error)
            return True

    async def finish(self, sender_id: str, message_id: str, handled: bool) -> None:
        key = self.key(sender_id, message_id)
        try:
            if handled:
                await self.redis.set(key, DONE, ex=REMEMBERED_SECONDS)
            else:
                await self.redis.delete(key)
        except RedisError as error:
            logger.warning("message id not recorded (Redis: %s)", error)


def once_per_id(handle_message: Callable[..., Awaitable[Any]], ids: MessageIds) -> Callable[..., Awaitable[Any]]:
    async def handle_once(self: Agent, message: UserMessage) -> Any:
        sender, message_id = str(message.sender_id), message.message_id
        if not isinstance(message_id, str) or not message_id:
            return await handle_message(self, message)
        if not await ids.claim(sender, message_id):
            logger.info("a message already handled came again on %s; not handled twice", message.input_channel)
            return None
        handled = False
        try:
            result = await handle_message(self, message)
            handled = True
            return result
        finally:
            await ids.finish(sender, message_id, handled)

    return handle_once


def install(settings: RasaSettings | None = None) -> None:
    """Wrap Agent.handle_message, once; bot/serve.py installs it before bot/message_limits.py and
    bot/message_rate.py, so it sees only what those let through (a copy refused there claims nothing)."""
    if getattr(Agent, _INSTALLED, False):
        return
    settings = settings or RasaSettings.from_env()
    ids = MessageIds(Redis.from_url(settings.redis_url), settings.message_id_key_prefix)
    Agent.handle_message = once_per_id(Agent.handle_message, ids)  # type: ignore[method-assign]
    setattr(Agent, _INSTALLED, True)
