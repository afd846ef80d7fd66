"""The admin page (issue 24, "Admin pages"), in Debian's Chromium against the handoff service
started from its Procfile line: an admin creates an agent in the console, the agent signs in,
and the audit shows who created them; a canned reply the admin adds is in the agent's reply box;
the admin deactivates the agent and the agent's console is signed out. An agent who is not an
admin sees no Admin link, and the page tells them it is not theirs. Screenshots (agents, canned
replies, audit): docs/screenshots/console-admin-*.png."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import Browser, Page, expect

from tests.conftest import Stack
from tests.e2e.test_widget_console import watch

DEMO = {"HANDOFF_DEMO_MODE": "1"}
SIGNED_IN = 30_000  # ms


def sign_in(page: Page, handoff: str, username: str, password: str) -> None:
    page.goto(f"{handoff}/console")
    page.get_by_role("textbox", name="Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#live-state")).to_have_text("live", timeout=SIGNED_IN)


def test_an_admin_creates_an_agent_who_signs_in_and_the_audit_says_so(
        handoff_alone: Callable[[dict[str, str]], Stack], chromium: Browser) -> None:
    stack = handoff_alone(DEMO)
    handoff = stack.url("handoff")
    shots = stack.settings.var_dir / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    dialogs: list[str] = []
    errors: list[str] = []

    admin_context = chromium.new_context(viewport={"width": 1360, "height": 860})
    admin = watch(admin_context.new_page(), dialogs, errors)
    sign_in(admin, handoff, "admin", "larkspur-demo")
    admin.get_by_role("link", name="Admin").click()
    expect(admin).to_have_url(re.compile(r"/console/admin#agents$"))
    expect(admin.locator("tr[data-agent='maya']")).to_be_visible()

    form = admin.get_by_role("form", name="New agent")
    form.get_by_label("Username").fill("lee")
    form.get_by_label("Name", exact=True).fill("Lee Park")
    form.get_by_label("Password").fill("lee's first password")
    form.get_by_label("New agent's team: general").uncheck()
    form.get_by_label("New agent's team: delivery").check()
    form.get_by_role("button", name="Create agent").click()
    expect(admin.locator("#flash")).to_have_text("Created lee: they can sign in now.")
    row = admin.locator("tr[data-agent='lee']")
    expect(row).to_be_visible()
    expect(row.get_by_label("Team of lee: delivery")).to_be_checked()
    expect(row.get_by_label("Team of lee: returns")).not_to_be_checked()
    admin.screenshot(path=shots / "console-admin-agents.png", full_page=True)

    admin.get_by_role("tab", name="Audit").click()
    created = admin.locator("#audit-rows tr").filter(has_text="agent lee").filter(has_text="agent created")
    expect(created).to_have_count(1)
    expect(created.locator("td").nth(1)).to_have_text("admin")
    expect(created).to_contain_text("teams: delivery")
    expect(created).to_contain_text("display name: Lee Park")
    admin.screenshot(path=shots / "console-admin-audit.png", full_page=True)

    # A canned reply added here is in the agents' reply box from their next sign-in.
    admin.get_by_role("tab", name="Canned replies").click()
    canned = admin.get_by_role("form", name="New canned reply")
    canned.get_by_label("Title").fill("Size guide")
    canned.get_by_label("Team").select_option("delivery")
    canned.get_by_label("Text").fill("Our size guide is on every product page, under the photos.")
    canned.get_by_role("button", name="Add canned reply").click()
    expect(admin.locator("#flash")).to_have_text("Added the canned reply.")
    expect(admin.get_by_role("form", name="Canned reply Size guide")).to_be_visible()
    admin.screenshot(path=shots / "console-admin-canned.png")
    admin.get_by_role("tab", name="Teams").click()
    expect(admin.get_by_role("region", name="Team delivery")).to_contain_text("Lee Park (lee)")
    expect(admin.get_by_role("region", name="Team returns")).not_to_contain_text("Lee Park")

    lee_context = chromium.new_context(viewport={"width": 1360, "height": 860})
    lee = watch(lee_context.new_page(), dialogs, errors)
    sign_in(lee, handoff, "lee", "lee's first password")
    expect(lee.locator("#me-name")).to_have_text("Lee Park (delivery)")
    expect(lee.get_by_role("link", name="Admin")).to_be_hidden()
    expect(lee.locator("#canned option", has_text="Size guide (delivery)")).to_have_count(1)
    lee.goto(f"{handoff}/console/admin")
    expect(lee.locator("#denied")).to_contain_text("Only an admin")
    expect(lee.locator("#admin")).to_be_hidden()

    # Deactivated in the console: lee's next request is refused and the audit has the line.
    admin.get_by_role("tab", name="Agents").click()
    admin.locator("tr[data-agent='lee']").get_by_role("button", name="Deactivate").click()
    expect(admin.locator("#flash")).to_contain_text("lee is deactivated")
    expect(admin.locator("tr[data-agent='lee']")).to_have_count(0)
    admin.get_by_role("tab", name="Audit").click()
    expect(admin.locator("#audit-rows tr").first).to_contain_text("agent deactivated")
    lee.goto(f"{handoff}/console/admin")
    expect(lee.get_by_role("button", name="Sign in")).to_be_visible(timeout=SIGNED_IN)

    assert dialogs == [] and errors == []
    for context in (admin_context, lee_context):
        context.close()

