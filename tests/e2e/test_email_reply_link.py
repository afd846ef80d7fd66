"""An agent's email brings the customer back to the same conversation in the widget (issue 21), in
Chromium, with a real SMTP server on loopback.

The whole journey runs on the session's `stack` (real Rasa, actions, knowledge, Redis, PostgreSQL;
its agents' emails go to `session_smtp`): a widget customer asks for a person, nobody is free, they
ask to be emailed; an agent answers by email; the reply link opens the same conversation in another
browser, where the customer writes, the agent reads it and answers in the chat.

The second test runs the handoff service alone (Rasa not running): the conversation reaches it as
Rasa's broker writes it to the event stream, and an altered link opens nothing."""

from __future__ import annotations

import json
import re
import secrets
import time
import uuid
from collections.abc import Callable
from email import message_from_bytes, policy

import httpx
import redis
from playwright.sync_api import Browser, expect

from tests.conftest import SmtpServer, Stack
from tests.e2e.test_channels import everyone_offline
from tests.e2e.test_widget_console import SLOW, open_widget, say, widget_session
from tests.handoff.harness import DEMO_PASSWORD

TOKEN = re.compile(r"#baton-resume=(r1\.[0-9a-f.]+)")


def stream(running: Stack, sender: str, event: dict) -> None:
    client = redis.Redis.from_url(running.redis_url)
    try:
        client.xadd(running.settings.event_stream, {"sender_id": sender, "type": event["event"],
                                                    "event": json.dumps({"timestamp": time.time(), **event})})
    finally:
        client.close()


def poll(check: Callable[[], object], timeout: float = 30.0) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if found := check():
            return found
        time.sleep(0.2)
    raise AssertionError("timed out")


def delivered_to(smtp: SmtpServer, address: str, timeout: float = 20.0) -> bytes:
    """The one email to `address` (the session's server holds every test's)."""
    found = poll(lambda: [content for _, rcpt, content in list(smtp.messages) if rcpt == [address]], timeout)
    assert isinstance(found, list) and len(found) == 1, found
    return found[0]


def test_a_customer_emailed_by_an_agent_comes_back_to_the_chat_by_the_reply_link(
        stack: Stack, session_smtp: SmtpServer, chromium: Browser) -> None:
    handoff = stack.url("handoff")
    address = f"omar.{uuid.uuid4().hex[:8]}@example.com"
    errors: list[str] = []
    with httpx.Client(base_url=handoff, timeout=30, trust_env=False) as http:
        everyone_offline(stack)  # nobody of the general team is at work: the email offer
        login = http.post("/auth/login", json={"username": "sam", "password": DEMO_PASSWORD})
        sam = {"Authorization": f"Bearer {login.json()['access_token']}"}

        # The customer, in the shop's widget, asks for a person, and to be emailed.
        first = chromium.new_context()
        page = first.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        open_widget(page, f"{handoff}/demo")
        say(page, "I want to speak to a human please")
        offer = page.locator(".msg.bot").filter(has_text="nobody from our support team")
        expect(offer).to_contain_text("type your email address", timeout=SLOW)
        say(page, f"sure, it's {address}")
        expect(page.locator(".msg.bot").filter(has_text=f"email you at {address}")).to_be_visible(timeout=SLOW)
        sender = widget_session(page)["session_id"]
        first.close()  # the customer leaves

        # The agent answers the "email me" task by email; it reaches the mail server.
        task = poll(lambda: next((t for t in http.get("/tasks", headers=sam).json() if t["sender_id"] == sender),
                                 None))
        assert isinstance(task, dict) and task["note"].startswith(f"Email the customer at {address}")
        words = "The carrier found your parcel; it arrives tomorrow."
        sent = http.post(f"/escalations/{task['escalation_id']}/emails", headers=sam,
                         json={"text": words, "task_id": task["id"]})
        assert sent.status_code == 201, sent.text
        assert sent.json()["reply_link"] is True and sent.json()["in_transcript"] is True
        body = message_from_bytes(delivered_to(session_smtp, address),  # type: ignore[attr-defined]
                                  policy=policy.default).get_content()
        assert words in body and "Sam" in body
        link = re.search(r"\S+#baton-resume=r1\.[0-9a-f.]+", body)
        assert link is not None and link.group(0).startswith(f"{handoff}/demo#")  # this stack's own page

        # The link, opened in another browser, is the same conversation, with the email in it.
        second = chromium.new_context()
        page = second.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(link.group(0))
        log = page.locator("#baton-chat-widget .log")
        emailed = log.locator(".msg").filter(has_text=words)
        expect(emailed.locator(".who")).to_contain_text("Sam", timeout=30_000)
        expect(emailed.locator(".who")).to_contain_text("sent by email")
        expect(log.locator(".msg.customer").filter(has_text="speak to a human")).to_be_visible()
        assert widget_session(page)["session_id"] == sender

        # The customer writes; the agent reads it, takes the conversation and answers in the chat.
        say(page, "Thank you! I will be home tomorrow morning.")
        transcript = f"/escalations/{task['escalation_id']}/transcript"
        assert poll(lambda: any("home tomorrow morning" in (line.get("text") or "") and line.get("role") == "customer"
                                for line in http.get(transcript, headers=sam).json()))
        assert http.post(f"/escalations/{task['escalation_id']}/claim", headers=sam).status_code == 200
        answer = "Good: the driver comes between 8 and 12."
        assert http.post(f"/escalations/{task['escalation_id']}/messages", headers=sam,
                         json={"text": answer}).status_code == 201
        expect(log.locator(".msg.agent").filter(has_text=answer).locator(".who")).to_contain_text("Sam",
                                                                                                 timeout=30_000)
        closed = http.post(f"/escalations/{task['escalation_id']}/close", headers=sam, json={"outcome": "resolved"})
        assert closed.status_code == 200, closed.text
        everyone_offline(stack)
        second.close()
    assert errors == []


