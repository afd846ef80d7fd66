"""The agent's REST API on escalations: queue, access checks, the atomic claim, notes,
transfers, bad input, and what happens when Rasa does not answer (nothing is lost)."""

from __future__ import annotations

import asyncio
import datetime
import json
import time

import httpx
import pytest
from sqlalchemy import text

from handoff.errors import Invalid
from handoff.store import Escalation
from handoff.store import escalations as rows
from tests.handoff.harness import Server

PACKET = {"summary_line": "Wants to return the wool sweater from LK-100232 (frustration)",
          "identity": {"order_number": "LK-100232", "email": "omar.h@example.com", "verified": True},
          "slots": {"order_number": "LK-100232", "return_items": ["wool sweater (L)"]}}


async def open_escalation(server: Server, sender: str = "web-omar", team: str = "returns",
                          frustration: float = 0.7) -> Escalation:
    return await server.services.escalations.open(sender_id=sender, channel="socketio", reason="frustration",
                                                  team=team, frustration=frustration, packet=PACKET)


async def test_queue_lists_what_the_agent_may_see_by_priority(server: Server) -> None:
    calm = await open_escalation(server, "calm", frustration=0.1)
    angry = await open_escalation(server, "angry", frustration=0.95)
    parcel = await open_escalation(server, "parcel", team="delivery")
    maya, sam, admin = await server.login("maya"), await server.login("sam"), await server.login("admin")
    queue = (await maya.get("/escalations", params={"state": "queued"})).json()
    assert [e["id"] for e in queue] == [angry.id, calm.id]
    first = queue[0]
    assert first["summary_line"] == PACKET["summary_line"] and first["channel"] == "socketio"
    assert first["priority"] > queue[1]["priority"] and first["waiting_seconds"] >= 0
    assert set(first) >= {"id", "sender_id", "channel", "reason", "team", "priority", "state", "waiting_seconds",
                          "summary_line", "agent", "created_at"}
    assert [e["id"] for e in (await sam.get("/escalations")).json()] == [parcel.id]
    assert len((await admin.get("/escalations")).json()) == 3
    bad = await maya.get("/escalations", params={"state": "lost"})
    assert bad.status_code == 422 and "unknown state 'lost'" in bad.json()["detail"]


async def test_detail_404_403_and_the_packet(server: Server) -> None:
    escalation = await open_escalation(server)
    maya, sam = await server.login("maya"), await server.login("sam")
    detail = (await maya.get(f"/escalations/{escalation.id}")).json()
    assert detail["packet"] == PACKET and detail["notes"] == [] and detail["csat"] is None
    assert [s["state"] for s in detail["states"]] == ["initiated", "queued"]
    missing = await maya.get("/escalations/4242")
    assert (missing.status_code, missing.json()) == (404, {"detail": "no escalation 4242"})
    foreign = await sam.get(f"/escalations/{escalation.id}")
    assert foreign.status_code == 403
    assert foreign.json()["detail"] == (f"escalation {escalation.id} belongs to the returns team; "
                                        "you are in delivery, general")
    assert (await sam.get(f"/escalations/{escalation.id}/transcript")).status_code == 403
    not_a_number = await maya.get("/escalations/abc")
    assert not_a_number.status_code == 422 and "escalation_id" in not_a_number.json()["detail"]


async def test_claim_by_the_wrong_team_is_403(server: Server) -> None:
    escalation = await open_escalation(server, team="returns")
    sam = await server.login("sam")
    response = await sam.post(f"/escalations/{escalation.id}/claim")
    assert response.status_code == 403
    assert response.json()["detail"] == (f"escalation {escalation.id} is for the returns team; "
                                         "you are in delivery, general")
    assert (await server.services.escalations.get(escalation.id)).state == "queued"


async def test_many_agents_claim_at_once_and_exactly_one_wins(server: Server) -> None:
    escalation = await open_escalation(server)
    accounts = server.services.accounts
    for i in range(6):
        await accounts.create(username=f"agent{i}", password="long enough", display_name=f"Agent {i}",
                              teams=["returns"])
    clients = [await server.login("maya"), await server.login("admin")]
    clients += [await server.login(f"agent{i}", "long enough") for i in range(6)]
    responses = await asyncio.gather(*(c.post(f"/escalations/{escalation.id}/claim") for c in clients))
    winners = [r for r in responses if r.status_code == 200]
    assert len(winners) == 1, [r.json() for r in responses]
    winner = winners[0].json()
    assert winner["state"] == "accepted" and [s["state"] for s in winner["states"]][-1] == "accepted"
    others = [r for r in responses if r.status_code != 200]
    expected = (409, f"already claimed by {winner['agent_name']}")
    assert {(r.status_code, r.json()["detail"]) for r in others} == {expected}
    assert await server.services.queue.ordered() == []  # out of the queue
    for client in clients:
        await client.aclose()


