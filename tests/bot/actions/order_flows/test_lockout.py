"""bot/actions/order_flows/lockout.py against a real Redis: failures count per order and per
sender over a sliding window, the third locks, any id makes a key of its own, and everything
kept is bounded in size and time."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from bot.actions.order_flows.lockout import LIMIT, LOCK_SECONDS, WINDOW_SECONDS, VerificationLockout
from bot.actions.settings import ActionSettings

PREFIX = "test:verification"


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def client(redis_url: str) -> AsyncIterator[Redis]:
    connection = Redis.from_url(redis_url)
    yield connection
    await connection.close()


async def test_three_failures_on_an_order_lock_it_for_everyone(client: Redis) -> None:
    clock = Clock()
    lockout = VerificationLockout(client, PREFIX, clock)
    counts = [(await lockout.record_failure("LK-100231", sender)).count for sender in ("a", "b")]
    assert counts == [1, 2] and await lockout.locked_until("LK-100231", "c") == 0
    third = await lockout.record_failure("LK-100231", "c")
    assert third.count == LIMIT and third.locked_until == clock.now + LOCK_SECONDS
    for sender in ("a", "b", "c", "anyone"):
        assert await lockout.locked_until("LK-100231", sender) == clock.now + LOCK_SECONDS
    assert await lockout.locked_until("LK-100232", "anyone") == 0  # other orders are not locked
    clock.now += LOCK_SECONDS + 1
    assert await lockout.locked_until("LK-100231", "anyone") == 0
    assert (await lockout.record_failure("LK-100231", "z")).count == 1  # counted afresh


async def test_three_failures_of_one_sender_lock_the_sender(client: Redis) -> None:
    clock = Clock()
    lockout = VerificationLockout(client, PREFIX, clock)
    for number in ("LK-100231", "LK-100232"):
        assert not (await lockout.record_failure(number, "walker")).locked_until
    assert (await lockout.record_failure("LK-100233", "walker")).locked_until
    assert await lockout.locked_until("LK-100234", "walker") > 0  # any order, for this sender
    assert await lockout.locked_until("LK-100234", "someone-else") == 0


async def test_failures_older_than_the_window_do_not_count(client: Redis) -> None:
    clock = Clock()
    lockout = VerificationLockout(client, PREFIX, clock)
    await lockout.record_failure("LK-100231", "a")
    await lockout.record_failure("LK-100231", "b")
    clock.now += WINDOW_SECONDS + 1
    failure = await lockout.record_failure("LK-100231", "c")
    assert failure.count == 1 and not failure.locked_until


@pytest.mark.parametrize("identifier", ["LK-100231:lock:order", "{x}", "x" * 10_000, "Ωrder-é-雪", "\ud800", ""])
async def test_any_id_makes_keys_of_its_own_bounded_and_expiring(client: Redis, identifier: str) -> None:
    lockout = VerificationLockout(client, PREFIX, Clock())
    for _ in range(LIMIT + 2):
        await lockout.record_failure(identifier, identifier)
    assert await lockout.locked_until(identifier, "other") > 0
    assert await lockout.locked_until("LK-100231", "other") == 0
    keys = [key.decode() async for key in client.scan_iter(f"{PREFIX}:*")]
    assert keys and all(len(key) < len(PREFIX) + 100 for key in keys)
    for key in keys:
        ttl = await client.ttl(key)
        assert 0 < ttl <= max(WINDOW_SECONDS, LOCK_SECONDS) + 1, key
        if await client.type(key) == b"zset":
            assert await client.zcard(key) <= LIMIT


def test_the_action_server_uses_the_stacks_redis() -> None:
    assert ActionSettings.from_env({"BATON_REDIS_URL": "redis://127.0.0.1:7000/3"}).redis_url == \
        "redis://127.0.0.1:7000/3"
    assert ActionSettings.from_env({}).redis_url == "redis://127.0.0.1:6390/0"
