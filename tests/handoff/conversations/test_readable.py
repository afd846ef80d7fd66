"""handoff/conversations/readable.py: the transcript as people read it, from real stream events."""

from __future__ import annotations

import json
from typing import Any

from handoff.conversations.readable import readable
from handoff.stream.events import StreamEvent

SIZES = [{"title": "M, oatmeal", "payload": '/inform{"exchange_sku": "WOOL-SWEATER-M-OATMEAL"}'},
         {"title": "L, navy", "payload": '/inform{"exchange_sku": "WOOL-SWEATER-L-NAVY"}'}]


def entry(number: int, event: dict[str, Any]) -> dict[str, Any]:
    line = StreamEvent.from_entry(f"{number}-0", {"sender_id": "c1", "type": event["event"],
                                                  "event": json.dumps(event)}).transcript_entry(4000)
    assert line is not None
    return line


def user(number: int, text: str, intent: str = "inform", **more: Any) -> dict[str, Any]:
    return entry(number, {"event": "user", "text": text, "timestamp": float(number),
                          "parse_data": {"intent": {"name": intent, "confidence": 0.9}}, **more})


def bot(number: int, text: str, **more: Any) -> dict[str, Any]:
    return entry(number, {"event": "bot", "text": text, "timestamp": float(number), **more})


def test_a_pressed_button_reads_as_its_title_and_is_marked() -> None:
    lines = readable([
        bot(1, "Which size instead?", data={"buttons": SIZES}),
        user(2, SIZES[0]["payload"]),
        bot(3, "Do you want the label by email?", data={"quick_replies": [
            {"title": "Yes, email me", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}]}),
        user(4, "/deny", "deny"),
    ])
    customer = [line for line in lines if line["role"] == "customer"]
    assert [(line["text"], line["pressed"]) for line in customer] == [
        ("M, oatmeal", SIZES[0]["payload"]), ("No", "/deny")]
    assert all("buttons" not in line for line in lines)


def test_a_payload_the_bot_did_not_offer_just_then_is_shown_as_typed() -> None:
    lines = readable([
        bot(1, "Which size instead?", data={"buttons": SIZES}),
        user(2, "hmm let me think"),
        # The buttons were for the previous message: payload_guard read this one as words.
        user(3, SIZES[1]["payload"]),
        user(4, "/affirm", "affirm"),
    ])
    assert [(line["text"], "pressed" in line) for line in lines[1:]] == [
        ("hmm let me think", False), (SIZES[1]["payload"], False), ("/affirm", False)]


def test_external_triggers_and_internal_intents_are_nobodys_words() -> None:
    lines = readable([
        entry(1, {"event": "bot", "text": "Maya has left the chat.", "timestamp": 1.0,
                  "metadata": {"agent": "Maya", "kind": "agent_left"}}),
        user(2, "EXTERNAL: handback", "handback", metadata={"is_external": True}),
        bot(3, "You're back with the Larkspur assistant."),
        # Typed by a customer, it is words, whatever the metadata claims.
        user(4, "EXTERNAL: greet", "greet"),
        user(5, "EXTERNAL: handback please", "handback"),
    ])
    assert [(line["role"], line["text"]) for line in lines] == [
        ("system", "Maya has left the chat."), ("bot", "You're back with the Larkspur assistant."),
        ("customer", "EXTERNAL: greet")]


def test_notices_are_system_lines_and_an_agents_words_stay_theirs() -> None:
    joined = {"agent": "Maya", "kind": "agent_joined"}
    said = {"agent": "Maya", "kind": "agent_message"}
    lines = readable([
        entry(1, {"event": "bot", "text": "Maya from Larkspur & Co. has joined the chat.", "metadata": joined}),
        entry(2, {"event": "bot", "text": "Hi, I'm Maya.", "metadata": said}),
    ])
    assert [(line["role"], line["agent"]) for line in lines] == [("system", "Maya"), ("agent", "Maya")]


def test_a_message_that_reached_the_bot_twice_shows_once() -> None:
    lines = readable([
        user(1, "is it shipped yet?", message_id="17333-4"),
        bot(2, "Let me look."),
        user(3, "is it shipped yet?", message_id="17333-4"),
        user(4, "is it shipped yet?", message_id="17333-5"),  # sent again on purpose: a new id
    ])
    assert [line["id"] for line in lines] == ["1-0", "2-0", "4-0"]


def test_a_bot_events_buttons_are_bounded() -> None:
    many = [{"title": f"Option {n}", "payload": f"/choose{{\"n\": {n}}}"} for n in range(100)]
    line = bot(1, "Pick one", data={"buttons": [*many, "junk", {"title": 5}]})
    assert len(line["buttons"]) == 20
