"""The help centre in a real browser (Chromium, Playwright) against the running knowledge
service: a visitor opens /help, searches with the keyboard, reads an article and votes; the
vote is what GET /votes hands the handoff service. Screenshots go to the stack's var directory;
the ones kept are docs/screenshots/help-centre.png and help-article.png."""

from __future__ import annotations

from pathlib import Path

import httpx
from playwright.sync_api import Browser, Page, expect

from tests.conftest import Stack


def no_outside_requests(page: Page, base: str) -> list[str]:
    outside: list[str] = []
    page.on("request", lambda request: None if request.url.startswith(base) else outside.append(request.url))
    return outside


def test_visitor_searches_reads_and_votes(knowledge_stack: Stack, chromium: Browser) -> None:
    base = knowledge_stack.url("knowledge")
    shots = knowledge_stack.settings.var_dir / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    context = chromium.new_context(viewport={"width": 1100, "height": 900})
    page = context.new_page()
    outside = no_outside_requests(page, base)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)

    page.goto(f"{base}/help")
    expect(page.get_by_role("heading", name="How can we help?")).to_be_visible()
    expect(page.get_by_role("navigation", name="Topics").get_by_role("link", name="shipping")).to_be_visible()
    page.screenshot(path=str(Path(shots, "help-centre.png")), full_page=False)

    # Keyboard only: the first Tab reaches the skip link, the next ones the search box.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    search = page.get_by_role("searchbox", name="Search the help centre")
    expect(search).to_be_focused()
    page.keyboard.type("how much is shipping to Canada")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Results for “how much is shipping to Canada”")).to_be_visible()
    first = page.locator("ol.results > li > a").first
    expect(first).to_have_attribute("href", "/help/shipping-canada")
    first.focus()
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_contain_text("Canada")
    expect(page.locator("article h2").first).to_be_visible()  # the Markdown's sections, rendered
    vote = page.get_by_role("group", name="Was this helpful?")
    expect(vote).to_be_visible()
    page.screenshot(path=str(Path(shots, "help-article.png")), full_page=True)  # down to the vote
    vote.get_by_role("button", name="Yes").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_have_text("Glad it helped.")

    votes = httpx.get(f"{base}/votes", headers={"Authorization": f"Bearer {knowledge_stack.settings.admin_token()}"},
                      timeout=10).json()
    assert [(v["article_id"], v["helpful"]) for v in votes] == [("shipping-canada", True)]
    assert outside == [] and errors == []
    context.close()
