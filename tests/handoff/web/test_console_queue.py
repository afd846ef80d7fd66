"""The console's queue in a real browser (Debian's Chromium, headless, Playwright) against one
running handoff replica: a card whose content did not change keeps its node when the queue is
redrawn. The queue is redrawn on every push and reload, and a card replaced between the press and
the release of a click lost the click (an agent's click did nothing, now and then)."""

from __future__ import annotations

from playwright.async_api import async_playwright, expect

from tests.handoff.api.test_escalations_api import open_escalation
from tests.handoff.harness import DEMO_PASSWORD, Server
from tests.handoff.web.test_console_follow_ups import ARGS, CHROMIUM

# An expando property: the DOM's isEqualNode ignores it, and a new node has none.
MARK = "node => { node.batonMark = 'kept'; }"
MARKED = "node => node.batonMark === 'kept'"


async def test_a_redraw_keeps_the_unchanged_cards_and_replaces_the_changed(server: Server) -> None:
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
        await expect(calm_card).to_be_visible()
        await calm_card.evaluate(MARK)

        # Sorted anew, then a new customer arrives: pushed, reloaded, listed first. The calm card
        # moves down, the same node, while its waiting time goes on ticking.
        await page.get_by_label("Sort").select_option("newest")
        angry = await open_escalation(server, "angry", frustration=0.95)
        await expect(cards).to_have_count(2, timeout=10_000)
        await expect(cards.first).to_have_attribute("data-escalation-id", str(angry.id))
        await page.wait_for_timeout(1_500)  # past a reload and a tick of the waiting time
        assert await calm_card.evaluate(MARKED)
        await expect(calm_card.locator("[data-wait]")).to_contain_text("waiting")

        # Selecting it changes it (the card shows it is selected): a new node says so.
        await calm_card.locator("button").click()
        await expect(page.locator("#chat-heading")).to_contain_text("Frustration")
        await expect(calm_card.locator("button")).to_have_attribute("aria-current", "true")
        assert await calm_card.evaluate(MARKED) is False
        assert errors == []
        await browser.close()
