"""The lease that lets one handoff replica read the event stream at a time, on a real Redis."""

from __future__ import annotations

import asyncio

import pytest
from redis.asyncio import Redis

from handoff.stream.reader_lease import ReaderLease

NAME = "test:events:handoff:reader"


@pytest.fixture
async def redis(redis_url: str):
    client = Redis.from_url(redis_url)
    yield client
    await client.aclose()


async def test_one_holder_at_a_time_and_the_other_takes_over_when_it_lapses(redis: Redis) -> None:
    one, two = ReaderLease(redis, NAME, "one", 1000), ReaderLease(redis, NAME, "two", 1000)
    assert await one.hold() and not await two.hold()
    assert one.held and not two.held
    await asyncio.sleep(0.6)
    assert await one.hold(), "the holder renews"
    await asyncio.sleep(0.6)
    assert not await two.hold(), "renewed, it has not lapsed"
    await asyncio.sleep(1.1)
    assert await two.hold() and await redis.get(NAME) == b"two"
    assert not await one.hold() and not one.held


async def test_a_replica_restarted_under_its_name_takes_its_own_lease_back_at_once(redis: Redis) -> None:
    await redis.set(NAME, "one", px=60_000)  # its former life died holding it
    assert await ReaderLease(redis, NAME, "one", 60_000).hold()
    assert not await ReaderLease(redis, NAME, "two", 60_000).hold()


async def test_only_the_holder_releases(redis: Redis) -> None:
    one, two = ReaderLease(redis, NAME, "one", 60_000), ReaderLease(redis, NAME, "two", 60_000)
    await one.hold()
    await two.release()
    assert await redis.get(NAME) == b"one"
    await one.release()
    assert not one.held and await two.hold()


async def test_keep_renews_until_stopped_then_gives_the_lease_up(redis: Redis) -> None:
    lease = ReaderLease(redis, NAME, "one", 1000)
    stop = asyncio.Event()
    keeper = asyncio.create_task(lease.keep(stop))
    await asyncio.sleep(2.5)  # more than twice its time to live
    assert lease.held and await redis.get(NAME) == b"one"
    stop.set()
    await asyncio.wait_for(keeper, 1)
    assert not lease.held and await redis.get(NAME) is None


async def test_without_redis_the_lease_is_not_held() -> None:
    unreachable = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.2)
    lease = ReaderLease(unreachable, NAME, "one", 300)
    lease.held = True
    try:
        assert not await lease.hold() and not lease.held
        await lease.release()  # nothing to give up: no error either
    finally:
        await unreachable.aclose()
