"""Team leads in a real browser (Debian's Chromium, headless, Playwright) against one running
handoff replica with scripted events: Maya, a plain agent, has no Reports link and the page tells
her who it is for; the admin makes Sam the lead of delivery on the admin page's Teams tab (and
the audit shows it); Sam signs in, follows the Reports link and sees delivery's figures only
(decisions 0235, 0236). Screenshot: docs/screenshots/console-admin-team-leads.png."""

from __future__ import annotations

import dataclasses
import time

from playwright.async_api import Browser, Page, async_playwright, expect

from handoff.store import reporting
from tests.handoff.harness import DEMO_PASSWORD, Server
from tests.handoff.insight.test_reports import T as SCRIPTED
from tests.handoff.insight.test_reports import script
from tests.handoff.web.test_console_follow_ups import ARGS, CHROMIUM, SHOTS

T = float(int(time.time()) - 10 * 86_400)  # inside the dashboard's default 30 days


async def signed_in(browser: Browser, server: Server, username: str) -> Page:
    """A page of its own (its own sessionStorage, so its own token) with the console signed in."""
    page = await (await browser.new_context(viewport={"width": 1300, "height": 1800})).new_page()
    await page.goto(f"{server.url}/console")
    await page.get_by_role("textbox", name="Username").fill(username)
    await page.get_by_label("Password").fill(DEMO_PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.locator("#live-state")).to_have_text("live", timeout=30_000)
    return page


async def test_an_admin_makes_sam_a_lead_and_he_sees_his_team_s_dashboard(server: Server) -> None:
    events = [dataclasses.replace(e, at=e.at - SCRIPTED + T) for e in script()]
    await server.services.db.run(lambda s: [reporting.add(s, e) for e in events])
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        errors: list[str] = []

        # Maya leads nothing: no link, and the page itself says who the reports are for.
        maya = await signed_in(browser, server, "maya")
        maya.on("pageerror", lambda error: errors.append(str(error)))
        await expect(maya.get_by_role("link", name="Reports")).to_be_hidden()
        await maya.goto(f"{server.url}/console/reports")
        await expect(maya.get_by_role("heading", name="For team leads and admins")).to_be_visible()
        await expect(maya.locator("#dashboard")).to_be_hidden()

        # Sam, signed in before he is made a lead, has no link either.
        sam = await signed_in(browser, server, "sam")
        sam.on("pageerror", lambda error: errors.append(str(error)))
        await expect(sam.get_by_role("link", name="Reports")).to_be_hidden()

        admin = await signed_in(browser, server, "admin")
        admin.on("pageerror", lambda error: errors.append(str(error)))
        await expect(admin.get_by_role("link", name="Reports")).to_be_visible()
        await admin.get_by_role("link", name="Admin").click()
        await admin.get_by_role("tab", name="Teams").click()
        delivery = admin.get_by_role("region", name="Team delivery")
        await expect(delivery).to_contain_text("No lead")
        await delivery.get_by_label("Sam leads delivery").check()
        await expect(admin.locator("#flash")).to_have_text("Sam now leads delivery: they see its reports.")
        await expect(delivery).to_contain_text("Led by Sam")
        await expect(delivery.get_by_label("Sam leads delivery")).to_be_checked()
        # Not a lead of general, where he is a member too.
        general = admin.get_by_role("region", name="Team general")
        await expect(general.get_by_label("Sam leads general")).not_to_be_checked()
        await admin.set_viewport_size({"width": 1100, "height": 360})
        await admin.screenshot(path=str(SHOTS / "console-admin-team-leads.png"), full_page=True)
        await admin.get_by_role("tab", name="Audit").click()
        newest = admin.locator("#audit-rows tr").first
        await expect(newest).to_contain_text("agent sam")
        await expect(newest).to_contain_text("leads: none → delivery")

        # Sam's next sign-in shows the link; the dashboard has delivery's figures only.
        await sam.reload()
        await expect(sam.locator("#live-state")).to_have_text("live", timeout=30_000)
        await sam.get_by_role("link", name="Reports").click()
        await expect(sam.locator("#me-name")).to_have_text("Sam (lead of delivery)")
        kpi = sam.locator("#kpis")
        # Delivery's one hand-over (c3: asked for a person, rated 1); the shop has 3 and an average of 3.
        await expect(kpi.locator('[data-kpi="Hand-overs asked"] dd')).to_have_text("1", timeout=20_000)
        await expect(kpi.locator('[data-kpi="CSAT average"] dd')).to_have_text("1 / 5")
        handovers = sam.locator("#handovers-table")
        await expect(handovers.locator("tr", has_text="Asked for a person")).to_contain_text("1")
        await expect(handovers.locator("tr", has_text="Answer rejected")).to_have_count(0)  # returns' hand-over
        teams = await sam.locator("#team option").evaluate_all("options => options.map(o => o.value)")
        assert teams == ["", "delivery"]
        # Asking the API for another team's figures with his token is refused, in words.
        refused = await sam.evaluate(
            """async () => {
                const token = sessionStorage.getItem('baton-console:token');
                const headers = { Authorization: `Bearer ${token}` };
                const response = await fetch('/reports/summary?team=returns', { headers });
                return [response.status, (await response.json()).detail];
            }""")
        assert refused == [403, "you lead delivery: you may see their reports only, not the returns team's"]
        assert errors == []
        await browser.close()
