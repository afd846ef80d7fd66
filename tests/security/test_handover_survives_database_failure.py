"""Issue 19, "gaps in the handoff service's own guarantees": a database failure while the engine
opens an escalation must not lose the hand-over.

The whole handoff service with its engine, on a real Redis and a real SQLite file. The bot asks
for a person (the `unresolved_reason` slot) while the escalations table is out of reach; the
entry stays pending and is retried, and once the database is back the escalation opens."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from pathlib import Path

from redis.asyncio import Redis

from contract import bot_handoff as contract
from handoff.services import Services
from tests.handoff.harness import free_port, handoff_settings

STREAM = "test:events"


async def test_the_escalation_opens_once_the_database_is_back(redis_url: str, tmp_path: Path) -> None:
    database = tmp_path / "handoff.db"
    settings = handoff_settings(redis_url, f"sqlite:///{database}", tmp_path,
                                BATON_KNOWLEDGE_URL=f"http://127.0.0.1:{free_port()}",
                                HANDOFF_RETRY_SECONDS=0.1, HANDOFF_MAX_ATTEMPTS=1000)
    redis = Redis.from_url(redis_url)
    services = await Services.start(settings, engine=True)
    try:
        with sqlite3.connect(database) as admin:  # the table goes away: every query of it fails
            admin.execute("ALTER TABLE escalations RENAME TO escalations_away")
        event = {"event": "slot", "name": contract.UNRESOLVED_REASON_SLOT, "value": "explicit_request",
                 "timestamp": 1.0, "sender_id": "c-db"}
        await redis.xadd(STREAM, {"sender_id": "c-db", "type": "slot", "event": json.dumps(event)})
        await redis.xadd(STREAM, {"sender_id": "c-db", "type": "user", "event": json.dumps(
            {"event": "user", "text": "anyone?", "timestamp": 2.0, "sender_id": "c-db"})})
        async with asyncio.timeout(10):  # the hand-over was tried, and failed
            while not await redis.hlen(f"{STREAM}:attempts:handoff"):
                await asyncio.sleep(0.05)
        assert await services.conversations.transcript("c-db") == []  # its later entry waits in order
        with sqlite3.connect(database) as admin:
            admin.execute("ALTER TABLE escalations_away RENAME TO escalations")
        async with asyncio.timeout(10):
            while await services.escalations.active_for("c-db") is None:
                await asyncio.sleep(0.05)
            while (await services.consumer.lag())["pending"]:
                await asyncio.sleep(0.05)
        escalation = await services.escalations.active_for("c-db")
        assert escalation is not None and escalation.reason == "explicit_request"
        assert [t["text"] for t in await services.conversations.transcript("c-db")] == ["anyone?"]
        assert await redis.xlen(f"{STREAM}:dead") == 0
    finally:
        await services.stop()
        await redis.aclose()
