"""Issue 19, finding 9: a widget session's event streams are bounded, and its secret never rides
in a URL. Before the fix one free session opened as many streams as it liked, each holding a
Redis pub/sub connection of its own, and the stream took the secret as `?secret=`.

Against the real handoff service of the stack, with its own Redis."""

from __future__ import annotations

import contextlib

import httpx
import redis

from tests.conftest import Stack

ATTEMPTS = 8  # what one session opened in the attack


async def test_one_session_cannot_open_streams_without_end(stack: Stack) -> None:
    server = redis.Redis.from_url(stack.redis_url)
    async with httpx.AsyncClient(base_url=stack.url("handoff"), timeout=30, trust_env=False) as client:
        session = (await client.post("/widget/sessions")).json()
        url, headers = f"/widget/events/{session['session_id']}", {"X-Widget-Secret": session["secret"]}
        connections_before = len(server.client_list())
        statuses, lines = [], []
        async with contextlib.AsyncExitStack() as open_streams:
            for _ in range(ATTEMPTS):
                response = await open_streams.enter_async_context(client.stream("GET", url, headers=headers))
                statuses.append(response.status_code)
                if response.status_code == 200:
                    # Kept: an abandoned line iterator closes its response when collected.
                    lines.append(response.aiter_lines())
                    await anext(lines[-1])
            connections_during = len(server.client_list())
        assert 429 in statuses and statuses.count(200) < ATTEMPTS, statuses
        assert connections_during - connections_before <= 1, "a Redis connection per stream"


async def test_the_session_secret_is_not_taken_from_the_url(stack: Stack) -> None:
    async with httpx.AsyncClient(base_url=stack.url("handoff"), timeout=30, trust_env=False) as client:
        session = (await client.post("/widget/sessions")).json()
        response = await client.get(f"/widget/events/{session['session_id']}", params={"secret": session["secret"]})
        assert response.status_code == 401
