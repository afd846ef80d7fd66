"""What the widget's history and the console's transcript show of a conversation (stream events
applied as the consumer applies them), and the widget's header by availability. In a browser
against the whole stack: tests/e2e/test_transcripts.py."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx

from handoff.stream.events import StreamEvent
from tests.handoff.api.test_escalations_api import open_escalation
from tests.handoff.harness import Server, handoff_settings

SENDER_BUTTONS = [{"title": "Yes, email me", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}]


async def apply(server: Server, sender: str, events: list[dict[str, Any]], first: int = 1) -> None:
    for number, event in enumerate(events, start=first):
        stream_event = StreamEvent.from_entry(f"{number}-0", {"sender_id": sender, "type": event["event"],
                                                             "event": json.dumps(event)})
        assert await server.services.conversations.apply(stream_event)


CONVERSATION = [
    {"event": "user", "text": "my parcel never came", "message_id": "w-1", "timestamp": 1.0},
    {"event": "bot", "text": "Shall a person email you?", "data": {"buttons": SENDER_BUTTONS}, "timestamp": 2.0},
    {"event": "user", "text": "/deny", "message_id": "w-2", "timestamp": 3.0,
     "parse_data": {"intent": {"name": "deny", "confidence": 1.0}}},
    {"event": "bot", "text": "Maya from Larkspur & Co. has joined the chat.", "timestamp": 4.0,
     "metadata": {"agent": "Maya", "kind": "agent_joined"}},
    {"event": "bot", "text": "Hi, I'm Maya.", "timestamp": 5.0, "metadata": {"agent": "Maya", "kind": "agent_message"}},
    {"event": "user", "text": "thanks", "message_id": "w-3", "timestamp": 6.0},
    {"event": "user", "text": "thanks", "message_id": "w-3", "timestamp": 6.5},  # resent after a reload
    {"event": "bot", "text": "Maya has left the chat.", "timestamp": 7.0,
     "metadata": {"agent": "Maya", "kind": "agent_left"}},
    {"event": "user", "text": "EXTERNAL: handback", "timestamp": 8.0, "metadata": {"is_external": True},
     "parse_data": {"intent": {"name": "handback", "confidence": 1.0}}},
    {"event": "bot", "text": "You're back with the Larkspur assistant.", "timestamp": 9.0},
]
SHOWN = [
    ("customer", "my parcel never came"), ("bot", "Shall a person email you?"), ("customer", "No"),
    ("system", "Maya from Larkspur & Co. has joined the chat."), ("agent", "Hi, I'm Maya."), ("customer", "thanks"),
    ("system", "Maya has left the chat."), ("bot", "You're back with the Larkspur assistant."),
]


async def test_the_widgets_history_shows_what_people_said_and_did(server: Server) -> None:
    async with httpx.AsyncClient(base_url=server.url, timeout=30, trust_env=False) as client:
        session = (await client.post("/widget/sessions")).json()
        await apply(server, session["session_id"], CONVERSATION)
        history = await client.get(f"/widget/history/{session['session_id']}",
                                   headers={"X-Widget-Secret": session["secret"]})
    messages = history.json()["messages"]
    assert [(m["role"], m["text"]) for m in messages] == SHOWN
    pressed = messages[2]
    assert (pressed["pressed"], pressed["message_id"]) == ("/deny", "w-2")
    assert [m["id"] for m in messages][:3] == ["1-0", "2-0", "3-0"]
    # Nothing of the machinery reaches the customer: no intents, no buttons' payloads as words.
    assert all(set(m) == {"id", "message_id", "role", "text", "agent", "kind", "pressed", "time"} for m in messages)


async def test_the_consoles_transcript_shows_it_too(server: Server) -> None:
    escalation = await open_escalation(server, sender="web-nora")
    maya = await server.login("maya")
    await apply(server, "web-nora", CONVERSATION)
    lines = (await maya.get(f"/escalations/{escalation.id}/transcript")).json()
    assert [(line["role"], line["text"]) for line in lines] == SHOWN
    assert lines[2]["pressed"] == "/deny"
    # The live pushes of the same lines: tests/handoff/engine/test_engine.py.


async def test_the_widgets_header_follows_availability(redis_url: str, tmp_path: Path) -> None:
    closed = handoff_settings(redis_url, f"sqlite:///{tmp_path / 'closed.db'}", tmp_path,
                              HANDOFF_SUPPORT_HOURS="Mon 08:00-08:01", HANDOFF_SUPPORT_TIMEZONE="UTC",
                              HANDOFF_SUPPORT_TIMEZONE_LABEL="UTC")
    async with Server(closed) as server, httpx.AsyncClient(base_url=server.url, trust_env=False) as client:
        away = (await client.get("/widget/availability")).json()
    # Open one minute a week: closed whenever this runs, but for that minute.
    if not away["people_available"]:
        assert away["status"].startswith("Our team is away until ")
        assert away["status"].endswith("at 8 am (UTC); the assistant can help now")
        assert "one message away" not in away["status"]

    always = handoff_settings(redis_url, f"sqlite:///{tmp_path / 'open.db'}", tmp_path,
                              HANDOFF_SUPPORT_HOURS="Mon-Sun 00:00-24:00")
    async with Server(always) as server, httpx.AsyncClient(base_url=server.url, trust_env=False) as client:
        nobody = (await client.get("/widget/availability"))
        assert nobody.headers["access-control-allow-origin"] == "*"
        assert nobody.json() == {"people_available": False,
                                 "status": "Our team is busy right now; the assistant can help"}
        maya = await server.login("maya")
        assert (await maya.put("/agents/me/presence", json={"status": "online"})).status_code == 200
        assert (await client.get("/widget/availability")).json() == {
            "people_available": True, "status": "A person is one message away"}
