"""`python -m handoff.purge <sender-id>` (issue 19, finding 9): one customer's data leaves Redis
and the store, and nobody else's does, not even a sender whose id starts with theirs.

The data is made by the real service (its consumer applies the stream, its API opens, claims
and annotates escalations); the command then runs as an operator would, in its own process."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

from redis.asyncio import Redis

from defaults import MESSAGE_ID_KEY_PREFIX
from handoff.keys import id_digest
from handoff.store import customers as customer_rows
from handoff.store import escalations as escalation_rows
from stack.settings import ROOT
from tests.handoff.api.test_escalations_api import open_escalation
from tests.handoff.harness import Server, handoff_settings

STREAM = "test:events"  # the harness's stream and key prefix
PREFIX = "test:handoff"
VICTIM, NEIGHBOUR = "X", "X:transcript"


async def say(redis: Redis, sender: str, text: str) -> None:
    event = {"event": "user", "text": text, "timestamp": 1.0, "sender_id": sender}
    await redis.xadd(STREAM, {"sender_id": sender, "type": "user", "event": json.dumps(event)})


def purge_command(sender: str, redis_url: str, database_url: str, var: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "BATON_REDIS_URL": redis_url, "HANDOFF_DATABASE_URL": database_url,
           "HANDOFF_KEY_PREFIX": PREFIX, "BATON_EVENT_STREAM": STREAM, "BATON_VAR": str(var)}
    return subprocess.run([sys.executable, "-m", "handoff.purge", "--", sender], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=60, check=True)


async def test_the_purge_removes_one_customer_and_nothing_of_anyone_else(redis_url: str, tmp_path: Path) -> None:
    database_url = f"sqlite:///{tmp_path / 'handoff.db'}"
    settings = handoff_settings(redis_url, database_url, tmp_path)
    redis = Redis.from_url(redis_url)
    try:
        async with Server(settings) as server:
            conversations = server.services.conversations
            for sender in (VICTIM, NEIGHBOUR):
                await say(redis, sender, f"hello from {sender}")
            async with asyncio.timeout(10):
                while not (await conversations.transcript(VICTIM) and await conversations.transcript(NEIGHBOUR)):
                    await asyncio.sleep(0.02)
            theirs, neighbours = await open_escalation(server, VICTIM), await open_escalation(server, NEIGHBOUR)
            maya = await server.login("maya")
            assert (await maya.post(f"/escalations/{theirs.id}/claim")).status_code == 200
            note = await maya.post(f"/escalations/{theirs.id}/notes", json={"text": "asked for a refund"})
            assert note.status_code == 201
            assert (await maya.post(f"/escalations/{theirs.id}/typing")).status_code == 204
            await maya.aclose()
            await redis.xadd(f"{STREAM}:dead", {"sender_id": VICTIM, "type": "user", "event": "{}", "error": "x"})
            for sender in (VICTIM, NEIGHBOUR):  # where Rasa keeps its tracker (endpoints.yml, BATON_RASA_KEY_PREFIX)
                await redis.set(f"baton:tracker:{sender}", f"Rasa's tracker of {sender}")
                # A message id the bot handled (bot/message_ids.py)
                await redis.set(f"{MESSAGE_ID_KEY_PREFIX}:{id_digest(sender)}:{id_digest('m-1')}", b"done")

        result = await asyncio.to_thread(purge_command, VICTIM, redis_url, database_url, tmp_path)
        assert result.stdout.startswith("purged 'X': ") and f"1 escalations [{theirs.id}]" in result.stdout
        assert "2 stream entries" in result.stdout

        # Redis: no key is named after them any more, and no stream entry is theirs.
        digest = id_digest(VICTIM).encode()
        assert [key async for key in redis.scan_iter() if digest in key] == []
        for stream in (STREAM, f"{STREAM}:dead"):
            senders = [fields[b"sender_id"] for _, fields in await redis.xrange(stream)]
            assert VICTIM.encode() not in senders
        assert await redis.zrange(f"{PREFIX}:conversations", 0, -1) == [NEIGHBOUR.encode()]
        assert str(theirs.id).encode() not in await redis.zrange(f"{PREFIX}:queue", 0, -1)
        assert await redis.exists(f"baton:tracker:{VICTIM}") == 0
        assert await redis.get(f"baton:tracker:{NEIGHBOUR}") == f"Rasa's tracker of {NEIGHBOUR}".encode()
        assert await redis.exists(f"{MESSAGE_ID_KEY_PREFIX}:{id_digest(NEIGHBOUR)}:{id_digest('m-1')}") == 1

        # The neighbour keeps everything, and so does the store.
        async with Server(settings) as server:
            assert [t["text"] for t in await server.services.conversations.transcript(NEIGHBOUR)] == [
                f"hello from {NEIGHBOUR}"]
            assert await server.services.conversations.transcript(VICTIM) == []
            db = server.services.db
            assert await db.run(lambda s: escalation_rows.history_for(s, VICTIM, None)) == []
            kept = await db.run(lambda s: escalation_rows.history_for(s, NEIGHBOUR, None))
            assert [e.id for e in kept] == [neighbours.id]
            assert str(neighbours.id).encode() in await redis.zrange(f"{PREFIX}:queue", 0, -1)

        # Again: nothing left to remove, and it says so.
        again = await asyncio.to_thread(purge_command, VICTIM, redis_url, database_url, tmp_path)
        assert "0 Redis keys, 0 stream entries, 0 escalations" in again.stdout
    finally:
        await redis.aclose()


async def test_the_purge_removes_the_customer_record_notes_and_their_other_conversations(
        redis_url: str, tmp_path: Path, monkeypatch) -> None:
    """Privacy across channels (issue 21): purging one conversation of a customer removes the
    customer record, the agents' notes on them, and their other conversations; another customer
    who verified in a conversation of theirs keeps their record."""
    monkeypatch.setenv("ORDERS_DB", str(tmp_path / "orders.db"))
    database_url = f"sqlite:///{tmp_path / 'handoff.db'}"
    settings = handoff_settings(redis_url, database_url, tmp_path)
    redis = Redis.from_url(redis_url)

    async def verify(sender: str, channel: str, order: str) -> None:
        await redis.xadd(STREAM, {"sender_id": sender, "type": "user", "event": json.dumps(
            {"event": "user", "text": f"about {order}", "timestamp": 1.0, "input_channel": channel})})
        await redis.xadd(STREAM, {"sender_id": sender, "type": "slot", "event": json.dumps(
            {"event": "slot", "name": "verified_orders", "value": [order], "timestamp": 2.0})})

    try:
        async with Server(settings) as server:
            customers = server.services.customers
            assert customers is not None
            await verify("web-omar", "socketio", "LK-100233")
            await verify("tg-omar", "telegram", "LK-100232")
            await verify("web-liam", "socketio", "LK-100235")
            async with asyncio.timeout(10):
                while not all([await customers.of_sender(s) for s in ("web-omar", "tg-omar", "web-liam")]):
                    await asyncio.sleep(0.05)
            omar = await customers.of_sender("tg-omar")
            on_telegram = await open_escalation(server, "tg-omar")
            maya = await server.login("maya")
            added = await maya.post(f"/escalations/{on_telegram.id}/customer/notes", json={"text": "prefers email"})
            assert added.status_code == 201
            await maya.aclose()

        result = await asyncio.to_thread(purge_command, "web-omar", redis_url, database_url, tmp_path)
        assert "1 customer records with their notes, 1 other conversations of theirs" in result.stdout
        assert f"1 escalations [{on_telegram.id}]" in result.stdout

        async with Server(settings) as server:
            customers = server.services.customers
            assert customers is not None
            assert await customers.of_sender("web-omar") is None and await customers.of_sender("tg-omar") is None
            assert await server.services.conversations.transcript("tg-omar") == []
            assert await server.services.db.run(lambda s: customer_rows.notes(s, omar.id)) == []
            assert await server.services.db.run(lambda s: customer_rows.by_email(s, "omar.h@example.com")) is None
            liam = await customers.of_sender("web-liam")
            assert liam is not None and liam.email == "liam.obrien@example.com"
    finally:
        await redis.aclose()
