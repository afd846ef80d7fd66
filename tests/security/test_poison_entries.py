"""Issue 19, finding 3: one entry the handoff service cannot handle must not stop the others.

On a real Redis, the poison is real: the conversation's state key holds a value of the wrong
type (what a colliding sender id used to cause), so the store fails with WRONGTYPE on every
attempt. The entry is retried, then moved to `<stream>:dead` with its error and acknowledged;
meanwhile and afterwards the other conversations flow, and /health says `degraded`."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import httpx
import pytest
from redis.asyncio import Redis

from handoff.conversations.store import ConversationStore
from handoff.keys import keyed
from handoff.settings import HandoffSettings
from handoff.stream.consumer import StreamConsumer
from tests.handoff.harness import Server, handoff_settings

STREAM = "test:events"
PREFIX = "test:handoff"


def consumer_settings(redis_url: str, **extra: object) -> HandoffSettings:
    values: dict[str, object] = {
        "BATON_REDIS_URL": redis_url, "BATON_EVENT_STREAM": STREAM, "HANDOFF_CONSUMER_NAME": "a",
        "HANDOFF_READ_BLOCK_MS": 50, "HANDOFF_KEY_PREFIX": PREFIX,
        "HANDOFF_RETRY_SECONDS": 0.05, "HANDOFF_MAX_ATTEMPTS": 3,
    }
    values.update(extra)
    return HandoffSettings(**values)


async def say(redis: Redis, sender: str, text: str) -> str:
    event = {"event": "user", "text": text, "timestamp": 1.0, "sender_id": sender}
    return (await redis.xadd(STREAM, {"sender_id": sender, "type": "user", "event": json.dumps(event)})).decode()


async def poison(redis: Redis, sender: str) -> None:
    await redis.set(keyed(PREFIX, "conv", sender), "not a hash")


async def wait_for(condition, timeout: float = 10.0) -> None:
    async with asyncio.timeout(timeout):
        while not await condition():
            await asyncio.sleep(0.02)


@pytest.fixture
async def redis(redis_url: str):
    client = Redis.from_url(redis_url)
    yield client
    await client.aclose()


async def test_a_poison_entry_is_dead_lettered_and_the_others_keep_flowing(redis: Redis, redis_url: str) -> None:
    store = ConversationStore(redis, PREFIX)
    consumer = StreamConsumer(redis, consumer_settings(redis_url), store.apply)
    await poison(redis, "victim")
    poisoned = await say(redis, "victim", "hello")
    await say(redis, "other", "first")
    stop = asyncio.Event()
    task = asyncio.create_task(consumer.run(stop))
    try:
        async def dead() -> bool:
            return consumer.dead_lettered == 1
        await wait_for(dead)
        # Written after the poison was buried: still read and applied.
        await say(redis, "other", "second")

        async def other_done() -> bool:
            return [t["text"] for t in await store.transcript("other")] == ["first", "second"]
        await wait_for(other_done)
        assert not task.done()  # the loop survived every failure
    finally:
        stop.set()
        await task
    [(_, fields)] = await redis.xrange(f"{STREAM}:dead")
    record = {k.decode(): v.decode() for k, v in fields.items()}
    assert record["entry_id"] == poisoned and record["sender_id"] == "victim" and record["attempts"] == "3"
    assert "WRONGTYPE" in record["error"] and json.loads(record["event"])["text"] == "hello"
    assert (await consumer.lag())["pending"] == 0
    summary = await consumer.dead_letters.summary()
    assert summary["count"] == 1 and "WRONGTYPE" in summary["last_error"]


async def test_a_transient_failure_is_retried_in_order_and_nothing_is_lost(redis: Redis, redis_url: str) -> None:
    store = ConversationStore(redis, PREFIX)
    consumer = StreamConsumer(redis, consumer_settings(redis_url, HANDOFF_MAX_ATTEMPTS=1000), store.apply)
    await poison(redis, "c1")
    await say(redis, "c1", "one")
    await say(redis, "c1", "two")
    stop = asyncio.Event()
    task = asyncio.create_task(consumer.run(stop))
    try:
        async def failing() -> bool:
            return consumer.failing == {"c1"}
        await wait_for(failing)
        await redis.delete(keyed(PREFIX, "conv", "c1"))  # the fault goes away

        async def applied() -> bool:
            return [t["text"] for t in await store.transcript("c1")] == ["one", "two"]
        await wait_for(applied)
    finally:
        stop.set()
        await task
    assert consumer.dead_lettered == 0 and await redis.xlen(f"{STREAM}:dead") == 0
    assert (await consumer.lag())["pending"] == 0
    assert await redis.hlen(f"{STREAM}:attempts:handoff") == 0  # the failures were forgotten


async def test_the_dead_letter_stream_is_bounded(redis: Redis, redis_url: str) -> None:
    store = ConversationStore(redis, PREFIX)
    consumer = StreamConsumer(redis, consumer_settings(redis_url, HANDOFF_MAX_ATTEMPTS=1,
                                                       HANDOFF_DEAD_LETTER_MAXLEN=3), store.apply)
    for number in range(6):
        await poison(redis, f"v{number}")
        await say(redis, f"v{number}", "x")

    async def all_dead() -> bool:
        return consumer.dead_lettered == 6
    stop = asyncio.Event()
    task = asyncio.create_task(consumer.run(stop))
    try:
        await wait_for(all_dead)
    finally:
        stop.set()
        await task
    assert await redis.xlen(f"{STREAM}:dead") == 3


async def test_health_is_degraded_with_the_dead_letter_count_and_error(redis_url: str, tmp_path: Path) -> None:
    settings = handoff_settings(redis_url, f"sqlite:///{tmp_path / 'handoff.db'}", tmp_path,
                                HANDOFF_RETRY_SECONDS=0.05, HANDOFF_MAX_ATTEMPTS=2)
    redis = Redis.from_url(redis_url)
    try:
        async with Server(settings) as server, httpx.AsyncClient(base_url=server.url, trust_env=False) as client:
            first = (await client.get("/health")).json()
            # The harness runs no Rasa or knowledge service: degraded for those, no dead letter yet.
            assert first["dead_letters"]["count"] == 0 and set(first.get("degraded", [])) <= {"rasa", "knowledge"}
            await poison(redis, "victim")
            await say(redis, "victim", "hello")
            await say(redis, "other", "hi")

            async def buried() -> bool:
                # "other" may be read after the victim was buried: wait for both, or pending is 1.
                # Its transcript first: an entry is applied before its hooks run and it is
                # acknowledged, so only a health read after the transcript shows it done.
                other = await server.services.conversations.transcript("other")
                body = (await client.get("/health")).json()
                return (body["dead_letters"]["count"] == 1 and body["stream"]["pending"] == 0
                        and [t["text"] for t in other] == ["hi"])
            await wait_for(buried)
            response = await client.get("/health")
            body = response.json()
            # Degraded is still served: a load balancer must not take the replica out for it.
            assert response.status_code == 200 and body["status"] == "degraded"
            assert body["dead_letters"]["count"] == 1 and "WRONGTYPE" in body["dead_letters"]["last_error"]
            assert body["dead_letters"]["stream"] == f"{STREAM}:dead"
            # The fields it always had are still there.
            assert {"service", "processed", "stream", "database"} <= set(body)
            assert body["stream"]["pending"] == 0
            assert [t["text"] for t in await server.services.conversations.transcript("other")] == ["hi"]
    finally:
        await redis.aclose()



async def test_an_entry_that_is_not_utf8_does_not_end_the_loop(redis: Redis, redis_url: str) -> None:
    store = ConversationStore(redis, PREFIX)
    consumer = StreamConsumer(redis, consumer_settings(redis_url), store.apply)
    await redis.xadd(STREAM, {b"sender_id": b"\xff\xfe", b"type": b"user", b"event": b"\xc3("})
    await say(redis, "other", "still here")
    stop = asyncio.Event()
    task = asyncio.create_task(consumer.run(stop))
    try:
        async def other_done() -> bool:
            return [t["text"] for t in await store.transcript("other")] == ["still here"]
        await wait_for(other_done)
        assert not task.done()
    finally:
        stop.set()
        await task
    assert (await consumer.lag())["pending"] == 0
