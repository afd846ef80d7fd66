"""The live state and transcript of each conversation (ConversationStore), on a real Redis."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from handoff.conversations.store import ConversationStore
from handoff.keys import keyed
from handoff.stream.events import StreamEvent


@pytest.fixture
async def redis(redis_url: str) -> AsyncIterator[Redis]:
    client = Redis.from_url(redis_url)
    yield client
    await client.aclose()


def user_event(entry_id: str, sender: str, text: str) -> StreamEvent:
    return StreamEvent.from_entry(entry_id, {"sender_id": sender, "type": "user",
                                             "event": json.dumps({"event": "user", "text": text})})


async def test_applying_an_event_twice_changes_nothing(redis: Redis) -> None:
    store = ConversationStore(redis, "test")
    event = user_event("1700000000000-0", "c2", "hello")
    assert await store.apply(event) is True
    assert await store.apply(event) is False
    assert len(await store.transcript("c2")) == 1


async def test_the_engines_marks_sit_beside_the_applied_state(redis: Redis) -> None:
    store = ConversationStore(redis, "test")
    assert await store.field("c3", "engine_last_id") is None
    assert await store.apply(user_event("5-0", "c3", "hello")) is True
    await store.set_field("c3", "engine_last_id", "5-0")
    assert await store.field("c3", "engine_last_id") == "5-0"
    state = await store.state("c3")
    assert (state["engine_last_id"], state["last_id"]) == ("5-0", "5-0")
    # A mark is not an applied entry: the next entry still applies.
    assert await store.apply(user_event("6-0", "c3", "anyone?")) is True
    assert [line["text"] for line in await store.transcript("c3")] == ["hello", "anyone?"]


def user_event_at(entry_id: str, sender: str, text: str, at: float) -> StreamEvent:
    return StreamEvent.from_entry(entry_id, {"sender_id": sender, "type": "user", "event": json.dumps(
        {"event": "user", "text": text, "timestamp": at})})


async def test_a_conversation_expires_the_retention_after_its_last_event(redis: Redis) -> None:
    store = ConversationStore(redis, "test", retention_seconds=3600)
    assert await store.apply(user_event("1-0", "c4", "hello")) is True
    state_key = keyed("test", "conv", "c4")
    transcript_key = state_key + ":transcript"
    for key in (state_key, transcript_key):
        assert 3500 < await redis.ttl(key) <= 3600
    await redis.expire(state_key, 10)
    await store.set_field("c4", "engine_last_id", "1-0")  # the engine's mark counts as activity too
    assert 3500 < await redis.ttl(state_key) <= 3600

    # Live, for real: a one-second retention and the conversation is gone.
    short = ConversationStore(redis, "test", retention_seconds=1)
    assert await short.apply(user_event("1-0", "c5", "hello")) is True
    await asyncio.sleep(2.2)
    assert await short.state("c5") == {} and await short.transcript("c5") == []


async def test_the_index_keeps_only_conversations_within_the_retention(redis: Redis) -> None:
    store = ConversationStore(redis, "test", retention_seconds=1)
    assert await store.apply(user_event("1-0", "old", "hello")) is True
    await asyncio.sleep(1.5)
    # An event far in the past by its own timestamp still counts from when it was applied.
    assert await store.apply(user_event_at("2-0", "recent", "hello", 1.0)) is True
    assert await redis.zrange("test:conversations", 0, -1) == [b"recent"]


async def test_forget_removes_one_conversation_and_leaves_the_others(redis: Redis) -> None:
    store = ConversationStore(redis, "test")
    for sender in ("gone", "gone:transcript", "kept"):
        assert await store.apply(user_event("1-0", sender, f"hello from {sender}")) is True
    assert await store.forget("gone") == 3  # state, transcript, index entry
    assert await store.state("gone") == {} and await store.transcript("gone") == []
    for sender in ("gone:transcript", "kept"):
        assert [t["text"] for t in await store.transcript(sender)] == [f"hello from {sender}"]
    assert sorted(await redis.zrange("test:conversations", 0, -1)) == [b"gone:transcript", b"kept"]
    assert await store.forget("gone") == 0


async def test_a_transcript_line_is_cut_to_its_bound_and_marked(redis: Redis) -> None:
    store = ConversationStore(redis, "test", max_text_chars=100)
    assert await store.apply(user_event("7-0", "c6", "q" * 20_000)) is True
    assert await store.apply(user_event("8-0", "c6", "short")) is True
    cut, whole = await store.transcript("c6")
    assert len(cut["text"]) == 100 and cut["text"].startswith("q" * 99) and cut["cut_from"] == 20_000
    assert whole["text"] == "short" and "cut_from" not in whole


async def test_text_that_is_not_a_string_is_stored_as_text(redis: Redis) -> None:
    store = ConversationStore(redis, "test")
    entry = StreamEvent.from_entry("9-0", {"sender_id": "c7", "type": "user",
                                           "event": json.dumps({"event": "user", "text": {"a": [1]}})})
    assert await store.apply(entry) is True
    assert [line["text"] for line in await store.transcript("c7")] == ['{"a": [1]}']
