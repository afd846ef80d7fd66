"""bot/message_rate.py against a real Redis: a sender over the rate is told to wait and their
message reaches nothing; other senders and the next minute are untouched. The whole behaviour
against the running Rasa: tests/security/test_message_rate.py."""

from __future__ import annotations

from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from redis.asyncio import Redis

from bot.message_rate import TOO_FAST, MessageRate, limit_rate

NOW = 1_800_000_000.0  # the start of a minute


async def test_a_sender_over_the_rate_is_refused_until_the_next_minute(redis_url: str) -> None:
    redis = Redis.from_url(redis_url)
    try:
        rate = MessageRate(redis, "test:rate", per_minute=3)
        assert [await rate.allow("a:b{c}", NOW + i) for i in range(4)] == [True, True, True, False]
        assert await rate.allow("someone else", NOW + 5)
        assert await rate.allow("a:b{c}", NOW + 60)  # a new minute
        assert 0 < await redis.ttl(rate.key("a:b{c}", int(NOW // 60))) <= 120  # the key is bounded
    finally:
        await redis.close()  # redis-py 4.6 in the bot environment


async def test_redis_down_lets_the_message_through() -> None:
    rate = MessageRate(Redis.from_url("redis://127.0.0.1:1/0"), "test:rate", per_minute=1)
    assert await rate.allow("anyone") and await rate.allow("anyone")


async def test_a_refused_message_is_answered_on_its_channel_and_goes_no_further(redis_url: str) -> None:
    redis = Redis.from_url(redis_url)
    handled: list[str] = []

    async def handle(_agent: Any, message: UserMessage) -> None:
        handled.append(message.text)

    try:
        wrapped = limit_rate(handle, MessageRate(redis, "test:rate", per_minute=1))
        first, second = CollectingOutputChannel(), CollectingOutputChannel()
        await wrapped(None, UserMessage("one", first, "flooder"))
        await wrapped(None, UserMessage("two", second, "flooder"))
        assert handled == ["one"] and first.messages == []
        assert [m["text"] for m in second.messages] == [TOO_FAST]
    finally:
        await redis.close()  # redis-py 4.6 in the bot environment
