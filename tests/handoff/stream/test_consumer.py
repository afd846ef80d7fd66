"""The handoff service's stream consumer, applying entries to the live conversation state, on a real Redis."""

from __future__ import annotations

import asyncio
import json
import logging

import pytest
from redis.asyncio import Redis

from handoff.conversations.store import ConversationStore
from handoff.settings import HandoffSettings
from handoff.stream.consumer import RetryLater, StreamConsumer
from handoff.stream.events import StreamEvent

STREAM = "test:events"


def settings(redis_url: str, consumer: str) -> HandoffSettings:
    return HandoffSettings(
        BATON_REDIS_URL=redis_url, BATON_EVENT_STREAM=STREAM, HANDOFF_CONSUMER_NAME=consumer,
        HANDOFF_CLAIM_IDLE_MS=100, HANDOFF_READ_BLOCK_MS=50, HANDOFF_KEY_PREFIX="test",
    )


async def publish(redis: Redis, sender: str, event: dict) -> str:
    fields = {"sender_id": sender, "type": event["event"], "event": json.dumps({**event, "sender_id": sender})}
    return (await redis.xadd(STREAM, fields)).decode()


async def run_until(consumer: StreamConsumer, done, timeout: float = 5.0) -> None:
    stop = asyncio.Event()
    task = asyncio.create_task(consumer.run(stop))
    try:
        async with asyncio.timeout(timeout):
            while not await done():
                await asyncio.sleep(0.02)
    finally:
        stop.set()
        await task


@pytest.fixture
async def redis(redis_url: str):
    client = Redis.from_url(redis_url)
    yield client
    await client.aclose()


async def test_transcript_built_and_everything_acknowledged(redis: Redis, redis_url: str) -> None:
    store = ConversationStore(redis, "test")
    consumer = StreamConsumer(redis, settings(redis_url, "a"), store.apply)
    await publish(redis, "c1", {"event": "user", "text": "where is my order", "timestamp": 1.0,
                                "input_channel": "rest", "parse_data": {"intent": {"name": "x", "confidence": 0.9}}})
    await publish(redis, "c1", {"event": "bot", "text": "Which order?", "timestamp": 2.0})
    await publish(redis, "c1", {"event": "slot", "name": "order_number", "value": "LK-100231", "timestamp": 3.0})
    await publish(redis, "c1", {"event": "pause", "timestamp": 4.0})

    async def all_acked() -> bool:
        return consumer.processed == 4

    await run_until(consumer, all_acked)
    assert [(t["role"], t["text"]) for t in await store.transcript("c1")] == [
        ("customer", "where is my order"), ("bot", "Which order?")]
    state = await store.state("c1")
    assert state["owner"] == "agent" and state["channel"] == "rest"
    assert json.loads(state["slot:order_number"]) == "LK-100231"
    assert (await consumer.lag())["pending"] == 0


async def test_unacknowledged_entries_of_a_dead_replica_are_taken_over(redis: Redis, redis_url: str) -> None:
    store = ConversationStore(redis, "test")
    dead = StreamConsumer(redis, settings(redis_url, "dead"), store.apply)
    await dead.ensure_group()
    for n in range(3):
        await publish(redis, "c3", {"event": "user", "text": f"m{n}", "timestamp": float(n)})
    # The dead replica read the entries but never acknowledged them.
    await redis.xreadgroup("handoff", "dead", {STREAM: ">"}, count=10)
    assert (await dead.lag())["pending"] == 3

    survivor = StreamConsumer(redis, settings(redis_url, "survivor"), store.apply)

    async def taken_over() -> bool:
        return survivor.processed == 3

    await asyncio.sleep(0.15)  # past the claim idle time
    await run_until(survivor, taken_over)
    assert [t["text"] for t in await store.transcript("c3")] == ["m0", "m1", "m2"]
    assert (await survivor.lag())["pending"] == 0


