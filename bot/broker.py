"""An event broker that appends every tracker event to a Redis stream.

Rasa publishes each event of every conversation to the broker named in endpoints.yml,
paused conversations included. The handoff service follows the stream in a consumer
group, so it sees the whole conversation live without polling Rasa.
"""

from __future__ import annotations

import json
import logging
from asyncio import AbstractEventLoop
from typing import Any

import redis
from rasa.core.brokers.broker import EventBroker
from rasa.utils.endpoints import EndpointConfig

from contract.bot_handoff import ENTRY_EVENT, ENTRY_SENDER_ID, ENTRY_TYPE, EVENT_STREAM

logger = logging.getLogger(__name__)

DEFAULT_STREAM = EVENT_STREAM
# Approximate cap so a demo that runs for weeks does not grow Redis without bound.
DEFAULT_MAXLEN = 1_000_000


class RedisStreamEventBroker(EventBroker):
    """Writes each event as one stream entry: `sender_id`, `type` and the JSON `event`
    (contract.bot_handoff)."""

    def __init__(
        self,
        url: str,
        stream: str = DEFAULT_STREAM,
        maxlen: int = DEFAULT_MAXLEN,
        client: redis.Redis | None = None,
    ) -> None:
        self.stream = stream
        self.maxlen = maxlen
        self.client = client or redis.Redis.from_url(url, socket_timeout=5)

    @classmethod
    async def from_endpoint_config(
        cls,
        broker_config: EndpointConfig,
        event_loop: AbstractEventLoop | None = None,
    ) -> RedisStreamEventBroker:
        kwargs = broker_config.kwargs
        return cls(
            url=broker_config.url,
            stream=kwargs.get("stream", DEFAULT_STREAM),
            maxlen=int(kwargs.get("maxlen", DEFAULT_MAXLEN)),
        )

    def publish(self, event: dict[str, Any]) -> None:
        # Synchronous on purpose: Rasa calls publish() without awaiting it, and a
        # blocking XADD on loopback keeps the events of a conversation in order.
        fields = {
            ENTRY_SENDER_ID: str(event.get("sender_id", "")),
            ENTRY_TYPE: str(event.get("event", "")),
            ENTRY_EVENT: json.dumps(event, ensure_ascii=False),
        }
        try:
            self.client.xadd(self.stream, fields, maxlen=self.maxlen, approximate=True)
        except redis.RedisError:
            # Losing the broker must not take the conversation down with it.
            logger.exception("Could not append event to stream '%s'.", self.stream)

    def is_ready(self) -> bool:
        try:
            return bool(self.client.ping())
        except redis.RedisError:
            return False

    async def close(self) -> None:
        self.client.close()
