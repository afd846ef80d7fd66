"""The console's snooze controls in a real browser (Debian's Chromium, headless, Playwright)
against one running handoff replica: Maya snoozes her conversation until the customer replies,
a "thanks!" shows as a quiet reply and leaves it asleep, a question wakes it with a notice; a
follow-up she sets comes back as a reminder when due.
Screenshots: docs/screenshots/console-snooze-*.png, console-follow-up-due.png."""

from __future__ import annotations

import re
import time
from pathlib import Path

from playwright.async_api import Page, async_playwright, expect

from tests.handoff.api.test_snoozes_api import claimed
from tests.handoff.harness import DEMO_PASSWORD, Server, handoff_settings

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
SHOTS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"


async def sign_in(page: Page, server: Server) -> None:
    await page.goto(f"{server.url}/console")
    await page.get_by_role("textbox", name="Username").fill("maya")
    await page.get_by_label("Password").fill(DEMO_PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.locator("#live-state")).to_have_text("live", timeout=30_000)
    await page.locator('#queue-views button[data-view="mine"]').click()  # the queue's "Mine" view


async def test_snooze_and_wake_in_the_console(server: Server) -> None:
    escalation = await claimed(server)
    services = server.services
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        page = await browser.new_page(viewport={"width": 1400, "height": 900})
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        await sign_in(page, server)
        await page.locator(f'#queue-list [data-escalation-id="{escalation.id}"] button').click()
        await expect(page.locator("#snooze-form")).to_be_visible()
        await page.get_by_label("Snooze").select_option("0")
        await page.get_by_role("button", name="Snooze", exact=True).click()
        await expect(page.locator("#snooze-state")).to_have_text("snoozed until the customer replies")
        await expect(page.get_by_role("button", name="Wake now")).to_be_visible()

        current = await services.escalations.get(escalation.id)
        assert await services.snoozes.customer_wrote(current, "thanks!", time.time()) is True
        card = page.locator(f'#queue-list [data-escalation-id="{escalation.id}"]')
        await expect(card).to_contain_text("1 quiet reply", timeout=10_000)
        await page.screenshot(path=str(SHOTS / "console-snooze-asleep.png"))

        current = await services.escalations.get(escalation.id)
        assert await services.snoozes.customer_wrote(current, "it still has not arrived", time.time()) is False
        await expect(page.locator("#flash")).to_contain_text(re.compile("needs you again .the customer wrote"),
                                                             timeout=10_000)
        await expect(page.get_by_role("button", name="Snooze", exact=True)).to_be_visible()
        await expect(card).not_to_contain_text("snoozed")
        await page.screenshot(path=str(SHOTS / "console-snooze-woken.png"))
        await browser.close()
    assert errors == []


async def test_a_follow_up_set_in_the_console_comes_back_as_a_reminder(redis_url: str, tmp_path: Path) -> None:
    settings = handoff_settings(redis_url, f"sqlite:///{tmp_path / 'handoff.db'}", tmp_path,
                                HANDOFF_TASK_CHECK_SECONDS=0.2)
    async with Server(settings) as server:
        escalation = await claimed(server)
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
            page = await browser.new_page(viewport={"width": 1400, "height": 900})
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            await sign_in(page, server)
            await page.locator(f'#queue-list [data-escalation-id="{escalation.id}"] button').click()
            await expect(page.locator("#task-form")).to_be_visible()
            # The browser's local time, a few seconds ahead (datetime-local has minutes; seconds are typed).
            due = await page.evaluate("""() => {
                const at = new Date(Date.now() + 4000);
                const pad = (n) => String(n).padStart(2, '0');
                return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T` +
                       `${pad(at.getHours())}:${pad(at.getMinutes())}:${pad(at.getSeconds())}`;
            }""")
            await page.locator("#task-due").fill(due)
            await page.get_by_label("Follow-up note").fill("check the refund posted")
            await page.get_by_role("button", name="Add follow-up").click()
            tasks = page.locator("#tasks-list")
            await expect(tasks).to_contain_text("check the refund posted")
            await expect(tasks).to_contain_text("due now", timeout=15_000)
            await expect(page.locator("#flash")).to_contain_text("Follow-up due: check the refund posted")
            await expect(page.locator("#tasks-count")).to_have_text("1")
            await page.screenshot(path=str(SHOTS / "console-follow-up-due.png"))
            await tasks.get_by_role("button", name="Done").click()
            await expect(tasks).to_contain_text("None")
            await browser.close()
        assert errors == []
        stored = await server.services.tasks.of_escalation(await server.services.accounts.get("maya"), escalation.id)
        assert [(t.note, t.state) for t in stored] == [("check the refund posted", "done")]
