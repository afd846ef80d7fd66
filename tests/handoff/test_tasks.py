"""handoff/tasks.py on a real Redis: a task busy writing to Redis ends when it is cancelled, at
whatever point of a command the cancel finds it. One cancel() alone is lost there on Python 3.11
(redis-py sends inside asyncio.wait_for), at some of these points every run."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from handoff.tasks import cancel_and_wait


@pytest.fixture
async def redis(redis_url: str) -> AsyncIterator[Redis]:
    client = Redis.from_url(redis_url)  # as the service makes it: redis-py's default socket timeout
    yield client
    await client.aclose()


async def beats_forever(redis: Redis) -> None:
    while True:
        await redis.hset("test:tasks:heartbeat", "beat", "1")


async def test_a_task_writing_to_redis_ends_wherever_the_cancel_finds_it(redis: Redis) -> None:
    for turns in range(40):  # the cancel arrives after 0, 1, 2, ... turns of the loop
        task = asyncio.create_task(beats_forever(redis), name=f"beats-{turns}")
        for _ in range(turns):
            await asyncio.sleep(0)
        still_running = await cancel_and_wait([task], patience=10)
        assert not still_running and task.cancelled(), f"cancelled after {turns} turns, it went on"


async def test_a_task_that_will_not_end_is_given_up_on_within_the_bound() -> None:
    let_go = asyncio.Event()

    async def refuses() -> None:
        while not let_go.is_set():
            try:
                await asyncio.sleep(10)
            except asyncio.CancelledError:
                continue  # what a lost cancel amounts to, every time

    task = asyncio.create_task(refuses())
    await asyncio.sleep(0)  # it is waiting in its loop
    loop = asyncio.get_running_loop()
    started = loop.time()
    assert await cancel_and_wait([task], patience=0.5) == {task}
    assert loop.time() - started < 5 and not task.done()
    let_go.set()
    task.cancel()
    await asyncio.wait({task}, timeout=5)
    assert task.done()


async def test_finished_tasks_and_their_errors_are_left_as_they_are() -> None:
    async def fails() -> None:
        raise ValueError("its own error")

    task = asyncio.create_task(fails())
    await asyncio.wait({task})
    assert await cancel_and_wait([task], patience=1) == set()
    assert isinstance(task.exception(), ValueError)
