"""Transcripts show what people said and did (issue 24), in Debian's Chromium against the whole
running stack: a button press shows as its title, no transcript shows a slash command or
`EXTERNAL:`, notices are grey system lines, a message sent around a reload shows once (its ack
lost, or its frame sent twice), a survey answer that asks something is answered, and the
widget's header follows availability. Screenshots of both transcripts go to var/screenshots
(kept as docs/screenshots/widget-transcript.png and console-conversation.png)."""

from __future__ import annotations

import re
import time
from pathlib import Path

import httpx
from playwright.sync_api import Browser, Page, WebSocketRoute, expect

from tests.conftest import Stack
from tests.e2e.test_channels import everyone_offline
from tests.e2e.test_widget_console import (  # noqa: F401 (fixtures)
    SLOW,
    api_headers,
    browser,
    open_widget,
    say,
    shots,
    sign_in,
    watch,
    widget_session,
)

MACHINERY = re.compile(r"^\s*/|EXTERNAL:")


class SocketTap:
    """Sits on the widget's socket.io WebSocket: can drop Rasa's acknowledgements (the reply that a
    message was handled, lost to a reload) and send a message's frame twice (a resend while the
    first copy is still being handled)."""

    def __init__(self) -> None:
        self.drop_acks = False
        self.send_twice = False

    def attach(self, page: Page) -> None:
        page.route_web_socket(re.compile(r"/socket\.io/"), self._route)

    def _route(self, route: WebSocketRoute) -> None:
        server = route.connect_to_server()

        def to_server(message: str | bytes) -> None:
            server.send(message)
            if self.send_twice and isinstance(message, str) and message.startswith('42') and "user_uttered" in message:
                server.send(message)

        def to_page(message: str | bytes) -> None:
            # Engine.IO "4" (message) + Socket.IO "3" (ack): the answer to an emit with a callback.
            if self.drop_acks and isinstance(message, str) and message.startswith("43"):
                return
            route.send(message)

        route.on_message(to_server)
        server.on_message(to_page)


def texts(locator) -> list[str]:
    return [text.strip() for text in locator.all_inner_texts()]


def settle(seconds: float = 3.0) -> None:
    """Long enough for a message handled twice to show twice, were it to."""
    time.sleep(seconds)


