"""The event and dead-letter streams are trimmed by age as well as by count, on a real Redis."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from handoff.conversations.store import ConversationStore
from handoff.settings import HandoffSettings
from handoff.stream.consumer import StreamConsumer
from handoff.stream.retention import StreamRetention

STREAM = "test:events"
DAY = 86_400


@pytest.fixture
async def redis(redis_url: str) -> AsyncIterator[Redis]:
    client = Redis.from_url(redis_url)
    yield client
    await client.aclose()


def entry(sender: str, text: str) -> dict[str, str]:
    return {"sender_id": sender, "type": "user",
            "event": json.dumps({"event": "user", "text": text, "sender_id": sender})}


def stream_id(at: float) -> str:
    return f"{int(at * 1000)}-0"


async def test_entries_older_than_the_retention_leave_both_streams(redis: Redis) -> None:
    now = time.time()
    for stream in (STREAM, f"{STREAM}:dead"):
        await redis.xadd(stream, entry("c1", "100 days ago"), id=stream_id(now - 100 * DAY))
        await redis.xadd(stream, entry("c1", "91 days ago"), id=stream_id(now - 91 * DAY))
        await redis.xadd(stream, entry("c1", "89 days ago"), id=stream_id(now - 89 * DAY))
        await redis.xadd(stream, entry("c1", "just now"), id=stream_id(now))
    retention = StreamRetention(redis, [STREAM, f"{STREAM}:dead"], 90 * DAY)
    assert await retention.trim(now) == 4
    for stream in (STREAM, f"{STREAM}:dead"):
        kept = [json.loads(fields[b"event"])["text"] for _, fields in await redis.xrange(stream)]
        assert kept == ["89 days ago", "just now"]
    assert await retention.trim(now) == 0  # twice (another replica) changes nothing


async def test_the_consumer_trims_by_age_and_the_rest_flows(redis: Redis, redis_url: str) -> None:
    settings = HandoffSettings(BATON_REDIS_URL=redis_url, BATON_EVENT_STREAM=STREAM, HANDOFF_CONSUMER_NAME="a",
                               HANDOFF_READ_BLOCK_MS=50, HANDOFF_KEY_PREFIX="test", HANDOFF_RETENTION_DAYS=30)
    store = ConversationStore(redis, "test", settings.retention_seconds)
    consumer = StreamConsumer(redis, settings, store.apply)
    now = time.time()
    await redis.xadd(STREAM, entry("old", "a year ago"), id=stream_id(now - 365 * DAY))
    await redis.xadd(STREAM, entry("new", "hello"))
    stop = asyncio.Event()
    task = asyncio.create_task(consumer.run(stop))
    try:
        async with asyncio.timeout(10):
            while [t["text"] for t in await store.transcript("new")] != ["hello"]:
                await asyncio.sleep(0.02)
    finally:
        stop.set()
        await task
    assert [fields[b"sender_id"] for _, fields in await redis.xrange(STREAM)] == [b"new"]
    assert consumer.retention.trimmed >= 1 and (await consumer.lag())["pending"] == 0
