"""The reports dashboard in a real browser (Debian's Chromium, headless, Playwright) against one
running handoff replica with scripted events: the counts shown are the events', every chart has
its text table, the charts draw under the console's CSP, and the gap clusters are listed.
docs/screenshots/console-reports.png is taken by the judged end-to-end test
(tests/e2e/test_insight.py), on real conversations; this one's goes to the test's own folder."""

from __future__ import annotations

import dataclasses
import re
import time
from pathlib import Path

from playwright.async_api import async_playwright, expect

from handoff.store import reporting
from tests.handoff.harness import DEMO_PASSWORD, Server
from tests.handoff.insight.test_reports import T as SCRIPTED
from tests.handoff.insight.test_reports import script
from tests.handoff.web.test_console_follow_ups import ARGS, CHROMIUM

T = float(int(time.time()) - 10 * 86_400)  # inside the dashboard's default 30 days


async def test_the_dashboard_shows_the_counts_with_a_table_per_chart(server: Server, tmp_path: Path) -> None:
    events = [dataclasses.replace(e, at=e.at - SCRIPTED + T) for e in script()]
    await server.services.db.run(lambda s: [reporting.add(s, e) for e in events])
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        page = await browser.new_page(viewport={"width": 1300, "height": 2400})
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        # A CSP violation shows as a console error; the browser's own /favicon.ico request (404) does not count.
        page.on("console", lambda message: errors.append(f"{message.text} {message.location.get('url')}")
                if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico") else None)
        await page.goto(f"{server.url}/console")
        await page.get_by_role("textbox", name="Username").fill("admin")
        await page.get_by_label("Password").fill(DEMO_PASSWORD)
        await page.get_by_role("button", name="Sign in").click()
        await page.get_by_role("link", name="Reports").click()

        kpi = page.locator("#kpis")
        # Seven conversations in the 30 days: c1-c7; c1, c4, c5 and c7 stayed with the bot, c7 came back.
        await expect(kpi.locator('[data-kpi="Conversations"] dd')).to_have_text("7", timeout=20_000)
        await expect(kpi.locator('[data-kpi="Contained by the bot"] dd')).to_have_text("57.1%")
        await expect(kpi.locator('[data-kpi="Durable containment"] dd')).to_have_text("42.9%")
        await expect(kpi.locator('[data-kpi="Handed over"] dd')).to_have_text("2")
        await expect(kpi.locator('[data-kpi="Could not hand over"] dd')).to_have_text("1")
        await expect(kpi.locator('[data-kpi="CSAT average"] dd')).to_have_text("3 / 5")

        charts = page.locator("section.report[data-chart]")
        assert await charts.count() == 4
        for index in range(4):
            section = charts.nth(index)
            assert await section.locator("canvas").count() == 1
            assert await section.locator("table").count() == 1
            assert await section.locator("canvas").evaluate("c => c.width > 0 && c.height > 0")
        handovers = page.locator("#handovers-table")
        await expect(handovers.locator("tr", has_text="Asked for a person")).to_contain_text("2")
        await expect(handovers.locator("tr", has_text="Answer rejected")).to_contain_text("1")
        await expect(page.locator("#times-table").locator("tr", has_text="Wait to claim")).to_contain_text("90 s")
        await expect(page.locator("#answers-table").locator("tr", has_text="shipping-canada")).to_contain_text("3")

        await page.locator("#csat-split").select_option("agent")
        await expect(page.locator("#csat-table").locator("tr", has_text="maya")).to_contain_text("5")
        await expect(page.locator("#gaps-list > li")).to_have_count(2, timeout=60_000)
        await expect(page.locator("#gaps-list")).to_contain_text("how do I send back a jacket")
        dissatisfied = page.locator("#dissatisfied-table")
        await expect(dissatisfied.get_by_role("row", name=re.compile("^c3 .*CSAT 1-2"))).to_have_count(1)
        await expect(dissatisfied.get_by_role("row", name=re.compile("^c7 .*Came back within 7 days"))).to_have_count(1)

        # The tables are reached from the keyboard: a summary opens with Enter.
        summary = page.locator('section[data-chart="trend"] summary')
        await summary.focus()
        await page.keyboard.press("Enter")
        await expect(page.locator("#trend-table")).to_be_visible()
        await page.screenshot(path=str(tmp_path / "console-reports.png"), full_page=True)
        await browser.close()
    assert errors == []
