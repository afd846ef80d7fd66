"""The console's queue in a real browser (Debian's Chromium, headless, Playwright) against one
running handoff replica: a click on a card holds while the queue is redrawn between the press and
the release. The queue is redrawn on every push and reload, and a card replaced mid-click lost the
click: an agent's click on a conversation did nothing, now and then."""

from __future__ import annotations

from playwright.async_api import async_playwright, expect

from tests.handoff.api.test_escalations_api import open_escalation
from tests.handoff.harness import DEMO_PASSWORD, Server
from tests.handoff.web.test_console_follow_ups import ARGS, CHROMIUM

# An expando property: a node made anew has none.
MARK = "node => { node.batonMark = 'kept'; }"
MARKED = "node => node.batonMark === 'kept'"


async def test_a_click_holds_while_the_queue_is_redrawn_under_it(server: Server) -> None:
    calm = await open_escalation(server, "calm", frustration=0.1)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        page = await browser.new_page(viewport={"width": 1400, "height": 900})
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        await page.goto(f"{server.url}/console")
        await page.get_by_role("textbox", name="Username").fill("maya")
        await page.get_by_label("Password").fill(DEMO_PASSWORD)
        await page.get_by_role("button", name="Sign in").click()
        await expect(page.locator("#live-state")).to_have_text("live", timeout=30_000)
        cards = page.locator("#queue-list li[data-escalation-id]")
        calm_card = page.locator(f'#queue-list li[data-escalation-id="{calm.id}"]')
        button = calm_card.get_by_role("button")
        await expect(button).to_be_visible()
        await button.evaluate(MARK)

        # The press, then a new customer arrives (pushed, reloaded: the calm card's priority and
        # waiting time are redrawn), then the release.
        box = await button.bounding_box()
        assert box is not None
        await page.mouse.move(box["x"] + 20, box["y"] + box["height"] / 2)
        await page.mouse.down()
        await open_escalation(server, "angry", frustration=0.95)
        await expect(cards).to_have_count(2, timeout=10_000)
        await expect(calm_card.locator("[data-wait]")).not_to_have_text(" · waiting 0s")
        await page.mouse.up()

        await expect(page.locator("#chat-heading")).to_contain_text("Frustration")
        await expect(button).to_have_attribute("aria-current", "true")
        assert await button.evaluate(MARKED)  # the same button, brought up to date
        assert errors == []
        await browser.close()
