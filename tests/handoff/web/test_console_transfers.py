"""The console's Transfer dialog in a real browser (Debian's Chromium, headless, Playwright)
against one running handoff replica: Maya sees Sam online with his load and Admin away (not
choosable), must write a note, passes the conversation to Sam; Sam's console is told at once and
shows the note pinned above the transcript with the customer's unanswered question marked.
Closing needs Rasa: tests/e2e/test_transfer_and_close.py. Screenshots: docs/screenshots/
console-transfer-picker.png, console-transfer-received.png."""

from __future__ import annotations

import asyncio
import json
import re

from playwright.async_api import Page, async_playwright, expect

from tests.handoff.harness import DEMO_PASSWORD, Server
from tests.handoff.web.test_console_follow_ups import ARGS, CHROMIUM, SHOTS

PACKET = {"summary_line": "Asks for a person about a late parcel",
          "identity": {"order_number": "LK-100235", "verified": True, "name": "Liam Tremblay"}}


async def sign_in(page: Page, server: Server, username: str) -> None:
    await page.goto(f"{server.url}/console")
    await page.get_by_role("textbox", name="Username").fill(username)
    await page.get_by_label("Password").fill(DEMO_PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.locator("#live-state")).to_have_text("live", timeout=30_000)
    await page.locator('#queue-views button[data-view="mine"]').click()


async def test_a_transfer_from_the_picker_reaches_the_chosen_agent_with_the_note(server: Server) -> None:
    services = server.services
    escalation = await services.escalations.open(sender_id="web-liam", channel="socketio", reason="explicit_request",
                                                 team="general", frustration=0.2, packet=PACKET)
    start = escalation.created_at
    for event in ({"event": "user", "text": "hello, a person please", "timestamp": start + 1},
                  {"event": "bot", "text": "Hi, Maya here.", "timestamp": start + 2,
                   "metadata": {"agent": "Maya", "kind": "agent_message"}},
                  {"event": "user", "text": "when will my parcel come?", "timestamp": start + 3}):
        await services.redis.xadd("test:events", {"sender_id": "web-liam", "type": event["event"],
                                                 "event": json.dumps({**event, "input_channel": "socketio"})})
    async with asyncio.timeout(10):
        while len(await services.conversations.transcript("web-liam")) < 3:
            await asyncio.sleep(0.05)
    await services.escalations.claim(await services.accounts.get("maya"), escalation.id)
    admin = await server.login("admin")
    await admin.put("/agents/me/presence", json={"status": "away"})

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        errors: list[str] = []
        maya = await browser.new_page(viewport={"width": 1400, "height": 900})
        sam = await browser.new_page(viewport={"width": 1400, "height": 900})
        for page in (maya, sam):
            page.on("pageerror", lambda error: errors.append(str(error)))
        await sign_in(sam, server, "sam")  # his console makes him online
        await sign_in(maya, server, "maya")
        await maya.locator(f'#queue-list [data-escalation-id="{escalation.id}"] button').click()
        await expect(maya.locator("#transcript .line.customer").filter(has_text="parcel")).to_be_visible()

        await maya.get_by_role("button", name="Transfer…").click()
        dialog = maya.get_by_role("dialog", name="Transfer this conversation")
        await expect(dialog).to_be_visible()
        sam_option = dialog.locator('li[data-username="sam"]')
        await expect(sam_option).to_contain_text(re.compile(r"online · 0 of \d+ chats"))
        await expect(dialog.locator('li[data-username="admin"] input')).to_be_disabled()
        await expect(dialog.locator('li[data-username="admin"]')).to_contain_text("away")
        await dialog.get_by_label(re.compile("^Sam")).check()
        await dialog.get_by_role("button", name="Transfer", exact=True).click()
        await expect(dialog.locator("#transfer-error")).to_have_text("Write a note for whoever takes it next.")
        await dialog.get_by_label(re.compile("^Note for whoever")).fill("Late parcel LK-100235; I checked the carrier.")
        await maya.screenshot(path=str(SHOTS / "console-transfer-picker.png"))
        await dialog.get_by_role("button", name="Transfer", exact=True).click()
        await expect(dialog).to_be_hidden()
        await expect(maya.locator("#flash")).to_have_text("Passed to Sam.")

        await expect(sam.locator("#flash")).to_contain_text("Maya passed you a conversation", timeout=10_000)
        card = sam.locator(f'#queue-list [data-escalation-id="{escalation.id}"]')
        await expect(card).to_contain_text("from Maya: Late parcel LK-100235", timeout=10_000)
        # The whole note on hover, though the card shows its start.
        await expect(card.get_by_role("button")).to_have_attribute(
            "title", "Note from Maya: Late parcel LK-100235; I checked the carrier.")
        await card.get_by_role("button").click()
        pin = sam.locator("#transfer-pin")
        await expect(pin).to_contain_text("Maya passed this to you")
        await expect(pin).to_contain_text("Late parcel LK-100235; I checked the carrier.")
        await expect(pin.locator(".pin-unanswered")).to_contain_text("when will my parcel come?")
        await expect(sam.locator("#transcript .line.unanswered")).to_have_text(re.compile("when will my parcel come"))
        pin_box, transcript_box = await pin.bounding_box(), await sam.locator("#transcript").bounding_box()
        assert pin_box and transcript_box and pin_box["y"] < transcript_box["y"]  # read first
        await sam.screenshot(path=str(SHOTS / "console-transfer-received.png"))
        await browser.close()
    assert errors == []
    moved = await services.escalations.get(escalation.id)
    assert (moved.agent, moved.state, moved.transfers[-1].note) == (
        "sam", "accepted", "Late parcel LK-100235; I checked the carrier.")


async def test_an_anonymous_visitor_is_headed_by_their_visitor_number_not_the_session(server: Server) -> None:
    services = server.services
    session = "f3a9c1d27b4e8a6f0c5d9e1b2a7c4f8e"  # the widget's session hash: never shown to an agent
    escalation = await services.escalations.open(sender_id=session, channel="socketio", reason="explicit_request",
                                                 team="general", frustration=0.1, packet={})
    await services.escalations.claim(await services.accounts.get("maya"), escalation.id)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        maya = await browser.new_page(viewport={"width": 1400, "height": 900})
        await sign_in(maya, server, "maya")
        await maya.locator(f'#queue-list [data-escalation-id="{escalation.id}"] button').click()
        heading = maya.locator("#chat-heading")
        await expect(heading).to_have_text(re.compile(r"^Visitor \d+ · "))
        assert session not in (await heading.inner_text()) + (await maya.locator("#queue-list").inner_text())
        await browser.close()