async def test_messages_notes_and_bad_input(server: Server) -> None:
    escalation = await open_escalation(server)
    maya, admin = await server.login("maya"), await server.login("admin")
    before_claim = await maya.post(f"/escalations/{escalation.id}/messages", json={"text": "Hello"})
    assert (before_claim.status_code, before_claim.json()["detail"]) == (403, "claim this conversation before you "
                                                                         "write to the customer")
    assert (await maya.post(f"/escalations/{escalation.id}/claim")).status_code == 200
    for body, says in (({"text": ""}, "the message is empty: write something first"),
                       ({"text": "   \n "}, "the message is empty: write something first"),
                       ({}, "text: Field required"),
                       ({"text": 5}, "text: Input should be a valid string")):
        response = await maya.post(f"/escalations/{escalation.id}/messages", json=body)
        assert (response.status_code, response.json()["detail"]) == (422, says)
    raw = await maya.post(f"/escalations/{escalation.id}/messages", content=b"{text: hi",
                          headers={"Content-Type": "application/json"})
    assert (raw.status_code, raw.json()["detail"]) == (
        422, "the body is not valid JSON (Expecting property name enclosed in double quotes)")
    # A lone surrogate is valid JSON but not UTF-8: the 422 must still encode (it was a 500).
    lone = await maya.post(f"/escalations/{escalation.id}/messages", content=b'{"t\\ud800xt": "\\ud800"}',
                           headers={"Content-Type": "application/json"})
    assert lone.status_code == 422 and lone.json()["detail"] == "text: Field required"
    assert "input" not in lone.json()["errors"][0]  # the client's own body is not echoed back
    # Rasa is not running in this test: the agent is told, and nothing changed.
    down = await maya.post(f"/escalations/{escalation.id}/messages", json={"text": "Hello Omar"})
    assert down.status_code == 502 and down.json()["detail"].startswith("Rasa could not be reached")
    note = await admin.post(f"/escalations/{escalation.id}/notes", json={"text": "VIP customer, be generous"})
    assert note.status_code == 201 and note.json()["author"] == "admin"
    empty_note = await maya.post(f"/escalations/{escalation.id}/notes", json={"text": " "})
    assert (empty_note.status_code, empty_note.json()["detail"]) == (422, "the note is empty: write something first")
    detail = (await maya.get(f"/escalations/{escalation.id}")).json()
    assert [(n["author_name"], n["text"]) for n in detail["notes"]] == [("Admin", "VIP customer, be generous")]
    assert detail["state"] == "accepted" and detail["agent"] == "maya"


async def test_resolve_when_rasa_is_down_loses_nothing(server: Server) -> None:
    escalation = await open_escalation(server)
    maya = await server.login("maya")
    await maya.post(f"/escalations/{escalation.id}/claim")
    response = await maya.post(f"/escalations/{escalation.id}/resolve", json={"outcome": "resolved", "handback": True})
    assert response.status_code == 502
    assert (await server.services.escalations.get(escalation.id)).state == "accepted"
    bad = await maya.post(f"/escalations/{escalation.id}/resolve", json={"outcome": "shrug"})
    assert bad.status_code == 422 and bad.json()["detail"].startswith("outcome: Input should be")
    closing = await maya.post(f"/escalations/{escalation.id}/close", json={"outcome": "unnecessary"})
    assert closing.status_code == 502
    assert (await server.services.escalations.get(escalation.id)).state == "accepted"