def test_transcripts_show_what_people_said_and_did(stack: Stack, browser: Browser, shots: Path) -> None:  # noqa: F811
    handoff = stack.url("handoff")
    dialogs: list[str] = []
    errors: list[str] = []
    visitor = browser.new_context(viewport={"width": 1280, "height": 800})
    page = watch(visitor.new_page(), dialogs, errors)
    tap = SocketTap()
    tap.attach(page)

    # Nobody at the console yet: the header promises no person.
    everyone_offline(stack)
    open_widget(page, f"{handoff}/demo")
    status = page.locator("#baton-status")
    expect(status).to_have_text("Our team is busy right now; the assistant can help", timeout=30_000)

    agent_context = browser.new_context(viewport={"width": 1440, "height": 900})
    console = watch(agent_context.new_page(), dialogs, errors)
    sign_in(console, handoff)
    page.reload()
    expect(status).to_have_text("A person is one message away", timeout=30_000)

    # A button press shows as its title, marked as a press, in the widget.
    say(page, "How long does a refund take?")
    expect(page.locator(".msg.bot").filter(has_text="business days").first).to_be_visible(timeout=SLOW)
    page.get_by_role("button", name="Yes", exact=True).click()
    pressed = page.locator(".msg.customer.pressed")
    expect(pressed).to_have_count(1)
    expect(pressed.locator(".text")).to_have_text("Yes")
    expect(pressed.locator(".who")).to_have_text("You pressed")

    say(page, "I would like to talk to a person please")
    expect(page.locator(".msg.bot").filter(has_text="support team").first).to_be_visible(timeout=SLOW)
    session = widget_session(page)

    # The console: the press by its title, marked; nothing of the machinery.
    card = console.locator(f'#queue-list li[data-sender-id="{session["session_id"]}"]')
    expect(card).to_be_visible(timeout=SLOW)
    card.get_by_role("button").click()
    transcript = console.locator("#transcript")
    expect(transcript.locator(".line.customer.pressed .line-text")).to_have_text(["Yes"], timeout=30_000)
    expect(transcript.locator(".line.customer.pressed .pressed-mark")).to_have_text("pressed a button")
    console.get_by_role("button", name="Claim").click()
    # The join notice: a grey system line in both transcripts, not a bubble in Maya's name.
    expect(transcript.locator(".line.system").filter(has_text="has joined")).to_be_visible(timeout=30_000)
    expect(transcript.locator(".line.agent").filter(has_text="has joined")).to_have_count(0)
    expect(page.locator(".notice").filter(has_text="has joined")).to_be_visible(timeout=30_000)
    console.locator("#reply").fill("Hi, I'm Maya. What can I do for you?")
    console.locator("#reply").press("Enter")
    expect(page.locator(".msg.agent").filter(has_text="What can I do for you?")).to_be_visible(timeout=30_000)

    # A message whose frame reaches Rasa twice (resent while the first copy is handled): once.
    tap.send_twice = True
    say(page, "Is my parcel insured?")
    insured = transcript.locator(".line.customer").filter(has_text="Is my parcel insured?")
    expect(insured).to_have_count(1, timeout=30_000)
    expect(page.locator(".msg.customer.pending")).to_have_count(0, timeout=30_000)
    tap.send_twice = False

    # A message Rasa handled whose acknowledgement the reload lost: the history shows it delivered,
    # so the widget neither shows it twice nor sends it again.
    tap.drop_acks = True
    say(page, "And can it go to my office instead?")
    expect(transcript.locator(".line.customer").filter(has_text="my office")).to_have_count(1, timeout=30_000)
    expect(page.locator(".msg.customer.pending").filter(has_text="my office")).to_be_visible()
    tap.drop_acks = False
    page.reload()
    expect(page.locator(".msg.customer").filter(has_text="Is my parcel insured?")).to_have_count(1, timeout=30_000)
    settle()
    expect(page.locator(".msg.customer").filter(has_text="my office")).to_have_count(1)
    expect(page.locator(".msg.customer.pending")).to_have_count(0)
    expect(transcript.locator(".line.customer").filter(has_text="my office")).to_have_count(1)
    outbox = page.evaluate("""() => {
        const key = Object.keys(localStorage).find((k) => k.endsWith(':outbox'));
        return key ? JSON.parse(localStorage.getItem(key)) : [];
    }""")
    assert outbox == []
    # Every line the console was pushed or loaded, each once, the join notice included.
    expect(transcript.locator(".line.system").filter(has_text="has joined")).to_have_count(1)

    # The hand-back: a grey line, then the bot; `EXTERNAL: handback` nowhere.
    console.get_by_role("button", name="Close…").click()
    closing = console.get_by_role("dialog", name="Close this conversation")
    closing.get_by_role("radio", name="Solved", exact=True).check()
    expect(closing.get_by_role("checkbox", name=re.compile("^Hand back to the bot"))).to_be_checked()
    closing.get_by_role("button", name="Close", exact=True).click()
    expect(page.locator(".notice").filter(has_text="has left")).to_be_visible(timeout=30_000)
    stars = page.get_by_role("group", name=re.compile("Rate this conversation"))
    expect(stars.get_by_role("button")).to_have_count(5, timeout=SLOW)
    stars.get_by_role("button", name="4 stars").click()
    expect(page.locator(".msg.customer.pressed").filter(has_text="4 of 5")).to_be_visible()
    expect(page.locator(".msg.bot").filter(has_text="Anything you'd like to tell us")).to_be_visible(timeout=SLOW)

    # A comment that asks something is answered, not thanked for.
    say(page, "Oh one more thing, do you ship to Mexico?")
    then = page.locator(".msg.bot").filter(has_text="Thanks for the rating! Now, your question:")
    expect(then).to_be_visible(timeout=SLOW)
    answer = page.locator(".msg.bot").filter(has_text="Thanks for the rating! Now, your question:").locator(
        "xpath=following-sibling::div[contains(@class, 'msg') and contains(@class, 'bot')]")
    expect(answer.first).to_be_visible(timeout=SLOW)
    assert "Thanks for your feedback" not in page.locator(".log").inner_text()

    # Stored: the rating, and no comment (the question was not one); the console shows it.
    headers = api_headers(stack)
    stored = None
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not stored:
        closed = httpx.get(f"{handoff}/escalations", params={"state": "completed"}, headers=headers, timeout=30)
        for item in closed.json():
            if item["sender_id"] == session["session_id"]:
                stored = httpx.get(f"{handoff}/escalations/{item['id']}", headers=headers, timeout=30).json()["csat"]
        time.sleep(0.5)
    assert stored == {"rating": 4, "comment": None}, stored
    expect(console.locator("#chat-csat")).to_contain_text("4/5", timeout=30_000)
    expect(transcript.locator(".line.system").filter(has_text="has left")).to_have_count(1, timeout=30_000)
    expect(transcript.locator(".line.system").filter(has_text="has joined")).to_have_count(1)
    transcript.locator(".line.system").filter(has_text="has joined").evaluate(
        "line => line.scrollIntoView({block: 'center'})")
    console.screenshot(path=shots / "console-transcript.png")

    # After a reload the widget's history reads as it did live: titles, grey lines, each message once.
    page.reload()
    log = page.locator(".log")
    expect(log.locator(".msg.customer").filter(has_text="Mexico")).to_have_count(1, timeout=30_000)
    expect(log.locator(".msg.customer.pressed .text")).to_have_text(["Yes", "★★★★☆ (4 of 5)"])
    expect(log.locator(".notice").filter(has_text="has joined")).to_have_count(1)
    expect(log.locator(".notice").filter(has_text="has left")).to_have_count(1)
    for bubble in texts(log.locator(".msg .text")):
        assert not MACHINERY.search(bubble), bubble
    expect(log.locator(".msg.customer").filter(has_text="Is my parcel insured?")).to_have_count(1)
    # The log scrolled to the hand-back (scrollIntoView would scroll the fixed panel too).
    log.evaluate("""log => {
        const left = [...log.querySelectorAll('.notice')].find((n) => n.textContent.includes('has left'));
        log.scrollTop += left.getBoundingClientRect().top - log.getBoundingClientRect().top - 8;
    }""")
    page.screenshot(path=shots / "widget-transcript.png")

    # And the console's, loaded afresh.
    lines = httpx.get(f"{handoff}/escalations", params={"state": "completed"}, headers=headers, timeout=30).json()
    mine = next(item for item in lines if item["sender_id"] == session["session_id"])
    shown = httpx.get(f"{handoff}/escalations/{mine['id']}/transcript", headers=headers, timeout=30).json()
    for line in shown:
        assert not MACHINERY.search(line["text"]), line
    assert [line["text"] for line in shown].count("Is my parcel insured?") == 1
    assert any(line["role"] == "system" and "has left" in line["text"] for line in shown)
    assert dialogs == [] and errors == [], (dialogs, errors)
    agent_context.close()
    visitor.close()
