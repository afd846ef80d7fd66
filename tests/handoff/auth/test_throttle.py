"""handoff/auth/throttle.py on real Redis: failures counted per account and per address in a
window, locks that end, keys that any username or address fits."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from handoff.auth.throttle import LoginThrottle

PREFIX = "test:throttle"


@pytest.fixture
async def throttle(redis_url: str) -> AsyncIterator[LoginThrottle]:
    redis = Redis.from_url(redis_url)
    yield LoginThrottle(redis, PREFIX, max_per_account=2, max_per_address=3, window_seconds=2)
    await redis.aclose()


async def test_an_account_locks_after_its_failures_until_the_window_ends(throttle: LoginThrottle) -> None:
    assert await throttle.lock("maya", "10.0.0.1") is None
    await throttle.failed("maya", "10.0.0.1")
    assert await throttle.lock("maya", "10.0.0.2") is None
    await throttle.failed("Maya ", "10.0.0.2")  # one account, however it is typed
    lock = await throttle.lock("maya", "10.0.0.3")
    assert lock is not None and "this account" in lock.detail and 1 <= lock.retry_after <= 2
    assert await throttle.lock("sam", "10.0.0.3") is None
    await asyncio.sleep(2.1)
    assert await throttle.lock("maya", "10.0.0.3") is None


async def test_an_address_locks_after_its_failures_and_a_success_clears_only_the_account(
        throttle: LoginThrottle) -> None:
    await throttle.failed("a", "10.0.0.9")
    await throttle.failed("b", "10.0.0.9")
    await throttle.succeeded("b")
    assert await throttle.lock("c", "10.0.0.9") is None
    await throttle.failed("c", "10.0.0.9")
    lock = await throttle.lock("anyone", "10.0.0.9")
    assert lock is not None and "your address" in lock.detail
    assert await throttle.lock("anyone", "10.0.0.10") is None


@pytest.mark.parametrize("name", ["x" * 10_000, "a:b{c}", "ünïcødé ✓", "", "maya\x00"])
async def test_any_username_or_address_is_a_fixed_size_key(throttle: LoginThrottle, name: str) -> None:
    await throttle.failed(name, name)
    await throttle.failed(name, name)
    assert await throttle.lock(name, "elsewhere") is not None
    keys = [key async for key in throttle.redis.scan_iter(f"{PREFIX}:*")]
    assert keys and all(len(key) < 120 for key in keys)
    ttls = [await throttle.redis.ttl(key) for key in keys]
    assert all(0 < ttl <= 2 for ttl in ttls)  # nothing kept for ever
