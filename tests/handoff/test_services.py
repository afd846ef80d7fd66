"""handoff/services.py: the service stops within a bound whatever its loops are doing at the
time: an entry failing again and again (retried every 50 ms), and an agent's console open."""

from __future__ import annotations

import asyncio
import contextlib
import json
from pathlib import Path

from redis.asyncio import Redis

from handoff.keys import keyed
from tests.handoff.harness import Server, handoff_settings, next_push

STREAM = "test:events"  # the harness's stream and key prefix
PREFIX = "test:handoff"
# Generous: the loops end within a read's block time; the bound is what a stuck one would exceed.
STOPS_WITHIN_SECONDS = 20


async def test_the_service_stops_while_an_entry_keeps_failing_and_a_console_is_open(
    redis_url: str, tmp_path: Path
) -> None:
    settings = handoff_settings(redis_url, f"sqlite:///{tmp_path / 'handoff.db'}", tmp_path,
                                HANDOFF_RETRY_SECONDS=0.05, HANDOFF_MAX_ATTEMPTS=1_000_000,
                                HANDOFF_PRESENCE_TTL_SECONDS=3)
    redis = Redis.from_url(redis_url)
    loop = asyncio.get_running_loop()
    try:
        async with contextlib.AsyncExitStack() as held:  # the console stays open while the service stops
            async with Server(settings) as server:  # the harness fails the test if it takes 30 s to stop
                # The conversation's state key holds the wrong type: every attempt fails with WRONGTYPE.
                await redis.set(keyed(PREFIX, "conv", "victim"), "not a hash")
                event = {"event": "user", "text": "hello", "timestamp": 1.0, "sender_id": "victim"}
                await redis.xadd(STREAM, {"sender_id": "victim", "type": "user", "event": json.dumps(event)})
                consumer = server.services.consumer
                assert consumer is not None
                async with asyncio.timeout(10):
                    while "victim" not in consumer.failing:
                        await asyncio.sleep(0.02)
                maya = await server.login("maya")
                console = await held.enter_async_context(server.websocket(maya.token))
                await next_push(console, "hello")
                await asyncio.sleep(1.5)  # a heartbeat or two go by
                started = loop.time()
            assert loop.time() - started < STOPS_WITHIN_SECONDS
            assert consumer.dead_lettered == 0 and "victim" in consumer.failing  # it was still retrying
            await console.close()
            await maya.aclose()
    finally:
        await redis.aclose()