async def test_malformed_entry_is_acknowledged_not_fatal(redis: Redis, redis_url: str) -> None:
    store = ConversationStore(redis, "test")
    consumer = StreamConsumer(redis, settings(redis_url, "a"), store.apply)
    await redis.xadd(STREAM, {"sender_id": "c4", "type": "user", "event": "{not json"})
    await publish(redis, "c4", {"event": "user", "text": "ok", "timestamp": 1.0})

    async def both() -> bool:
        return consumer.processed == 2

    await run_until(consumer, both)
    assert [t["text"] for t in await store.transcript("c4")] == ["ok"]


async def test_a_slow_conversation_does_not_hold_up_the_others(redis: Redis, redis_url: str) -> None:
    store = ConversationStore(redis, "test")
    release = asyncio.Event()
    seen: list[tuple[str, str]] = []

    async def handler(event: StreamEvent) -> bool:
        # The first conversation's first event waits (a hand-over calling Rasa, say) until the
        # other conversation has been handled completely.
        if event.sender_id == "slow" and not release.is_set():
            await asyncio.wait_for(release.wait(), timeout=3)
        seen.append((event.sender_id, event.event.get("text", "")))
        if event.sender_id == "fast" and event.event.get("text") == "f2":
            release.set()
        return await store.apply(event)

    consumer = StreamConsumer(redis, settings(redis_url, "a"), handler)
    await publish(redis, "slow", {"event": "user", "text": "s1", "timestamp": 1.0})
    await publish(redis, "fast", {"event": "user", "text": "f1", "timestamp": 1.0})
    await publish(redis, "slow", {"event": "user", "text": "s2", "timestamp": 2.0})
    await publish(redis, "fast", {"event": "user", "text": "f2", "timestamp": 2.0})

    async def all_acked() -> bool:
        return consumer.processed == 4

    await run_until(consumer, all_acked)
    # The fast conversation went first although its events came later; each kept its order.
    assert seen == [("fast", "f1"), ("fast", "f2"), ("slow", "s1"), ("slow", "s2")]
    assert [t["text"] for t in await store.transcript("slow")] == ["s1", "s2"]
    assert (await consumer.lag())["pending"] == 0


async def test_a_failing_entry_stays_pending_and_the_other_conversations_are_acknowledged(
    redis: Redis, redis_url: str
) -> None:
    store = ConversationStore(redis, "test")

    async def handler(event: StreamEvent) -> bool:
        if event.event.get("text") == "boom":
            raise RuntimeError("handler bug")
        return await store.apply(event)

    # Many attempts, far apart: within this test the entry is tried once and waits for its retry.
    consumer = StreamConsumer(redis, settings(redis_url, "a").model_copy(
        update={"retry_seconds": 60.0, "max_attempts": 100}), handler)
    await publish(redis, "bad", {"event": "user", "text": "boom", "timestamp": 1.0})
    await publish(redis, "bad", {"event": "user", "text": "after the failure", "timestamp": 2.0})
    await publish(redis, "good", {"event": "user", "text": "fine", "timestamp": 1.0})

    async def good_done() -> bool:
        return consumer.processed == 1 and bool(consumer.failing)

    await run_until(consumer, good_done)  # the loop goes on: a failing entry does not end run()
    assert [t["text"] for t in await store.transcript("good")] == ["fine"]
    # The bad conversation's later entry waits behind the failed one, so its order holds.
    assert await store.transcript("bad") == []
    assert consumer.failing == {"bad"} and consumer.last_error == "RuntimeError: handler bug"
    assert (await consumer.lag())["pending"] == 2


async def test_an_entry_that_must_wait_is_retried_and_logged_in_one_line(
    redis: Redis, redis_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Another replica opening the conversation's escalation is no fault: a retry, one line."""
    store = ConversationStore(redis, "test")
    calls = 0

    async def handler(event: StreamEvent) -> bool:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise RetryLater("an escalation for this conversation is being opened by another")
        return await store.apply(event)

    consumer = StreamConsumer(redis, settings(redis_url, "a").model_copy(update={"retry_seconds": 0.1}), handler)
    await publish(redis, "waits", {"event": "user", "text": "a person please", "timestamp": 1.0})

    async def done() -> bool:
        return consumer.processed == 1

    with caplog.at_level(logging.INFO, logger="handoff.stream.consumer"):
        await run_until(consumer, done)
    assert [t["text"] for t in await store.transcript("waits")] == ["a person please"]
    waits = [r for r in caplog.records if r.name == "handoff.stream.consumer" and "waits" in r.getMessage()]
    assert len(waits) == 1 and waits[0].levelno == logging.INFO and waits[0].exc_info is None
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING and r.name == "handoff.stream.consumer"]


