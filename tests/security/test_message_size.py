"""Issue 19, finding 9 ("a 20,000-character message was stored whole") and the malformed bodies
the fuzz sends (bench/fuzz.py), replayed against the real processes (the `stack` fixture): every
channel refuses a message over the limit with a clear answer, nothing of it reaches the tracker or
the handoff service's transcript, the agents' API refuses one too, a transcript line written
around the channels is cut, and malformed REST and socket.io bodies get a clear refusal instead
of a 500 or an exception in Rasa's log."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx
import pytest

from bench.load.customers import SocketCustomer
from defaults import MAX_MESSAGE_CHARS
from tests.conftest import Stack

HUGE = 20_000


def rest(stack: Stack, body: Any) -> httpx.Response:
    # With Rasa's API JWT: harmless to Rasa's own REST channel, required by one closed to strangers.
    return httpx.post(f"{stack.url('rasa')}/webhooks/rest/webhook", json=body, headers=stack.rasa_headers(),
                      timeout=60)


def rest_raw(stack: Stack, raw: bytes) -> httpx.Response:
    return httpx.post(f"{stack.url('rasa')}/webhooks/rest/webhook", content=raw, timeout=60,
                      headers={**stack.rasa_headers(), "Content-Type": "application/json"})


def tracker_texts(stack: Stack, sender: str) -> list[str]:
    response = httpx.get(f"{stack.url('rasa')}/conversations/{sender}/tracker", headers=stack.rasa_headers(),
                         timeout=30)
    response.raise_for_status()
    return [event.get("text") or "" for event in response.json()["events"] if event.get("event") == "user"]


def widget_session(stack: Stack) -> dict[str, str]:
    response = httpx.post(f"{stack.url('handoff')}/widget/sessions", timeout=30)
    response.raise_for_status()
    return response.json()


def widget_history(stack: Stack, session: dict[str, str]) -> list[dict[str, Any]]:
    response = httpx.get(f"{stack.url('handoff')}/widget/history/{session['session_id']}",
                         headers={"X-Widget-Secret": session["secret"]}, timeout=30)
    response.raise_for_status()
    return response.json()["messages"]


def admin_headers(stack: Stack) -> dict[str, str]:
    response = httpx.post(f"{stack.url('handoff')}/auth/login",
                          json={"username": "admin", "password": stack.settings.demo_password}, timeout=30)
    response.raise_for_status()
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def rasa_log(stack: Stack) -> str:
    return (stack.logs / "rasa.log").read_text(errors="replace")


def test_an_oversized_rest_message_is_answered_and_goes_no_further(stack: Stack) -> None:
    sender = f"size-rest-{uuid.uuid4().hex[:8]}"
    response = rest(stack, {"sender": sender, "message": "x" * HUGE})
    assert response.status_code == 200, response.text
    replies = " ".join(reply.get("text") or "" for reply in response.json())
    assert "too long" in replies and f"{MAX_MESSAGE_CHARS:,}" in replies and f"{HUGE:,}" in replies
    assert all(len(text) <= MAX_MESSAGE_CHARS for text in tracker_texts(stack, sender))
    # A message at the limit is read as usual.
    at_limit = rest(stack, {"sender": sender, "message": "hello " + "a" * (MAX_MESSAGE_CHARS - 6)})
    assert at_limit.status_code == 200 and "too long" not in at_limit.text
    assert len(at_limit.json()) >= 1
    assert any(len(text) == MAX_MESSAGE_CHARS for text in tracker_texts(stack, sender))


async def _widget_says(stack: Stack, text: str) -> tuple[str, list[dict[str, Any]]]:
    """A widget visitor (a session from the handoff service, then socket.io) says `text`."""
    async with httpx.AsyncClient(timeout=30) as http:
        customer = SocketCustomer(http, stack.url("rasa"), stack.url("handoff"))
        await customer.open()
        try:
            _, replies = await customer.say(text, timeout=60)
            if not replies and await customer.wait_for_text("too long", 10) is not None:
                replies = [reply for _, reply in customer.received]
        finally:
            await customer.close()
    return customer.sender, replies


def test_an_oversized_widget_message_is_answered_and_not_stored(stack: Stack) -> None:
    sender, replies = asyncio.run(_widget_says(stack, "y" * HUGE))
    assert any("too long" in str(reply.get("text")) for reply in replies), replies
    assert all(len(text) <= MAX_MESSAGE_CHARS for text in tracker_texts(stack, sender))


def test_the_agents_api_refuses_an_oversized_message(stack: Stack) -> None:
    headers = admin_headers(stack)
    for route in ("messages", "notes"):
        response = httpx.post(f"{stack.url('handoff')}/escalations/1/{route}", headers=headers,
                              json={"text": "z" * (MAX_MESSAGE_CHARS + 1)}, timeout=30)
        assert response.status_code == 422, response.text
        assert f"at most {MAX_MESSAGE_CHARS} characters" in response.json()["detail"]


def test_a_transcript_line_written_around_the_channels_is_cut(stack: Stack) -> None:
    """Rasa's HTTP API (the handoff service's own way in) takes any event: the transcript the
    handoff service keeps from the stream still holds no line without bound."""
    session = widget_session(stack)
    sender = session["session_id"]
    event = {"event": "user", "text": "w" * HUGE, "parse_data": {"intent": {"name": "greet", "confidence": 1.0}}}
    response = httpx.post(f"{stack.url('rasa')}/conversations/{sender}/tracker/events", json=event,
                          headers=stack.rasa_headers(), timeout=30)
    assert response.status_code == 200, response.text

    async def stored() -> list[dict[str, Any]]:
        for _ in range(100):
            lines = widget_history(stack, session)
            if lines:
                return lines
            await asyncio.sleep(0.2)
        return []

    lines = asyncio.run(stored())
    assert lines, "the event never reached the transcript"
    assert all(len(line["text"]) <= 4 * MAX_MESSAGE_CHARS for line in lines)
    assert lines[0]["text"].startswith("w" * 100)


@pytest.mark.parametrize(("what", "body", "problem"), [
    ("a list", [{"sender": "x", "message": "hi"}], "JSON object"),
    ("no sender", {"message": "hello"}, "'sender' is required"),
    ("an object as sender", {"sender": {"id": 1}, "message": "hello"}, "'sender' must be text"),
    ("a number as message", {"sender": "size-int", "message": 42}, "'message' is required and must be text"),
    ("no message", {"sender": "size-none"}, "'message' is required"),
    ("metadata as text", {"sender": "size-meta", "message": "hi", "metadata": "{"}, "'metadata' must be"),
])
def test_a_malformed_rest_body_is_refused_in_words(stack: Stack, what: str, body: Any, problem: str) -> None:
    before = len(rasa_log(stack))
    response = rest(stack, body)
    assert response.status_code == 400, (what, response.status_code, response.text)
    assert problem in response.text
    assert "Traceback" not in rasa_log(stack)[before:]


def test_a_body_that_is_not_json_is_refused(stack: Stack) -> None:
    for raw in (b"{not json", b'{"sender": "x\xff", "message": "\xc3\x28"}', b""):
        response = rest_raw(stack, raw)
        assert 400 <= response.status_code < 500, (raw, response.status_code, response.text)


async def _socket_events(stack: Stack, events: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    """Every event the client was sent (of any name) after emitting `events`."""
    import socketio

    received: list[tuple[str, Any]] = []
    client = socketio.AsyncClient(reconnection=False)
    client.on("*", lambda event, data: received.append((event, data)))
    await client.connect(stack.url("rasa"), transports=["websocket"], wait_timeout=30)
    try:
        for event, data in events:
            await client.emit(event, data)
        for _ in range(50):
            if len(received) >= len(events):
                break
            await asyncio.sleep(0.1)
    finally:
        await client.disconnect()
    return received


def test_malformed_socketio_events_are_refused_without_an_exception(stack: Stack) -> None:
    before = len(rasa_log(stack))
    events: list[tuple[str, Any]] = [
        ("user_uttered", "hello"),
        ("user_uttered", {"message": 5, "session_id": "size-sio"}),
        ("user_uttered", {"message": "hi", "session_id": "size-sio", "metadata": "{not json"}),
        ("session_request", 7),
    ]
    received = asyncio.run(_socket_events(stack, events))
    # Each is answered: the customer's page can say something went wrong.
    assert len(received) == len(events), received
    log = rasa_log(stack)[before:]
    assert "Traceback" not in log and "handler error" not in log, log[-3000:]


def test_an_escalation_number_past_the_database_is_refused(stack: Stack) -> None:
    response = httpx.post(f"{stack.url('handoff')}/escalations/36893488147419103231/claim",
                          headers=admin_headers(stack), timeout=30)
    assert response.status_code == 422, response.text


def test_a_lone_surrogate_is_read_without_an_error(stack: Stack) -> None:
    before = len(rasa_log(stack))
    response = rest_raw(stack, b'{"sender": "size-surrogate", "message": "hello \\ud800"}')
    assert response.status_code == 200 and response.json(), response.text
    log = rasa_log(stack)[before:]
    assert "rest.message.received.failure" not in log and "Traceback" not in log, log[-3000:]
