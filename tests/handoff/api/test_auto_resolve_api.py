"""Auto-resolve on running replicas, real Redis and one store: the agent wrote last and the
customer stayed silent, so after HANDOFF_AUTO_RESOLVE_HOURS the escalation is resolved, once with
two replicas, after a restart too (the wait was seen by a replica that stopped); a customer who
answered keeps theirs open; "thanks!" afterwards reopens nothing, a question reopens it into the
team's queue, once. Rasa is not running here, so the closing message stays owed (with the real
Rasa: test_auto_resolve_with_rasa.py)."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Any

from redis.asyncio import Redis

from handoff.settings import HandoffSettings
from handoff.store import customer_waits, reporting
from tests.handoff.api.test_snoozes_api import claimed
from tests.handoff.harness import Server, handoff_settings, next_push

FAST = {"HANDOFF_AUTO_RESOLVE_HOURS": 1.0 / 3600, "HANDOFF_AUTO_RESOLVE_CHECK_SECONDS": 0.1}


async def say(redis: Redis, sender: str, event: dict[str, Any]) -> None:
    """An event as Rasa's broker appends it to the stream."""
    await redis.xadd("test:events", {"sender_id": sender, "type": event["event"], "event": json.dumps(event)})


def agent_line(text: str) -> dict[str, Any]:
    return {"event": "bot", "text": text, "timestamp": time.time(),
            "metadata": {"agent": "Maya", "kind": "agent_message"}}


def customer_line(text: str) -> dict[str, Any]:
    return {"event": "user", "text": text, "timestamp": time.time(), "input_channel": "socketio",
            "parse_data": {"intent": {"name": "ask", "confidence": 0.9}}}


async def until(check: Any, timeout: float = 10.0) -> Any:
    async with asyncio.timeout(timeout):
        while not (found := await check()):
            await asyncio.sleep(0.05)
    return found


async def test_resolved_once_by_two_replicas_after_a_restart_then_reopened_once(redis_url: str,
                                                                                 tmp_path: Path) -> None:
    database_url = f"sqlite:///{tmp_path / 'handoff.db'}"
    slow: HandoffSettings = handoff_settings(redis_url, database_url, tmp_path, HANDOFF_AUTO_RESOLVE_HOURS=1.0)
    redis = Redis.from_url(redis_url)
    async with Server(slow) as first:
        silent = await claimed(first, "web-omar")
        answered = await claimed(first, "web-liam")
        await say(redis, "web-omar", agent_line("Could you send a photo of the label?"))
        await say(redis, "web-liam", agent_line("Could you send a photo of the label?"))
        await say(redis, "web-liam", customer_line("Here it is, the label is torn"))
        db = first.services.db

        async def seen() -> bool:
            omar = await db.run(lambda s: customer_waits.times_of(s, silent.id))
            liam = await db.run(lambda s: customer_waits.times_of(s, answered.id))
            return bool(omar and omar["agent_at"] and liam and liam["customer_at"])

        await until(seen)
    # The replica that saw the agent write is gone; two others, sooner to resolve, share the store.
    fast = handoff_settings(redis_url, database_url, tmp_path, **FAST)
    pubsub = redis.pubsub(ignore_subscribe_messages=True)
    await pubsub.subscribe(f"{fast.key_prefix}:live")
    async with Server(fast) as one, Server(fast) as two:
        maya = await one.login("maya")
        async with one.websocket(maya.token) as ws:  # type: ignore[attr-defined]
            services = one.services

            async def resolved() -> bool:
                return (await services.escalations.get(silent.id)).state == "completed"

            await until(resolved)
            await asyncio.sleep(1.5)  # both replicas looked several times more
            pushes = []
            deadline = time.monotonic() + 1.0
            while time.monotonic() < deadline:
                if (raw := await pubsub.get_message(timeout=0.2)) is not None:
                    pushes.append(json.loads(raw["data"]))
            closes = [p for p in pushes if p["type"] == "escalation.updated" and p["data"].get("state") == "completed"]
            assert [(p["data"]["escalation_id"], p["agents"], p["teams"]) for p in closes] == [
                (silent.id, ["maya"], ["returns"])]
            closed = await services.escalations.get(silent.id)
            assert (closed.state, closed.outcome) == ("completed", "auto_resolved")
            assert [c.detail for c in closed.states].count("auto-resolved: no reply from the customer for "
                                                           "0.000277778 h") == 1
            assert one.services.auto_resolve.resolved + two.services.auto_resolve.resolved == 1
            assert (await services.escalations.get(answered.id)).state == "accepted"  # the customer answered
            events = await services.db.run(lambda s: reporting.of_conversation(s, "web-omar"))
            assert [e.kind for e in events].count("auto_resolved") == 1
            # Rasa is down: the message stays owed, and each failed try gives its claim back (a look
            # may fall between a replica's claim and its release: wait for a released moment).
            async with asyncio.timeout(10):
                while True:
                    owed = await services.db.run(lambda s: customer_waits.times_of(s, silent.id))
                    assert owed is not None and owed["told_at"] is None
                    if owed["claimed_by"] is None:
                        break
                    await asyncio.sleep(0.02)

            await say(redis, "web-omar", customer_line("thanks!"))
            await asyncio.sleep(1.0)
            assert (await services.escalations.get(silent.id)).state == "completed"  # nothing to answer
            await say(redis, "web-omar", customer_line("Actually the refund has not arrived yet"))
            announced = await next_push(ws, "escalation.new", timeout=10)
            assert announced["data"]["escalation_id"] == silent.id
        reopened = await one.services.escalations.get(silent.id)
        assert (reopened.state, reopened.outcome, reopened.agent, reopened.team) == ("queued", None, None, "returns")
        assert one.services.auto_resolve.reopened + two.services.auto_resolve.reopened == 1
        assert silent.id in await one.services.queue.ordered()
        queue = (await maya.get("/escalations", params={"state": "queued"})).json()
        assert [card["id"] for card in queue] == [silent.id]
        await maya.aclose()
    await pubsub.aclose()
    await redis.aclose()
