"""The admin page in a real browser (Debian's Chromium, headless, Playwright) against one running
handoff replica: its tabs are shown only once they work. The page used to show them while the
teams still loaded, and a tab clicked then did nothing (the Agents tab stayed selected)."""

from __future__ import annotations

import asyncio

from playwright.async_api import Route, async_playwright, expect

from tests.handoff.harness import Server
from tests.handoff.web.test_console_follow_ups import ARGS, CHROMIUM
from tests.handoff.web.test_console_team_leads import signed_in


async def test_a_tab_clicked_as_soon_as_it_shows_opens_its_section(server: Server) -> None:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        admin = await signed_in(browser, server, "admin")
        errors: list[str] = []
        admin.on("pageerror", lambda error: errors.append(str(error)))

        async def slow_teams(route: Route) -> None:
            # A slow network, here and nowhere else: the real service answers, a second late.
            await asyncio.sleep(1.0)
            await route.continue_()

        await admin.route("**/teams", slow_teams)
        await admin.goto(f"{server.url}/console/admin")
        teams_tab = admin.get_by_role("tab", name="Teams")
        await teams_tab.click()  # as soon as it shows
        await expect(teams_tab).to_have_attribute("aria-selected", "true")
        await expect(admin.get_by_role("region", name="Team delivery")).to_be_visible()
        assert errors == []
        await browser.close()
