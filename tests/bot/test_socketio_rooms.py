"""bot/socketio_rooms.py on real Redis: the rooms' manager listens as soon as Rasa starts (not at
the first connection), an emit from one server reaches a room another server holds, and a Redis
that does not answer is waited for with pauses, not retried at once in a loop."""

from __future__ import annotations

import asyncio
import logging
import time

import pytest
import redis

from bot.socketio_rooms import RETRY_SECONDS, shared_server
from tests.conftest import free_port


async def test_the_manager_listens_once_ready_and_shares_emits_between_servers(redis_url: str) -> None:
    one, rooms_one = shared_server(redis_url, async_mode="asgi")
    two, rooms_two = shared_server(redis_url, async_mode="asgi")
    try:
        # Subscribed before any connection: the first widget's session_confirm cannot be missed.
        assert await rooms_one.ready(one) and await rooms_two.ready(two)
        assert rooms_one.pubsub.subscribed and one.manager_initialized
        client = redis.Redis.from_url(redis_url)
        assert client.pubsub_numsub("baton:socketio") == [(b"baton:socketio", 2)]
        client.close()
        # A socket of server one in room "conversation-1"; server two emits to that room.
        delivered: list[tuple[str, object, str]] = []

        async def send_packet(eio_sid: str, packet: object) -> None:
            delivered.append((eio_sid, packet.data, packet.namespace))  # type: ignore[attr-defined]

        one._send_packet = send_packet  # type: ignore[method-assign]
        sid = one.manager.connect("eio-1", "/")
        one.manager.enter_room(sid, "/", "conversation-1")
        await two.emit("bot_uttered", {"text": "from the other replica"}, room="conversation-1")
        deadline = time.monotonic() + 5
        while not delivered and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        assert delivered and delivered[0][0] == "eio-1"
        assert delivered[0][1] == ["bot_uttered", {"text": "from the other replica"}]
    finally:
        for server in (one, two):
            if server.manager.thread:
                server.manager.thread.cancel()
        await asyncio.sleep(0)


async def test_a_redis_that_does_not_answer_is_waited_for_with_pauses(caplog: pytest.LogCaptureFixture) -> None:
    server, rooms = shared_server(f"redis://127.0.0.1:{free_port()}/0", async_mode="asgi")
    caplog.set_level(logging.WARNING, logger="bot.socketio_rooms")
    try:
        assert await rooms.ready(server, timeout=2.5) is False
        tries = [record for record in caplog.records if "cannot subscribe" in record.getMessage()]
        # 0.5 + 1 + 2 s of pauses: 3 or 4 tries in 2.5 s, where the library retried without a pause.
        assert 2 <= len(tries) <= 4, [record.getMessage() for record in tries]
        assert RETRY_SECONDS[0] >= 0.5
    finally:
        server.manager.thread.cancel()
        await asyncio.sleep(0)
