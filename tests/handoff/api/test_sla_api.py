"""SLAs on running replicas, real Redis and one store: each card carries its SLA status and the
business time left, the queue sorts by it (sort=sla), a person's words meet the response target
and a customer's question starts the next; the team is warned before the breach; and with the
replica that started the clocks gone, two replicas give each warning and breach once."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from redis.asyncio import Redis

from handoff.store import Database, reporting
from handoff.store import sla as sla_rows
from tests.handoff.api.test_auto_resolve_api import agent_line, customer_line, say, until
from tests.handoff.api.test_escalations_api import open_escalation
from tests.handoff.databases import empty
from tests.handoff.harness import Server, handoff_settings, next_push

ALWAYS_OPEN = {"HANDOFF_SUPPORT_HOURS": "Mon-Sun 00:00-24:00", "HANDOFF_SLA_CHECK_SECONDS": 0.1}


async def started(server: Server, escalation_id: int) -> list[Any]:
    return await until(lambda: server.services.db.run(lambda s: sla_rows.of_escalation(s, escalation_id)))


async def test_cards_carry_the_status_and_the_queue_sorts_by_time_left(redis_url: str, tmp_path: Path) -> None:
    settings = handoff_settings(redis_url, f"sqlite:///{tmp_path / 'handoff.db'}", tmp_path, **ALWAYS_OPEN,
                                HANDOFF_SLA_TEAM_TARGETS="returns: first=1h next=30m resolution=8h")
    redis = Redis.from_url(redis_url)
    async with Server(settings) as server:
        answered = await open_escalation(server, "web-omar")
        waiting = await open_escalation(server, "web-liam")
        await started(server, answered.id)
        await started(server, waiting.id)
        maya = await server.login("maya")
        card = {c["id"]: c for c in (await maya.get("/escalations")).json()}[waiting.id]
        assert card["sla"]["status"] == "on_track" and card["sla"]["status_label"] == "On track"
        assert card["sla"]["target"] == "first_response" and card["sla"]["target_label"] == "First response"
        assert 3590 < card["sla"]["seconds_left"] <= 3600 and card["sla"]["target_seconds"] == 3600

        # A person answers the first: its nearest target is now the resolution, hours away.
        await say(redis, "web-omar", agent_line("I'm looking at your order now."))
        await until(lambda: server.services.db.run(
            lambda s: [c for c in sla_rows.of_escalation(s, answered.id) if c.stopped_by == "met"]))

        async def ids(sort: str) -> list[int]:
            found = await maya.get("/escalations", params={"view": "unassigned", "sort": sort})
            assert found.status_code == 200
            return [c["id"] for c in found.json()]

        assert await ids("waiting") == [answered.id, waiting.id]
        assert await ids("sla") == [waiting.id, answered.id]
        detail = (await maya.get(f"/escalations/{answered.id}")).json()
        assert detail["sla"]["target"] == "resolution" and detail["glance"]["sla"] == detail["sla"]
        assert [(c["kind"], c["stopped_by"]) for c in detail["sla_clocks"]] == [("first_response", "met"),
                                                                               ("resolution", None)]

        # "thanks!" needs no answer; a question starts the next-response clock, the nearest now.
        await say(redis, "web-omar", customer_line("thanks!"))
        await say(redis, "web-omar", customer_line("When will the refund arrive?"))
        await until(lambda: server.services.db.run(
            lambda s: [c for c in sla_rows.of_escalation(s, answered.id) if c.kind == "next_response"]))
        detail = (await maya.get(f"/escalations/{answered.id}")).json()
        assert detail["sla"]["target"] == "next_response" and 1780 < detail["sla"]["seconds_left"] <= 1800
        clocks = await server.services.db.run(lambda s: sla_rows.of_escalation(s, answered.id))
        assert [c.kind for c in clocks].count("next_response") == 1
        assert await ids("sla") == [answered.id, waiting.id]
        assert (await maya.get("/escalations", params={"sort": "soonest"})).status_code == 422
        await maya.aclose()
    await redis.aclose()


async def test_the_team_is_warned_before_the_breach(redis_url: str, tmp_path: Path) -> None:
    settings = handoff_settings(redis_url, f"sqlite:///{tmp_path / 'handoff.db'}", tmp_path, **ALWAYS_OPEN,
                                HANDOFF_SLA_TEAM_TARGETS="returns: first=3s")
    async with Server(settings) as server:
        maya = await server.login("maya")
        async with server.websocket(maya.token) as ws:  # type: ignore[attr-defined]
            await next_push(ws, "hello", timeout=30)  # signed in: its pushes reach this socket
            escalation = await open_escalation(server, "web-omar")
            warning = await next_push(ws, "sla.warning", timeout=10)
            warned_at = time.time()
            breach = await next_push(ws, "sla.breached", timeout=10)
        await maya.aclose()
    assert warning["data"]["escalation_id"] == escalation.id and warning["data"]["team"] == "returns"
    assert warning["data"]["sla"]["status"] == "warning" and 0 < warning["data"]["sla"]["seconds_left"] <= 0.7
    assert warning["data"]["sla_event"]["target"] == "first_response"
    assert warning["data"]["sla_event"]["at"] < breach["data"]["sla_event"]["at"]
    assert breach["data"]["sla"]["status"] == "breached" and breach["data"]["sla_event"]["at"] >= warned_at - 0.2


async def test_two_replicas_after_a_restart_warn_and_breach_once(redis_url: str, database_url: str,
                                                                 tmp_path: Path) -> None:
    """On SQLite and on PostgreSQL, where replicas really race."""
    fresh = Database(database_url)
    empty(fresh.engine)
    fresh.engine.dispose()
    fast = {**ALWAYS_OPEN, "HANDOFF_SLA_TEAM_TARGETS": "returns: first=4s"}
    async with Server(handoff_settings(redis_url, database_url, tmp_path, **fast)) as first:
        escalation = await open_escalation(first, "web-omar")
        clocks = await started(first, escalation.id)
    assert time.time() < min(c.warn_at for c in clocks)  # gone before the warning was due
    redis = Redis.from_url(redis_url)
    pubsub = redis.pubsub(ignore_subscribe_messages=True)
    await pubsub.subscribe(f"{first.settings.key_prefix}:live")
    pushes: list[dict[str, Any]] = []
    async with (Server(handoff_settings(redis_url, database_url, tmp_path, **fast)) as one,
                Server(handoff_settings(redis_url, database_url, tmp_path, **fast)) as two):
        deadline = time.monotonic() + 7.0
        while time.monotonic() < deadline:
            raw = await pubsub.get_message(timeout=0.2)
            if raw is not None and json.loads(raw["data"])["type"].startswith("sla."):
                pushes.append(json.loads(raw["data"]))
        warned = one.services.sla.warned + two.services.sla.warned
        breached = one.services.sla.breached + two.services.sla.breached
        counts = await one.services.db.run(lambda s: (reporting.count(s, "sla_warning"),
                                                      reporting.count(s, "sla_breach")))
        clocks = await one.services.db.run(lambda s: sla_rows.of_escalation(s, escalation.id))
    await pubsub.aclose()
    await redis.aclose()
    assert (warned, breached, counts) == (1, 1, (1, 1))
    assert [(p["type"], p["data"]["escalation_id"]) for p in pushes] == [
        ("sla.warning", escalation.id), ("sla.breached", escalation.id)]
    first_response = next(c for c in clocks if c.kind == "first_response")
    assert first_response.warned_at is not None and first_response.breached_at is not None
    assert first_response.warned_at < first_response.breached_at and first_response.breached_at >= first_response.due_at
