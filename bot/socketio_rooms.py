"""Socket.io rooms shared by every Rasa replica: python-socketio's AsyncRedisManager on the stack's
Redis (decision 0166). A widget's socket lives in one Rasa process; an emit to its conversation's
room from any replica (the bot's reply to a message another replica took, an agent's message
posted through the handoff service's `output_channel`, a join notice) is published on
SOCKETIO_CHANNEL and delivered by the replica that holds the socket.

python-socketio 5.8 pickles what it publishes and unpickles what it receives: whoever can publish
on this Redis can run code in Rasa. The stack's Redis is therefore trusted: on loopback, with a
password (docs/security.md).

Two changes to the library's manager:
- it subscribes when the server starts (`ready`), not on the first connection: the first widget
  to reach a replica would otherwise ask for its session before the replica listens, and miss
  the confirmation;
- a failed SUBSCRIBE (Redis down) is tried again after a pause; the library's listener would
  retry at once, forever, logging a traceback each time.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from typing import Any

from redis.exceptions import RedisError
from socketio import AsyncRedisManager, AsyncServer

from defaults import SOCKETIO_CHANNEL

logger = logging.getLogger(__name__)
# python-socketio's manager logs every message it relays ("pubsub message: emit") at info: one
# line per bot reply on every replica. Its warnings and errors still show.
relay_logger = logging.getLogger(f"{__name__}.relay")
relay_logger.setLevel(logging.WARNING)

RETRY_SECONDS = (0.5, 1.0, 2.0, 5.0)  # then every 5 s
READY_TIMEOUT_S = 10.0


class RedisRooms(AsyncRedisManager):  # type: ignore[misc]
    def __init__(self, url: str, channel: str = SOCKETIO_CHANNEL) -> None:
        super().__init__(url, channel=channel, logger=relay_logger)

    async def _listen(self) -> AsyncIterator[bytes]:
        channel = self.channel.encode("utf-8")
        attempt = 0
        while True:
            try:
                await self.pubsub.subscribe(self.channel)
                break
            except (RedisError, OSError) as error:
                pause = RETRY_SECONDS[min(attempt, len(RETRY_SECONDS) - 1)]
                logger.warning("socket.io rooms: cannot subscribe to Redis (%s); again in %.1f s", error, pause)
                attempt += 1
                await asyncio.sleep(pause)
                self._redis_connect()
        async for message in self._redis_listen_with_retries():
            if message["channel"] == channel and message["type"] == "message" and "data" in message:
                yield message["data"]

    async def ready(self, server: AsyncServer, timeout: float = READY_TIMEOUT_S) -> bool:
        """Start listening now and wait (bounded) until subscribed; False if Redis did not answer."""
        if not server.manager_initialized:
            server.manager_initialized = True
            self.initialize()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.pubsub.subscribed:
                return True
            await asyncio.sleep(0.02)
        logger.warning("socket.io rooms: not subscribed after %.0f s; replies from other replicas wait for it",
                       timeout)
        return False


def shared_server(redis_url: str, **options: Any) -> tuple[AsyncServer, RedisRooms]:
    """An AsyncServer whose rooms are shared over Redis with every other replica."""
    rooms = RedisRooms(redis_url)
    return AsyncServer(client_manager=rooms, **options), rooms