def test_the_reply_link_opens_the_widget_on_the_same_conversation(
        handoff_alone: Callable[[dict[str, str]], Stack], smtp_server: SmtpServer, chromium: Browser) -> None:
    running = handoff_alone({**smtp_server.environment(), "HANDOFF_WIDGET_KEY": secrets.token_hex(32),
                             "HANDOFF_DEMO_MODE": "1", "HANDOFF_EMAIL_REPLY_URL": "https://shop.example/help"})
    handoff = running.url("handoff")
    sender = uuid.uuid4().hex  # a widget conversation
    customer = {"event": "user", "input_channel": "socketio", "parse_data": {"intent": {"name": "ask"}}}
    stream(running, sender, {**customer, "text": "My parcel LK-100235 never came"})
    stream(running, sender, {"event": "slot", "name": "unresolved_reason", "value": "lost_parcel"})
    stream(running, sender, {**customer, "text": "please email me at omar.h@example.com"})

    with httpx.Client(base_url=handoff, timeout=30, trust_env=False) as sam:
        login = sam.post("/auth/login", json={"username": "sam", "password": DEMO_PASSWORD})
        sam.headers["Authorization"] = f"Bearer {login.json()['access_token']}"
        task = poll(lambda: next((t for t in sam.get("/tasks").json() if t["sender_id"] == sender), None))
        assert isinstance(task, dict) and task["note"].startswith("Email the customer at omar.h@example.com")
        sent = sam.post(f"/escalations/{task['escalation_id']}/emails",
                        json={"text": "The carrier found your parcel; it arrives tomorrow.", "task_id": task["id"]})
        assert sent.status_code == 201, sent.text
    [(_, rcpt, content)] = smtp_server.wait_for(1)
    assert rcpt == ["omar.h@example.com"]
    body = message_from_bytes(content, policy=policy.default).get_content()  # type: ignore[attr-defined]
    match = TOKEN.search(body)
    assert match is not None and "https://shop.example/help#baton-resume=" in body

    # The shop's page is configuration: the demo page of this service carries the same widget.
    context = chromium.new_context(viewport={"width": 1000, "height": 760})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{handoff}/demo#baton-resume={match.group(1)}")
    log = page.locator("#baton-chat-widget .log")
    expect(log).to_contain_text("My parcel LK-100235 never came", timeout=20_000)
    expect(log).to_contain_text("please email me at omar.h@example.com")
    expect(page.locator("#baton-chat-widget .panel")).to_be_visible()
    assert "baton-resume" not in page.url  # out of the address bar at once
    stored = page.evaluate("""() => {
        const key = Object.keys(localStorage).find((k) => k.startsWith('baton-widget:') && k.endsWith(':session'));
        return key ? JSON.parse(localStorage.getItem(key)) : null;
    }""")
    assert stored["session_id"] == sender

    # A link altered by one character opens nothing of anyone's; the widget says why.
    token = match.group(1)
    altered = token[:-1] + ("0" if token[-1] != "0" else "1")
    other = chromium.new_context().new_page()
    other.goto(f"{handoff}/demo#baton-resume={altered}")
    expect(other.locator("#baton-chat-widget .log")).to_contain_text("this reply link is not valid", timeout=20_000)
    expect(other.locator("#baton-chat-widget .log")).not_to_contain_text("LK-100235")
    assert errors == []
    context.close()
    other.context.close()
