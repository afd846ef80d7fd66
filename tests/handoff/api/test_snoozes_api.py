"""Snoozing through the agents' API on a running replica: the holder snoozes until a time or a
reply; "thanks!" leaves it asleep and counted, a question wakes it and pushes it to the agent,
or to the team when the agent is offline; a due snooze survives a restart and, with two replicas,
wakes once."""

from __future__ import annotations

import json
import time
from pathlib import Path

from redis.asyncio import Redis

from handoff.store import Escalation
from tests.handoff.api.test_escalations_api import open_escalation
from tests.handoff.harness import Server, handoff_settings, next_push, no_push


async def claimed(server: Server, sender: str = "web-omar") -> Escalation:
    escalation = await open_escalation(server, sender)
    maya = await server.login("maya")
    assert (await maya.post(f"/escalations/{escalation.id}/claim")).status_code == 200
    await maya.aclose()
    return await server.services.escalations.get(escalation.id)


async def test_the_holder_snoozes_and_wakes_it_others_cannot(server: Server) -> None:
    escalation = await claimed(server)
    maya, admin = await server.login("maya"), await server.login("admin")
    until = time.time() + 3600
    snoozed = await maya.put(f"/escalations/{escalation.id}/snooze", json={"until": until})
    assert snoozed.status_code == 200, snoozed.text
    assert snoozed.json()["snooze"]["until"] == until and snoozed.json()["snooze"]["quiet_replies"] == 0
    listed = (await maya.get("/escalations", params={"mine": True})).json()
    assert listed[0]["snooze"]["until"] == until
    foreign = await admin.put(f"/escalations/{escalation.id}/snooze", json={})
    assert foreign.status_code == 409 and "only the agent holding it" in foreign.json()["detail"]
    past = await maya.put(f"/escalations/{escalation.id}/snooze", json={"until": time.time() - 5})
    assert past.status_code == 422 and "in the future, at most 30 days" in past.json()["detail"]
    assert (await maya.put(f"/escalations/{escalation.id}/snooze", json={"until": "soon"})).status_code == 422
    assert (await admin.delete(f"/escalations/{escalation.id}/snooze")).status_code == 409
    woken = await maya.delete(f"/escalations/{escalation.id}/snooze")
    assert woken.status_code == 200 and woken.json()["snooze"] is None
    assert (await maya.delete(f"/escalations/{escalation.id}/snooze")).status_code == 409
    for client in (maya, admin):
        await client.aclose()


async def test_thanks_is_counted_a_question_wakes_it_for_the_online_agent(server: Server) -> None:
    escalation = await claimed(server)
    maya = await server.login("maya")
    await maya.put("/agents/me/presence", json={"status": "online"})
    assert (await maya.put(f"/escalations/{escalation.id}/snooze", json={})).status_code == 200
    snoozes = server.services.snoozes
    async with server.websocket(maya.token) as ws:  # type: ignore[attr-defined]
        assert await snoozes.customer_wrote(await server.services.escalations.get(escalation.id), "thanks!",
                                            time.time()) is True
        await no_push(ws, "escalation.reopened", wait=0.5)
        after_thanks = await server.services.escalations.get(escalation.id)
        assert after_thanks.snooze is not None and after_thanks.snooze.quiet_replies == 1
        assert await snoozes.customer_wrote(after_thanks, "ok but when does it arrive?", time.time()) is False
        reopened = await next_push(ws, "escalation.reopened")
    assert reopened["data"]["escalation_id"] == escalation.id and reopened["data"]["woken_by"] == "reply"
    after = await server.services.escalations.get(escalation.id)
    assert after.snooze is None and after.state == "accepted" and after.agent == "maya"
    await maya.aclose()


async def test_a_reply_while_the_agent_is_offline_puts_it_back_in_the_team_queue(server: Server) -> None:
    escalation = await claimed(server)
    maya = await server.login("maya")
    await maya.put("/agents/me/presence", json={"status": "offline"})
    assert (await maya.put(f"/escalations/{escalation.id}/snooze", json={})).status_code == 200
    current = await server.services.escalations.get(escalation.id)
    assert await server.services.snoozes.customer_wrote(current, "it still has not come", time.time()) is False
    after = await server.services.escalations.get(escalation.id)
    assert (after.state, after.agent, after.snooze) == ("queued", None, None)
    assert after.states[-1].detail == "snooze ended (reply); maya offline"
    assert escalation.id in await server.services.queue.ordered()
    await maya.aclose()


async def test_a_due_snooze_survives_a_restart_and_two_replicas_wake_it_once(redis_url: str, tmp_path: Path) -> None:
    database_url = f"sqlite:///{tmp_path / 'handoff.db'}"
    fast = {"HANDOFF_SNOOZE_CHECK_SECONDS": 0.1}
    async with Server(handoff_settings(redis_url, database_url, tmp_path, **fast)) as first:
        escalation = await claimed(first)
        maya = await first.login("maya")
        await maya.put("/agents/me/presence", json={"status": "online"})
        snoozed = await maya.put(f"/escalations/{escalation.id}/snooze", json={"until": time.time() + 2.0})
        assert snoozed.status_code == 200
        await maya.aclose()
    # The first replica is gone before the snooze is due; two new ones share the store and Redis,
    # and every console push of either goes through this channel.
    redis = Redis.from_url(redis_url)
    pubsub = redis.pubsub(ignore_subscribe_messages=True)
    await pubsub.subscribe(f"{first.settings.key_prefix}:live")
    pushes: list[dict] = []
    async with (Server(handoff_settings(redis_url, database_url, tmp_path, **fast)) as one,
                Server(handoff_settings(redis_url, database_url, tmp_path, **fast)) as two):
        deadline = time.monotonic() + 6.0
        while time.monotonic() < deadline:
            raw = await pubsub.get_message(timeout=0.2)
            if raw is not None and json.loads(raw["data"])["type"] == "escalation.reopened":
                pushes.append(json.loads(raw["data"]))
        woken = one.services.snoozes.woken + two.services.snoozes.woken
        after = await one.services.escalations.get(escalation.id)
    await pubsub.aclose()
    await redis.aclose()
    assert woken == 1
    assert [(p["data"]["escalation_id"], p["data"]["woken_by"], p["agents"]) for p in pushes] == [
        (escalation.id, "time", ["maya"])]
    assert after.snooze is None and after.state == "accepted"
    assert [c.detail for c in after.states].count("snooze ended (time)") == 1