async def test_transfer_to_team_and_to_agent(server: Server) -> None:
    escalation = await open_escalation(server)
    maya, sam, admin = await server.login("maya"), await server.login("sam"), await server.login("admin")
    await maya.post(f"/escalations/{escalation.id}/claim")
    url = f"/escalations/{escalation.id}/transfer"
    assert (await sam.post(url, json={"team": "delivery", "note": "n"})).status_code == 403
    nobody = await maya.post(url, json={"agent": "ghost", "note": "over to you"})
    assert (nobody.status_code, nobody.json()["detail"]) == (404, "no agent named 'ghost'")
    offline = await maya.post(url, json={"agent": "sam", "note": "over to you"})
    assert (offline.status_code, offline.json()["detail"]) == (
        409, "Sam is offline, not online; choose someone online or a team")
    bad_team = await maya.post(url, json={"team": "billing", "note": "over to you"})
    assert bad_team.status_code == 422
    no_note = await maya.post(url, json={"team": "delivery", "note": "  "})
    assert (no_note.status_code, no_note.json()["detail"]) == (422, "the transfer note is empty: write something first")
    assert (await maya.post(url, json={"team": "delivery"})).status_code == 422
    assert (await maya.get(f"/escalations/{escalation.id}")).json()["state"] == "accepted"  # nothing moved

    moved = await maya.post(url, json={"team": "delivery", "note": "parcel question, not a return"})
    assert moved.status_code == 200
    assert (moved.json()["state"], moved.json()["team"], moved.json()["agent"]) == ("queued", "delivery", None)
    assert (await maya.get(f"/escalations/{escalation.id}")).status_code == 403  # no longer her team's
    assert (await sam.post(f"/escalations/{escalation.id}/claim")).status_code == 200

    await admin.put("/agents/me/presence", json={"status": "online"})
    given = await sam.post(url, json={"agent": "admin", "note": "needs a refund approval"})
    assert given.status_code == 200 and (given.json()["agent"], given.json()["state"]) == ("admin", "accepted")
    assert given.json()["states"][-1]["detail"] == "transferred from sam to admin"
    assert given.json()["transfer"]["note"] == "needs a refund approval"


async def test_csat_follow_up_and_customer_history(server: Server) -> None:
    service = server.services.escalations
    first = await open_escalation(server, "web-omar")
    assert (await open_escalation(server, "web-omar")).id == first.id  # one open escalation per conversation
    followed = await service.record_follow_up("web-omar", "Omar.H@example.com")
    assert (followed.follow_up, followed.follow_up_email, followed.state) == ("email", "omar.h@example.com", "queued")
    failed = await service.fail(first.id, detail_text="outside support hours; e-mail follow-up")
    assert (failed.state, failed.outcome) == ("failed", "follow_up")
    assert await service.active_for("web-omar") is None
    second = await open_escalation(server, "web-omar")
    assert [e.id for e in await service.history_for(email="omar.h@example.com")] == [second.id, first.id]
    await service.record_csat("web-omar", 5, "no completed escalation yet")  # nothing to attach it to
    assert (await service.get(first.id)).csat_rating is None


async def test_transcript_follows_the_stream(server: Server) -> None:
    escalation = await open_escalation(server, "web-omar")
    redis = server.services.redis
    for event in ({"event": "user", "text": "I want to return my sweater", "timestamp": 10.0,
                   "input_channel": "socketio",
                   "parse_data": {"intent": {"name": "request_return", "confidence": 0.9}}},
                  {"event": "bot", "text": "Which order?", "timestamp": 11.0},
                  {"event": "bot", "text": "Hi, I'm Maya", "timestamp": 12.0, "metadata": {"agent": "Maya"}}):
        await redis.xadd("test:events", {"sender_id": "web-omar", "type": event["event"], "event": json.dumps(event)})
    maya = await server.login("maya")
    async with asyncio.timeout(10):
        while len(lines := (await maya.get(f"/escalations/{escalation.id}/transcript")).json()) < 3:
            await asyncio.sleep(0.05)
    assert [(line["role"], line["text"], line["time"]) for line in lines] == [
        ("customer", "I want to return my sweater", 10.0), ("bot", "Which order?", 11.0),
        ("agent", "Hi, I'm Maya", 12.0)]


