"""bot/message_ids.py against a real Redis: a message resent under its id is handled once, a copy
that arrives while the first is handled waits for it, and a copy of one that failed is handled.
Through the running stack and a browser: tests/e2e/test_transcripts.py."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from redis.asyncio import Redis

from bot.channels.socketio import message_id
from bot.message_ids import DONE, MessageIds, once_per_id


def message(text: str, message_id: str | None) -> UserMessage:
    return UserMessage(text, CollectingOutputChannel(), "visitor", message_id=message_id)


async def test_a_message_resent_under_its_id_is_handled_once(redis_url: str) -> None:
    redis = Redis.from_url(redis_url)
    handled: list[str] = []

    async def handle(_agent: Any, incoming: UserMessage) -> str:
        handled.append(incoming.text)
        return "answered"

    try:
        ids = MessageIds(redis, "test:ids")
        wrapped = once_per_id(handle, ids)
        assert await wrapped(None, message("is it shipped?", "m-1")) == "answered"
        assert await wrapped(None, message("is it shipped?", "m-1")) is None
        assert await wrapped(None, message("is it shipped?", "m-2")) == "answered"  # sent again, on purpose
        assert handled == ["is it shipped?", "is it shipped?"]
        assert await redis.get(ids.key("visitor", "m-1")) == DONE
        assert 0 < await redis.ttl(ids.key("visitor", "m-1")) <= 7 * 24 * 3600
        # Another visitor's message with the same id is theirs.
        other = UserMessage("hello", CollectingOutputChannel(), "someone else", message_id="m-1")
        assert await wrapped(None, other) == "answered"
    finally:
        await redis.close()  # redis-py 4.6 in the bot environment


async def test_a_copy_arriving_while_the_first_is_handled_waits_and_is_dropped(redis_url: str) -> None:
    redis = Redis.from_url(redis_url)
    handled: list[str] = []
    release = asyncio.Event()

    async def slow(_agent: Any, incoming: UserMessage) -> str:
        handled.append(incoming.text)
        await release.wait()
        return "answered"

    try:
        wrapped = once_per_id(slow, MessageIds(redis, "test:ids"))
        first = asyncio.create_task(wrapped(None, message("where is it?", "m-3")))
        await asyncio.sleep(0.1)
        copy = asyncio.create_task(wrapped(None, message("where is it?", "m-3")))
        await asyncio.sleep(0.5)
        assert not copy.done()  # it waits for the first rather than answer "done" too early
        release.set()
        assert (await first, await copy) == ("answered", None)
        assert handled == ["where is it?"]
    finally:
        await redis.close()


async def test_the_copy_of_a_message_whose_handling_failed_is_handled(redis_url: str) -> None:
    redis = Redis.from_url(redis_url)
    calls: list[str] = []

    async def failing_once(_agent: Any, incoming: UserMessage) -> str:
        calls.append(incoming.text)
        if len(calls) == 1:
            raise RuntimeError("could not save the conversation")
        return "answered"

    try:
        wrapped = once_per_id(failing_once, MessageIds(redis, "test:ids"))
        with pytest.raises(RuntimeError):
            await wrapped(None, message("refund?", "m-4"))
        assert await wrapped(None, message("refund?", "m-4")) == "answered"
        assert calls == ["refund?", "refund?"]
    finally:
        await redis.close()


async def test_redis_down_lets_every_copy_through() -> None:
    handled: list[str] = []

    async def handle(_agent: Any, incoming: UserMessage) -> None:
        handled.append(incoming.text)

    wrapped = once_per_id(handle, MessageIds(Redis.from_url("redis://127.0.0.1:1/0"), "test:ids"))
    await wrapped(None, message("a", "m-5"))
    await wrapped(None, message("a", "m-5"))
    assert handled == ["a", "a"]


def test_the_widgets_message_id_is_taken_only_in_its_shape() -> None:
    assert message_id("1733472000000-a1b2c3d4") == "1733472000000-a1b2c3d4"
    for raw in (None, 5, "", "x" * 65, "a b", "../x", {"id": "1"}):
        assert message_id(raw) is None
