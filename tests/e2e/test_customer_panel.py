"""The console's customer panel (issue 21), in Debian's Chromium against the handoff service
started from its Procfile line (Rasa is not running: the bot's events are written to the stream
as its broker writes them). A customer who verified on the widget and on Telegram is one customer
in the panel, with both conversations; a note added on one conversation is on the other.
Screenshot: docs/screenshots/console-customer.png."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import httpx
import redis
from playwright.sync_api import Browser, expect

from tests.conftest import Stack
from tests.e2e.test_admin_pages import DEMO, sign_in
from tests.e2e.test_widget_console import watch

SLOW = 30_000  # ms


def conversation(stack: Stack, sender: str, channel: str, order: str, text: str) -> None:
    """A customer verifies `order` and the bot promises a person, as Rasa's broker writes it."""
    client = redis.Redis.from_url(stack.redis_url)
    events: list[dict[str, Any]] = [
        {"event": "user", "text": text, "input_channel": channel,
         "parse_data": {"intent": {"name": "report_damaged_item", "confidence": 0.95}, "entities": []}},
        {"event": "slot", "name": "order_number", "value": order},
        {"event": "slot", "name": "order_verified", "value": True},
        {"event": "slot", "name": "verified_orders", "value": [order]},
        {"event": "slot", "name": "unresolved_reason", "value": "damaged_item"},
    ]
    for event in events:
        body = {"timestamp": time.time(), "sender_id": sender, **event}
        client.xadd("baton:events", {"sender_id": sender, "type": event["event"], "event": json.dumps(body)})
    client.close()


def escalation_id(stack: Stack, sender: str) -> int:
    login = httpx.post(f"{stack.url('handoff')}/auth/login", json={"username": "admin", "password": "larkspur-demo"},
                       timeout=30).json()
    headers = {"Authorization": f"Bearer {login['access_token']}"}
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        for card in httpx.get(f"{stack.url('handoff')}/escalations", headers=headers, timeout=30).json():
            if card["sender_id"] == sender:
                return card["id"]
        time.sleep(0.3)
    raise AssertionError(f"no escalation for {sender}")


def test_one_customer_on_two_channels_in_the_console(
        handoff_alone: Callable[[dict[str, str]], Stack], chromium: Browser) -> None:
    stack = handoff_alone(DEMO)
    shots = stack.settings.var_dir / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    conversation(stack, "web-5b1c", "socketio", "LK-100233", "the boots from LK-100233 came apart")
    web = escalation_id(stack, "web-5b1c")
    conversation(stack, "7001234", "telegram", "LK-100232", "my sweater from LK-100232 arrived torn")
    telegram = escalation_id(stack, "7001234")

    dialogs: list[str] = []
    errors: list[str] = []
    page = watch(chromium.new_context(viewport={"width": 1360, "height": 900}).new_page(), dialogs, errors)
    sign_in(page, stack.url("handoff"), "maya", "larkspur-demo")
    page.locator(f'#queue-list li[data-escalation-id="{telegram}"]').get_by_role("button").click()
    panel = page.locator("#ctx-customer-fold")
    expect(panel).to_be_visible(timeout=SLOW)
    expect(panel.locator("#ctx-customer")).to_contain_text("Omar Haddad")
    expect(panel.locator("#ctx-customer")).to_contain_text("omar.h@example.com")
    expect(panel.locator(".customer-conversation")).to_have_count(2)
    expect(panel.locator(".customer-conversation").filter(has_text="Website chat")).to_contain_text(
        "the boots from LK-100233")
    expect(panel.locator(".customer-conversation").filter(has_text="Telegram")).to_contain_text("this conversation")
    expect(panel.locator("#ctx-customer")).not_to_contain_text("null")

    panel.get_by_label("New note on the customer").fill("prefers email")
    panel.get_by_role("button", name="Add note on the customer").click()
    expect(panel.locator("#customer-notes")).to_contain_text("prefers email")
    expect(panel.locator("#customer-notes")).to_contain_text("Maya")
    page.screenshot(path=shots / "console-customer.png", full_page=True)

    # The widget conversation: the same customer, the note is there.
    page.locator(f'#queue-list li[data-escalation-id="{web}"]').get_by_role("button").click()
    expect(page.locator("#ctx-customer")).to_contain_text("Omar Haddad", timeout=SLOW)
    expect(page.locator("#customer-notes")).to_contain_text("prefers email")
    assert dialogs == [] and errors == []