async def test_an_old_escalation_shows_its_own_stretch_of_the_conversation(server: Server) -> None:
    """Issue 19, finding 7: a closed escalation showed the whole live conversation, later ones of
    other teams included."""
    services, redis = server.services, server.services.redis
    first = await open_escalation(server, "web-omar", team="returns")
    await services.db.run(lambda s: rows.close(s, first.id, state="completed", outcome="resolved", by="maya",
                                               detail=None, now=time.time()))
    await asyncio.sleep(0.05)
    second = await open_escalation(server, "web-omar", team="delivery")
    later = {"event": "bot", "text": "Sam here, your new address is 12 Elm St", "timestamp": time.time() + 1,
             "metadata": {"agent": "Sam"}}
    earlier = {"event": "user", "text": "my sweater is too small", "timestamp": first.created_at + 0.001,
               "input_channel": "socketio"}
    for event in (earlier, later):
        await redis.xadd("test:events", {"sender_id": "web-omar", "type": event["event"], "event": json.dumps(event)})
    maya, sam, admin = await server.login("maya"), await server.login("sam"), await server.login("admin")
    async with asyncio.timeout(10):
        while len((await admin.get(f"/escalations/{second.id}/transcript")).json()) < 2:
            await asyncio.sleep(0.05)
    assert [line["text"] for line in (await maya.get(f"/escalations/{first.id}/transcript")).json()] == [
        "my sweater is too small"]
    assert [line["text"] for line in (await admin.get(f"/escalations/{first.id}/transcript")).json()] == [
        "my sweater is too small"]
    # Sam's team (delivery) holds the conversation now, but the returns stretch is not theirs.
    assert [line["text"] for line in (await sam.get(f"/escalations/{second.id}/transcript")).json()] == [
        "Sam here, your new address is 12 Elm St"]
    assert len((await admin.get(f"/escalations/{second.id}/transcript")).json()) == 2


async def test_the_packet_leaves_out_what_other_teams_handled(server: Server) -> None:
    services = server.services
    parcel = await open_escalation(server, "web-liam", team="delivery")
    await services.db.run(lambda s: rows.close(s, parcel.id, state="completed", outcome="resolved", by="sam",
                                               detail=None, now=parcel.created_at + 10))
    packet = {"summary_line": "wants a refund",
              "transcript": [{"role": "customer", "text": "where is my parka", "time": parcel.created_at + 1},
                             {"role": "agent", "text": "Sam: it is at the depot", "time": parcel.created_at + 2},
                             {"role": "customer", "text": "now I want a refund", "time": parcel.created_at + 20}],
              "earlier_escalations": [{"id": parcel.id, "team": "delivery", "summary_line": "late parka"},
                                      {"id": 99, "team": "returns", "summary_line": "old return"}]}
    refund = await services.escalations.open(sender_id="web-liam", channel="rest", reason="frustration",
                                             team="returns", frustration=0.3, packet=packet)
    maya, admin = await server.login("maya"), await server.login("admin")
    seen = (await maya.get(f"/escalations/{refund.id}")).json()["packet"]
    assert [line["text"] for line in seen["transcript"]] == ["now I want a refund"]
    assert [e["summary_line"] for e in seen["earlier_escalations"]] == ["old return"]
    assert (await admin.get(f"/escalations/{refund.id}")).json()["packet"] == packet


async def test_canned_responses_and_knowledge_search_need_a_login(server: Server) -> None:
    maya = await server.login("maya")
    canned = (await maya.get("/canned-responses")).json()
    assert {"id", "title", "text", "team"} <= set(canned[0]) and any(c["id"] == "lost-parcel" for c in canned)
    async with httpx.AsyncClient(base_url=server.url, trust_env=False) as anonymous:
        assert (await anonymous.get("/canned-responses")).status_code == 401
    empty = await maya.get("/knowledge/search", params={"q": "  "})
    assert (empty.status_code, empty.json()["detail"]) == (422, "the query is empty: pass what to look for as ?q=")


async def test_odd_packets_and_ratings(server: Server) -> None:
    service = server.services.escalations
    opened = await service.open(sender_id="odd", channel=None, reason="frustration", team="general", frustration=0.2,
                                packet={"checked_at": datetime.datetime(2026, 1, 2, 3, 4, 5), "tags": {"x"}})
    assert (await service.get(opened.id)).packet == {"checked_at": "2026-01-02 03:04:05", "tags": "{'x'}"}
    for rating in (0, 6, "4.5", 4.5, True, None):  # one parser for the bot and the service: contract/csat.py
        with pytest.raises(Invalid, match="a CSAT rating is a whole number from 1 to 5"):
            await service.record_csat("odd", rating, None)  # type: ignore[arg-type]


async def test_a_database_that_fails_gives_503_not_500(server: Server) -> None:
    escalation = await open_escalation(server)
    maya = await server.login("maya")
    await server.services.db.run(lambda s: s.execute(text("DROP TABLE escalation_notes")))
    response = await maya.post(f"/escalations/{escalation.id}/notes", json={"text": "lost?"})
    assert response.status_code == 503
    assert response.json()["detail"].startswith("the database is not answering (OperationalError)")
