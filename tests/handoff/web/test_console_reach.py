"""Where the console's reply reaches the customer, in a real browser (Debian's Chromium, headless,
Playwright) against one running handoff replica with its engine: Ava wrote on WhatsApp more than
24 hours ago, so Sam's console says why a chat message cannot go, refuses one with that reason, and
has the email form ready. Screenshot: docs/screenshots/console-whatsapp-window.png."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from playwright.async_api import Page, async_playwright, expect
from redis.asyncio import Redis

from tests.handoff.api.test_customers_api import until
from tests.handoff.api.test_reach_api import AVA, HOUR, TimedBot
from tests.handoff.harness import DEMO_PASSWORD, Server, handoff_settings
from tests.handoff.web.test_console_follow_ups import ARGS, CHROMIUM, SHOTS


async def sign_in(page: Page, server: Server, username: str) -> None:
    await page.goto(f"{server.url}/console")
    await page.get_by_role("textbox", name="Username").fill(username)
    await page.get_by_label("Password").fill(DEMO_PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.locator("#live-state")).to_have_text("live", timeout=30_000)
    await page.locator('#queue-views button[data-view="mine"]').click()  # the queue's "Mine" view


async def test_outside_whatsapp_s_window_the_console_offers_email(redis_url: str, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ORDERS_BACKEND", "demo")
    monkeypatch.setenv("ORDERS_DB", str(tmp_path / "orders.db"))
    settings = handoff_settings(redis_url, f"sqlite:///{tmp_path / 'handoff.db'}", tmp_path)
    async with Server(settings, engine=True) as server:
        redis = Redis.from_url(settings.redis_url)
        whatsapp = TimedBot(redis, "whatsapp:+15550003333", "twilio")
        await whatsapp.says_at("where is my backpack", "check_order_status", time.time() - 30 * HOUR)
        await whatsapp.slots(order_number="LK-100236", order_verified=True, verified_orders=["LK-100236"],
                             email=AVA, unresolved_reason="explicit_request")
        escalation = await until(lambda: server.services.escalations.active_for(whatsapp.sender))
        sam = await server.login("sam")  # a tracked order's conversation goes to delivery, Sam's team
        assert (await sam.post(f"/escalations/{escalation.id}/claim")).status_code == 200
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
            page = await browser.new_page(viewport={"width": 1400, "height": 900})
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            await sign_in(page, server, "sam")
            await page.locator(f'#queue-list [data-escalation-id="{escalation.id}"] button').click()
            note = page.locator("#reach-note")
            await expect(note).to_contain_text("WhatsApp only delivers our messages within 24 hours", timeout=10_000)
            await expect(note).to_contain_text("the email form is below")
            await expect(page.locator("#reply")).to_have_attribute("placeholder", await note.text_content() or "")
            await expect(page.locator("#email-form")).to_be_visible()
            await expect(page.locator("#email-to")).to_have_text(AVA)
            await page.locator("#reply").fill("Any news on your parcel?")
            await page.screenshot(path=str(SHOTS / "console-whatsapp-window.png"))
            await page.locator("#reply").press("Enter")
            await expect(page.locator("#flash")).to_contain_text("WhatsApp only delivers", timeout=10_000)
            await expect(page.locator("#reply")).to_have_value("Any news on your parcel?")  # the draft stays
            await browser.close()
        assert errors == []
        await redis.aclose()
