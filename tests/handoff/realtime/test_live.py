"""Real-time: WebSocket pushes to the right agents, across two replicas through Redis pub/sub,
re-announcement of unclaimed escalations, and presence that ends when the console closes."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from websockets.exceptions import ConnectionClosed

from tests.handoff.api.test_escalations_api import open_escalation
from tests.handoff.harness import Server, handoff_settings, next_push, no_push


async def test_a_bad_token_closes_the_socket_with_4401(server: Server) -> None:
    async with server.websocket("not-a-token") as ws:
        error = json.loads(await ws.recv())
        assert error["type"] == "error" and error["data"]["detail"].startswith("the token is not valid")
        try:
            await ws.recv()
        except ConnectionClosed as closed:
            assert closed.rcvd is not None and closed.rcvd.code == 4401
        else:
            raise AssertionError("the socket stayed open")


async def test_new_escalation_is_pushed_to_the_team_only(server: Server) -> None:
    maya, sam = await server.login("maya"), await server.login("sam")
    async with server.websocket(maya.token) as maya_ws, server.websocket(sam.token) as sam_ws:
        hello = await next_push(maya_ws, "hello")
        assert (hello["data"]["username"], hello["data"]["status"]) == ("maya", "online")
        await next_push(sam_ws, "hello")
        assert await server.services.presence.online_agents("returns") == ["maya"]
        escalation = await open_escalation(server, team="returns")
        pushed = await next_push(maya_ws, "escalation.new")
        assert pushed["data"]["id"] == escalation.id and pushed["data"]["reannounced"] == 0
        assert pushed["data"]["summary_line"].startswith("Wants to return")
        await no_push(sam_ws, "escalation.new", wait=0.5)

        await maya.post(f"/escalations/{escalation.id}/claim")
        claimed = await next_push(maya_ws, "escalation.updated")
        assert (claimed["data"]["state"], claimed["data"]["agent"]) == ("accepted", "maya")

        await server.services.escalations.record_customer_message(escalation.sender_id, "are you there?", 123.0)
        message = await next_push(maya_ws, "customer.message")
        assert message["data"] == {"escalation_id": escalation.id, "sender_id": escalation.sender_id,
                                   "text": "are you there?", "at": 123.0}
        await no_push(sam_ws, "customer.message", wait=0.3)

        await maya_ws.send(json.dumps({"type": "typing", "escalation_id": 999}))
        assert (await next_push(maya_ws, "error"))["data"]["detail"] == "no escalation 999"
        await maya_ws.send("typing, not JSON")
        assert "send JSON" in (await next_push(maya_ws, "error"))["data"]["detail"]


async def test_pushes_reach_consoles_on_another_replica(redis_url: str, tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path / 'shared.db'}"
    async with Server(handoff_settings(redis_url, database, tmp_path, HANDOFF_CONSUMER_NAME="a")) as one, \
               Server(handoff_settings(redis_url, database, tmp_path, HANDOFF_CONSUMER_NAME="b")) as two:
        maya_on_two, admin_on_one = await two.login("maya"), await one.login("admin")
        async with two.websocket(maya_on_two.token) as ws:
            await next_push(ws, "hello")
            escalation = await open_escalation(one)  # opened on replica one
            assert (await next_push(ws, "escalation.new"))["data"]["id"] == escalation.id
            # A claim race across replicas: still exactly one winner.
            results = await asyncio.gather(admin_on_one.post(f"/escalations/{escalation.id}/claim"),
                                           maya_on_two.post(f"/escalations/{escalation.id}/claim"))
            assert sorted(r.status_code for r in results) == [200, 409]
            assert (await next_push(ws, "escalation.updated"))["data"]["state"] == "accepted"


async def test_unclaimed_escalation_is_raised_and_announced_again(redis_url: str, tmp_path: Path) -> None:
    settings = handoff_settings(redis_url, f"sqlite:///{tmp_path / 'h.db'}", tmp_path, HANDOFF_REANNOUNCE_SECONDS=0.6)
    async with Server(settings) as server:
        maya = await server.login("maya")
        async with server.websocket(maya.token) as ws:
            await next_push(ws, "hello")
            escalation = await open_escalation(server, frustration=0.5)
            first = await next_push(ws, "escalation.new")
            again = await next_push(ws, "escalation.new", timeout=5)
            assert again["data"]["id"] == escalation.id and again["data"]["reannounced"] == 1
            # 25 points for being re-announced, on top of what waiting added.
            assert again["data"]["priority"] - first["data"]["priority"] >= 25
            third = await next_push(ws, "escalation.new", timeout=5)
            assert third["data"]["reannounced"] == 2
            await maya.post(f"/escalations/{escalation.id}/claim")
            await no_push(ws, "escalation.new", wait=1.5)
            assert server.services.reannouncer.reannounced >= 2


async def test_closed_console_goes_offline_when_presence_runs_out(redis_url: str, tmp_path: Path) -> None:
    settings = handoff_settings(redis_url, f"sqlite:///{tmp_path / 'h.db'}", tmp_path, HANDOFF_PRESENCE_TTL_SECONDS=3)
    async with Server(settings) as server:
        presence = server.services.presence
        maya = await server.login("maya")
        async with server.websocket(maya.token) as ws:
            await next_push(ws, "hello")
            await ws.send(json.dumps({"type": "presence", "status": "away"}))
            assert (await next_push(ws, "presence"))["data"]["status"] == "away"
            await ws.send(json.dumps({"type": "presence", "status": "online"}))
            await next_push(ws, "presence")
            await asyncio.sleep(4)  # longer than the TTL: the open socket's heartbeat keeps her online
            assert await presence.online_agents("returns") == ["maya"]
        await asyncio.sleep(3.5)
        assert await presence.online_agents("returns") == []
        assert (await maya.get("/agents/me")).json()["status"] == "offline"


async def test_agent_typing_reaches_the_other_consoles_of_the_conversation(server: Server) -> None:
    escalation = await open_escalation(server)
    maya, admin = await server.login("maya"), await server.login("admin")
    await maya.post(f"/escalations/{escalation.id}/claim")
    async with server.websocket(maya.token) as maya_ws, server.websocket(admin.token) as admin_ws:
        await next_push(maya_ws, "hello")
        await next_push(admin_ws, "hello")
        await maya_ws.send(json.dumps({"type": "typing", "escalation_id": str(escalation.id)}))
        typing = await next_push(admin_ws, "agent.typing")
        assert (typing["data"]["escalation_id"], typing["data"]["agent"]) == (escalation.id, "maya")
        await maya_ws.send(json.dumps({"type": "typing", "escalation_id": True}))
        assert (await next_push(maya_ws, "error"))["data"]["detail"] == "typing needs an integer escalation_id"
        assert (await maya.post(f"/escalations/{escalation.id}/typing")).status_code == 204
        await next_push(admin_ws, "agent.typing")
