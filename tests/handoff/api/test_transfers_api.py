"""Transfers as issue 24 asks, over HTTP on SQLite and PostgreSQL: the picker of agents and teams
with presence and load (each agent sees only whom they may), a required note the receiving agent
reads first with the customer's unanswered words beside it, clear refusals that move nothing,
and the panel's "told" lines from what the engine really sent."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from handoff.store import Database, Escalation
from tests.handoff.databases import empty
from tests.handoff.harness import Server, handoff_settings, next_push

PACKET = {"summary_line": "Parcel LK-100235 is late", "identity": {"order_number": "LK-100235", "verified": True}}


@pytest.fixture
async def server(redis_url: str, database_url: str, tmp_path: Path) -> AsyncIterator[Server]:
    """One replica on real Redis and on each database (the shared `server` is SQLite only)."""
    empty(Database(database_url).engine)
    async with Server(handoff_settings(redis_url, database_url, tmp_path)) as running:
        yield running


async def opened(server: Server, sender: str = "web-liam", team: str = "returns") -> Escalation:
    return await server.services.escalations.open(sender_id=sender, channel="socketio", reason="frustration",
                                                  team=team, frustration=0.6, packet=PACKET)


async def said(server: Server, sender: str, *events: dict[str, Any]) -> None:
    """Events on the stream as Rasa's broker writes them; waits until the transcript has them."""
    for event in events:
        await server.services.redis.xadd("test:events", {"sender_id": sender, "type": event["event"],
                                                         "event": json.dumps(event)})
    async with asyncio.timeout(10):
        while len(await server.services.conversations.transcript(sender)) < len(events):
            await asyncio.sleep(0.05)


async def test_the_picker_shows_presence_and_load_and_only_whom_an_agent_may_see(server: Server) -> None:
    services = server.services
    await services.accounts.create(username="rita", password="rita-password-123", display_name="Rita",
                                   role="agent", teams=["delivery"])
    held = await opened(server, "web-held", team="general")
    sweater = await opened(server)
    await opened(server, "web-waiting", team="returns")
    maya, sam, admin = await server.login("maya"), await server.login("sam"), await server.login("admin")
    await sam.post(f"/escalations/{held.id}/claim")
    await maya.post(f"/escalations/{sweater.id}/claim")
    await sam.put("/agents/me/presence", json={"status": "online"})
    await admin.put("/agents/me/presence", json={"status": "away"})

    picker = (await maya.get(f"/escalations/{sweater.id}/transfer-targets")).json()
    agents = {a["username"]: a for a in picker["agents"]}
    assert set(agents) == {"maya", "sam", "admin"}  # Rita works only in delivery: not maya's to see
    assert (agents["sam"]["status"], agents["sam"]["load"], agents["sam"]["available"]) == ("online", 1, True)
    assert (agents["admin"]["status"], agents["admin"]["available"], agents["admin"]["why_not"]) == (
        "away", False, "away")
    assert (agents["maya"]["is_me"], agents["maya"]["why_not"], agents["maya"]["load"]) == (True, "holds it now", 1)
    assert picker["agents"][0]["username"] == "sam"  # who can take it first
    teams = {t["team"]: t for t in picker["teams"]}
    assert (teams["returns"]["waiting"], teams["returns"]["current"], teams["general"]["online"]) == (1, True, 1)
    assert teams["delivery"]["name"] == "our delivery team"

    everyone = (await admin.get(f"/escalations/{sweater.id}/transfer-targets")).json()
    assert {a["username"] for a in everyone["agents"]} == {"maya", "sam", "admin", "rita"}
    assert (await sam.get(f"/escalations/{sweater.id}/transfer-targets")).status_code == 403  # not his team's


