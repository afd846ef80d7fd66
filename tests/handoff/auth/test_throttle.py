"""handoff/auth/throttle.py on real Redis: failures counted per (username, address), per address
and per username from anywhere, in a window; nobody locks an agent out at their own address;
keys that any username or address fits."""

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
    async for key in redis.scan_iter(f"{PREFIX}:*"):
        await redis.delete(key)
    yield LoginThrottle(redis, PREFIX, max_per_account=2, max_per_address=3, window_seconds=2,
                        max_per_account_anywhere=4, known_address_seconds=60)
    await redis.aclose()


async def test_a_username_locks_for_one_address_until_the_window_ends(throttle: LoginThrottle) -> None:
    assert await throttle.lock("maya", "10.0.0.1") is None
    await throttle.failed("maya", "10.0.0.1")
    assert await throttle.lock("maya", "10.0.0.1") is None
    await throttle.failed("Maya ", "10.0.0.1")  # one account, however it is typed
    lock = await throttle.lock("maya", "10.0.0.1")
    assert lock is not None and "this account from your address" in lock.detail and 1 <= lock.retry_after <= 2
    assert await throttle.lock("maya", "10.0.0.2") is None  # maya herself, elsewhere, is not locked out
    assert await throttle.lock("sam", "10.0.0.1") is None
    await asyncio.sleep(2.1)
    assert await throttle.lock("maya", "10.0.0.1") is None


async def test_failures_elsewhere_never_lock_the_agent_out_where_they_signed_in(throttle: LoginThrottle) -> None:
    """Issue 24: anyone could lock any username (a denial of service) by failing on it."""
    await throttle.succeeded("maya", "10.0.0.1")  # her desk
    for attacker in ("10.6.6.1", "10.6.6.2", "10.6.6.3", "10.6.6.4"):
        await throttle.failed("maya", attacker)
    assert await throttle.lock("maya", "10.0.0.1") is None  # she still signs in at her desk
    lock = await throttle.lock("maya", "10.6.6.5")  # a new address meets the lock: a spread-out guess
    assert lock is not None and "addresses it has not signed in from" in lock.detail
    assert await throttle.lock("sam", "10.6.6.5") is None  # only that account
    await asyncio.sleep(2.1)
    assert await throttle.lock("maya", "10.6.6.5") is None


async def test_an_address_locks_after_its_failures_and_a_success_clears_only_its_pair(
        throttle: LoginThrottle) -> None:
    await throttle.failed("a", "10.0.0.9")
    await throttle.failed("b", "10.0.0.9")
    await throttle.succeeded("b", "10.0.0.9")
    assert await throttle.lock("c", "10.0.0.9") is None
    await throttle.failed("c", "10.0.0.9")
    lock = await throttle.lock("anyone", "10.0.0.9")
    assert lock is not None and "your address" in lock.detail
    assert await throttle.lock("anyone", "10.0.0.10") is None
    # A success at one address does not reset the failures counted for the account from others.
    for attacker in ("10.6.6.1", "10.6.6.2", "10.6.6.3", "10.6.6.4"):
        await throttle.failed("d", attacker)
    await throttle.succeeded("d", "10.0.0.11")
    assert await throttle.lock("d", "10.6.6.9") is not None


@pytest.mark.parametrize("name", ["x" * 10_000, "a:b{c}", "ünïcødé ✓", "", "maya\x00", '["a", "b"]'])
async def test_any_username_or_address_is_a_fixed_size_key(throttle: LoginThrottle, name: str) -> None:
    await throttle.failed(name, name)
    await throttle.failed(name, name)
    assert await throttle.lock(name, name) is not None
    assert await throttle.lock(name, "elsewhere") is None
    await throttle.succeeded(name, "elsewhere")
    keys = [key async for key in throttle.redis.scan_iter(f"{PREFIX}:*")]
    assert keys and all(len(key) < 120 for key in keys)
    ttls = [await throttle.redis.ttl(key) for key in keys]
    assert all(0 < ttl <= 60 for ttl in ttls)  # nothing kept for ever
