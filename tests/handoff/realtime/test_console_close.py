"""Consoles that close while their heartbeats are writing to Redis: the service still stops.

Each console's heartbeat writes to Redis every second; a console that closes cancels it. On
Python 3.11 a cancel that arrives during a Redis write can be lost (handoff/tasks.py), and the
handler that waited for the heartbeat after one cancel kept the service from ever stopping.
Here many consoles close right when their heartbeats are due, round after round, from 4 ms
before to 18 ms after, so that cancels land inside Redis writes (some 25 in a run on the
machine this was written on). Before handoff/tasks.py the service then never stopped."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

from tests.handoff.harness import Server, handoff_settings, next_push

CONSOLES = 20
ROUNDS = 12


async def test_consoles_closing_mid_heartbeat_do_not_keep_the_service_from_stopping(
    redis_url: str, tmp_path: Path
) -> None:
    # The heartbeat runs every max(1 s, TTL / 3): every second here.
    settings = handoff_settings(redis_url, f"sqlite:///{tmp_path / 'h.db'}", tmp_path, HANDOFF_PRESENCE_TTL_SECONDS=3)
    async with Server(settings) as server:  # the harness fails the test if it cannot stop in 30 s
        maya = await server.login("maya")
        loop = asyncio.get_running_loop()
        for round_ in range(ROUNDS):
            async with contextlib.AsyncExitStack() as opened:
                consoles = await asyncio.gather(
                    *(opened.enter_async_context(server.websocket(maya.token)) for _ in range(CONSOLES)))
                await asyncio.gather(*(next_push(console, "hello") for console in consoles))
                greeted = loop.time()
                # The heartbeats are due one interval after each hello: close all of them about then.
                offset = -0.004 + 0.002 * round_
                await asyncio.sleep(max(0.0, greeted + 1.0 + offset - loop.time()))
                await asyncio.gather(*(console.close() for console in consoles))
        await maya.aclose()
