"""The live state and transcript of each conversation (ConversationStore), on a real Redis."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from handoff.conversations.store import ConversationStore
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
