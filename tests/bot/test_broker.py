"""The Redis stream event broker, against a real redis-server."""

from __future__ import annotations

import json

import redis
from rasa.utils.endpoints import EndpointConfig

from bot.broker import RedisStreamEventBroker


async def test_from_endpoint_config_and_publish_in_order(redis_url: str) -> None:
    config = EndpointConfig(url=redis_url, type="bot.broker.RedisStreamEventBroker", stream="test:events")
    broker = await RedisStreamEventBroker.from_endpoint_config(config)
    assert broker.is_ready()
    for n in range(5):
        broker.publish({"event": "user", "sender_id": "alice", "text": f"message {n}", "timestamp": n})
    broker.publish({"event": "bot", "sender_id": "bob", "text": "hi"})

    entries = redis.Redis.from_url(redis_url, decode_responses=True).xrange("test:events")
    assert [fields["sender_id"] for _id, fields in entries] == ["alice"] * 5 + ["bob"]
    assert [fields["type"] for _id, fields in entries] == ["user"] * 5 + ["bot"]
    assert [json.loads(fields["event"]).get("text") for _id, fields in entries][:5] == [
        f"message {n}" for n in range(5)
    ]
    await broker.close()


def test_publish_survives_redis_being_unreachable() -> None:
    broker = RedisStreamEventBroker(url="redis://127.0.0.1:1/0")
    assert not broker.is_ready()
    broker.publish({"event": "user", "sender_id": "x", "text": "still served"})  # logs, does not raise


def test_keeps_non_ascii_text_intact(redis_url: str) -> None:
    broker = RedisStreamEventBroker(url=redis_url, stream="test:events")
    broker.publish({"event": "user", "sender_id": "z", "text": "Größe 42 — ça va? 🙂"})
    [(_id, fields)] = redis.Redis.from_url(redis_url, decode_responses=True).xrange("test:events")
    assert json.loads(fields["event"])["text"] == "Größe 42 — ça va? 🙂"