async def test_two_replicas_apply_each_conversations_entries_in_order(redis: Redis, redis_url: str) -> None:
    """Two replicas on one group, a conversation's events written one by one as Rasa writes a turn,
    a customer's message slower to handle than the rest (the detector, a hand-over). With both
    reading, one replica applied the turn's last event while the other still held the customer's
    words; those were then skipped as old, and with them the hand-over (decision 0296)."""
    store = ConversationStore(redis, "test")
    applied: list[tuple[str, str]] = []

    def replica(name: str) -> StreamConsumer:
        async def handler(event: StreamEvent) -> bool:
            if event.type == "user":
                await asyncio.sleep(0.05)
            if await store.apply(event):
                applied.append((name, event.entry_id))
            return True

        return StreamConsumer(redis, settings(redis_url, name).model_copy(update={"read_block_ms": 10}), handler)

    replicas = [replica("one"), replica("two")]
    stop = asyncio.Event()
    tasks = [asyncio.create_task(consumer.run(stop)) for consumer in replicas]
    senders = [f"c{n}" for n in range(4)]
    try:
        for turn in range(3):
            for sender in senders:
                await publish(redis, sender, {"event": "user", "text": f"{sender} says {turn}", "timestamp": turn})
                await asyncio.sleep(0.005)
                await publish(redis, sender, {"event": "bot", "text": f"{sender} hears {turn}", "timestamp": turn})
                await publish(redis, sender, {"event": "action", "name": "action_listen", "timestamp": turn})
        async with asyncio.timeout(10):
            while sum(consumer.processed for consumer in replicas) < 36:
                await asyncio.sleep(0.02)
    finally:
        stop.set()
        await asyncio.gather(*tasks)
    for sender in senders:
        assert [t["text"] for t in await store.transcript(sender)] == [
            line for turn in range(3) for line in (f"{sender} says {turn}", f"{sender} hears {turn}")]
    assert len(applied) == 36 and len({name for name, _ in applied}) == 1, "both replicas read"


async def test_a_standby_replica_takes_over_what_the_reader_left_when_its_lease_lapses(
        redis: Redis, redis_url: str) -> None:
    store = ConversationStore(redis, "test")
    dead = StreamConsumer(redis, settings(redis_url, "dead"), store.apply)
    await dead.ensure_group()
    for n in range(3):
        await publish(redis, "c5", {"event": "user", "text": f"m{n}", "timestamp": float(n)})
    # The reader read the entries and died holding its lease: nothing acknowledged, nothing renewed.
    await redis.xreadgroup("handoff", "dead", {STREAM: ">"}, count=10)
    await redis.set(dead.lease.name, "dead", px=2000)
    # Its abandoned entries would be claimed only after a minute: the take-over claims them.
    survivor = StreamConsumer(redis, settings(redis_url, "survivor").model_copy(
        update={"stream_lease_ms": 600, "claim_idle_ms": 60_000}), store.apply)
    stop = asyncio.Event()
    task = asyncio.create_task(survivor.run(stop))
    try:
        await asyncio.sleep(0.3)
        assert survivor.processed == 0 and not (await survivor.lag())["reading"]
        await publish(redis, "c5", {"event": "user", "text": "m3", "timestamp": 3.0})
        async with asyncio.timeout(10):
            while survivor.processed < 4:
                await asyncio.sleep(0.02)
        assert (await survivor.lag())["reading"]
    finally:
        stop.set()
        await task
    assert [t["text"] for t in await store.transcript("c5")] == ["m0", "m1", "m2", "m3"]
    assert (await survivor.lag())["pending"] == 0
    assert await redis.get(survivor.lease.name) is None, "a replica that stops gives its lease up"