async def test_a_transfer_carries_the_note_and_the_unanswered_question(server: Server) -> None:
    sweater = await opened(server)
    start = sweater.created_at
    await said(server, "web-liam",
               {"event": "user", "text": "where is my parcel?", "timestamp": start + 1, "input_channel": "socketio"},
               {"event": "bot", "text": "Hi, Maya here. Let me look.", "timestamp": start + 2,
                "metadata": {"agent": "Maya", "kind": "agent_message"}},
               {"event": "user", "text": "it was due Monday", "timestamp": start + 3, "input_channel": "socketio"},
               {"event": "bot", "text": "Maya has joined the chat.", "timestamp": start + 3.5,
                "metadata": {"agent": "Maya", "kind": "agent_joined"}},
               {"event": "user", "text": "can you check with the carrier?", "timestamp": start + 4,
                "input_channel": "socketio"})
    maya, sam = await server.login("maya"), await server.login("sam")
    await maya.post(f"/escalations/{sweater.id}/claim")
    url = f"/escalations/{sweater.id}/transfer"

    # Refusals are clear and move nothing.
    not_his = await maya.post(url, json={"agent": "sam", "team": "returns", "note": "parcel, not a return"})
    assert (not_his.status_code, not_his.json()["detail"]) == (
        422, "Sam is not in the returns team; their teams are delivery, general")
    offline = await maya.post(url, json={"agent": "sam", "team": "delivery", "note": "parcel, not a return"})
    assert offline.status_code == 409 and offline.json()["detail"].startswith("Sam is offline")
    unchanged = (await maya.get(f"/escalations/{sweater.id}")).json()
    assert (unchanged["state"], unchanged["agent"], unchanged["team"], unchanged["transfers"]) == (
        "accepted", "maya", "returns", [])

    await sam.put("/agents/me/presence", json={"status": "online"})
    async with server.websocket(sam.token) as ws:  # type: ignore[attr-defined]
        await next_push(ws, "hello")
        moved = await maya.post(url, json={"agent": "sam", "team": "delivery",
                                           "note": "Late parcel; I promised a carrier check today"})
        assert moved.status_code == 200, moved.text
        pushed = (await next_push(ws, "escalation.transferred"))["data"]
    body = moved.json()
    assert (body["state"], body["agent"], body["team"]) == ("accepted", "sam", "delivery")
    transfer = body["transfer"]
    assert (transfer["by"], transfer["to_agent"], transfer["to_team"], transfer["note"]) == (
        "maya", "sam", "delivery", "Late parcel; I promised a carrier check today")
    # Since Maya last wrote, the customer said two things: Sam reads them first.
    assert [line["text"] for line in transfer["unanswered"]] == ["it was due Monday", "can you check with the carrier?"]
    assert pushed["escalation_id"] == sweater.id and pushed["transfer"]["note"] == transfer["note"]
    seen_by_sam = (await sam.get(f"/escalations/{sweater.id}")).json()
    assert seen_by_sam["transfer"] == transfer and seen_by_sam["transfers"] == [transfer]
    queue = (await sam.get("/escalations", params={"view": "mine"})).json()
    assert [c["transfer"]["note"] for c in queue] == [transfer["note"]]


async def test_a_transfer_to_a_team_requeues_with_the_note(server: Server) -> None:
    sweater = await opened(server)
    maya, sam = await server.login("maya"), await server.login("sam")
    await maya.post(f"/escalations/{sweater.id}/claim")
    moved = (await maya.post(f"/escalations/{sweater.id}/transfer",
                             json={"team": "delivery", "note": "Parcel question"})).json()
    assert (moved["state"], moved["team"], moved["agent"], moved["transfer"]["to_agent"]) == (
        "queued", "delivery", None, None)
    card = next(c for c in (await sam.get("/escalations", params={"view": "unassigned"})).json()
                if c["id"] == sweater.id)
    assert card["transfer"]["note"] == "Parcel question" and card["transfer"]["by_name"] == "Maya"
    closed_too = await maya.post(f"/escalations/{sweater.id}/transfer", json={"team": "general", "note": "x"})
    assert closed_too.status_code == 403  # not hers any more


async def test_told_is_what_the_engine_sent_once_per_line(server: Server) -> None:
    service = server.services.escalations
    sweater = await opened(server)
    sent = "Someone from our returns team will join this chat shortly. You're next in line."
    for _ in range(2):  # a stream entry delivered again
        await service.record_line("web-liam", {"id": "5-0", "role": "bot", "text": sent, "time": 5.0})
    await service.record_line("web-liam", {"id": "6-0", "role": "system", "text": "Maya has joined the chat.",
                                           "agent": "Maya", "kind": "agent_joined", "time": 6.0})
    maya = await server.login("maya")
    detail = (await maya.get(f"/escalations/{sweater.id}")).json()
    assert detail["glance"]["told"] == [f"told: {sent}"]
