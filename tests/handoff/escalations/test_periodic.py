"""The durable timers' loop: it looks again after a failed look (logged), and ends when told."""

from __future__ import annotations

import asyncio
import logging

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError

from handoff.escalations.periodic import run_every


async def test_the_loop_survives_failed_looks_and_stops_when_told(caplog: pytest.LogCaptureFixture) -> None:
    stop = asyncio.Event()
    looks: list[int] = []

    async def look() -> None:
        looks.append(len(looks))
        if len(looks) == 1:
            raise RedisConnectionError("redis went away")
        if len(looks) == 2:
            raise KeyError("a bad row")
        if len(looks) == 4:
            stop.set()

    with caplog.at_level(logging.WARNING, logger="handoff.escalations.periodic"):
        await asyncio.wait_for(run_every(0.01, look, stop, "test timer"), timeout=5)
    assert looks == [0, 1, 2, 3]
    assert "test timer check failed: redis went away" in caplog.text
    assert "KeyError" in caplog.text


async def test_a_stop_ends_the_wait_at_once() -> None:
    stop = asyncio.Event()

    async def look() -> None:
        stop.set()

    await asyncio.wait_for(run_every(3600.0, look, stop, "slow timer"), timeout=2)
