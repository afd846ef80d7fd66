"""The console's SLA in a real browser (Debian's Chromium, headless, Playwright) against one
running handoff replica with tiny targets: a new conversation's card shows its first-response
target on track with the time left, the team is warned in words before the breach, then the
breach shows; the queue sorts by time left. Screenshots: docs/screenshots/console-sla-*.png."""

from __future__ import annotations

import time
from pathlib import Path

from playwright.async_api import async_playwright, expect

from tests.handoff.api.test_escalations_api import open_escalation
from tests.handoff.harness import Server, handoff_settings
from tests.handoff.web.test_console_follow_ups import ARGS, CHROMIUM, SHOTS, sign_in


async def test_a_warning_shows_before_the_breach(redis_url: str, tmp_path: Path) -> None:
    settings = handoff_settings(redis_url, f"sqlite:///{tmp_path / 'handoff.db'}", tmp_path,
                                HANDOFF_SUPPORT_HOURS="Mon-Sun 00:00-24:00", HANDOFF_SLA_CHECK_SECONDS=0.2,
                                HANDOFF_SLA_TEAM_TARGETS="returns: first=12s", HANDOFF_SLA_WARNING_SHARE=0.5)
    async with Server(settings) as server, async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        page = await browser.new_page(viewport={"width": 1400, "height": 900})
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        await sign_in(page, server)
        await page.locator('#queue-views button[data-view="unassigned"]').click()
        await page.locator("#queue-sort").select_option("sla")
        escalation = await open_escalation(server, "web-omar")
        opened = time.time()
        card = page.locator(f'#queue-list [data-escalation-id="{escalation.id}"]')
        badge = card.locator(".sla")
        await expect(badge).to_contain_text("SLA on track: first response", timeout=5_000)
        await expect(badge).to_contain_text("s left")
        await card.locator("button").click()
        await expect(page.locator("#chat-sla")).to_contain_text("first response")

        await expect(badge).to_contain_text("SLA warning: first response", timeout=10_000)
        await expect(page.locator("#flash")).to_contain_text("SLA warning: ", timeout=2_000)
        warned = time.time()
        assert warned < opened + 12, "the warning came after the target"
        await expect(badge).to_have_class("sla sla-warning")
        await expect(page.locator("#chat-sla")).to_contain_text("SLA warning")
        await page.screenshot(path=str(SHOTS / "console-sla-warning.png"))

        await expect(badge).to_contain_text("SLA breached: first response", timeout=10_000)
        await expect(badge).to_contain_text("over")
        await expect(page.locator("#flash")).to_contain_text("SLA breached", timeout=5_000)
        await page.screenshot(path=str(SHOTS / "console-sla-breached.png"))
        await browser.close()
    assert server.services.sla.warned == 1 and server.services.sla.breached == 1
    assert errors == []
