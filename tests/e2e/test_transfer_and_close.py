"""Transfers and closing (issue 24) in Debian's Chromium against the whole running stack: a
visitor asks for a person; Maya claims, answers, and the visitor asks one more thing; Maya passes
the conversation to Sam, who is online, with a note. The visitor's widget says so in plain words;
Sam is told at once, reads the note and the unanswered question first, and closes it as
"Didn't need me" with the hand-back to the bot; it is then in his Closed view with that outcome.
Screenshots: docs/screenshots/widget-transfer-notice.png, console-close-dialog.png."""

from __future__ import annotations

import re
import time
from pathlib import Path

import httpx
from playwright.sync_api import Browser, expect

from tests.conftest import Stack
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


def test_a_transfer_with_a_note_reaches_sam_and_closing_files_it(
        stack: Stack, browser: Browser, shots: Path) -> None:  # noqa: F811
    handoff = stack.url("handoff")
    dialogs: list[str] = []
    errors: list[str] = []
    maya_context = browser.new_context(viewport={"width": 1440, "height": 900})
    sam_context = browser.new_context(viewport={"width": 1440, "height": 900})
    maya, sam = watch(maya_context.new_page(), dialogs, errors), watch(sam_context.new_page(), dialogs, errors)
    sign_in(maya, handoff, "maya")
    sign_in(sam, handoff, "sam")  # his console makes him online
    sam.locator('#queue-views button[data-view="mine"]').click()

    visitor = browser.new_context(viewport={"width": 1280, "height": 800})
    page = watch(visitor.new_page(), dialogs, errors)
    open_widget(page, f"{handoff}/demo")
    say(page, "I would like to talk to a person please")
    expect(page.locator(".msg.bot").filter(has_text="support team").first).to_be_visible(timeout=SLOW)
    sender = widget_session(page)["session_id"]

    card = maya.locator(f'#queue-list li[data-sender-id="{sender}"]')
    expect(card).to_be_visible(timeout=SLOW)
    card.get_by_role("button").click()
    maya.get_by_role("button", name="Claim").click()
    expect(page.locator(".notice").filter(has_text="Maya")).to_be_visible(timeout=30_000)
    maya.locator("#reply").fill("Hi, I'm Maya. How can I help?")
    maya.locator("#reply").press("Enter")
    expect(page.locator(".msg.agent").filter(has_text="How can I help")).to_be_visible(timeout=30_000)
    question = "My parcel LK-100235 is late, when will it arrive?"
    say(page, question)
    expect(maya.locator("#transcript .line.customer").filter(has_text=question)).to_be_visible(timeout=30_000)

    # The picker: Sam online with his load; a note is required.
    maya.get_by_role("button", name="Transfer…").click()
    picker = maya.get_by_role("dialog", name="Transfer this conversation")
    expect(picker.locator('li[data-username="sam"]')).to_contain_text(re.compile(r"online · \d+ of \d+ chats"))
    picker.get_by_label(re.compile("^Sam")).check()
    picker.get_by_label(re.compile("^Note for whoever")).fill("Late parcel LK-100235: a delivery question for you.")
    picker.get_by_role("button", name="Transfer", exact=True).click()
    expect(picker).to_be_hidden(timeout=30_000)

    # The customer is told in plain words, in their widget.
    expect(page.locator(".notice").filter(has_text="Maya passed your conversation to Sam")).to_be_visible(
        timeout=30_000)
    page.screenshot(path=shots / "widget-transfer-notice.png")

    # Sam is told at once and reads the note and the unanswered question first.
    expect(sam.locator("#flash")).to_contain_text("Maya passed you a conversation", timeout=30_000)
    mine = sam.locator(f'#queue-list li[data-sender-id="{sender}"]')
    expect(mine).to_contain_text("from Maya: Late parcel LK-100235", timeout=30_000)
    mine.get_by_role("button").click()
    pin = sam.locator("#transfer-pin")
    expect(pin).to_contain_text("Late parcel LK-100235: a delivery question for you.", timeout=30_000)
    expect(pin.locator(".pin-unanswered")).to_contain_text(question)

    # One Close, with the outcome and the hand-back on the same dialog.
    sam.get_by_role("button", name="Close…").click()
    closing = sam.get_by_role("dialog", name="Close this conversation")
    closing.get_by_label(re.compile("^Didn't need me")).check()
    expect(closing.get_by_role("checkbox", name=re.compile("^Hand back to the bot"))).to_be_checked()
    sam.screenshot(path=shots / "console-close-dialog.png")
    closing.get_by_role("button", name="Close", exact=True).click()
    expect(closing).to_be_hidden(timeout=30_000)
    expect(page.locator(".notice").filter(has_text="Sam has left")).to_be_visible(timeout=30_000)

    sam.get_by_role("tab", name=re.compile("^Closed")).click()
    closed = sam.locator(f'#queue-list li[data-sender-id="{sender}"]')
    expect(closed.locator(".outcome")).to_have_text("Didn't need me", timeout=30_000)

    headers = api_headers(stack, "sam")
    deadline, found = time.monotonic() + 30, None
    while found is None and time.monotonic() < deadline:
        listed = httpx.get(f"{handoff}/escalations", params={"view": "closed"}, headers=headers, timeout=30).json()
        found = next((c for c in listed if c["sender_id"] == sender), None)
    assert found is not None and (found["state"], found["outcome"], found["agent"]) == (
        "completed", "unnecessary", "sam")
    assert dialogs == [] and errors == [], (dialogs, errors)
    for context in (maya_context, sam_context, visitor):
        context.close()
