"""One customer across channels (issue 21), through the whole stack: real Rasa, the action
server, Redis, the handoff service and the Telegram fake provider (stack).

A customer verified an order on the widget yesterday and was helped by a person; today they
write on Telegram, verify another order by postcode, are greeted by name with their open case
(the order backend's), and ask for a person: the agent is shown one customer with both
conversations. ("Yesterday" is the earlier, closed conversation: the link is by the order's
email, not by time.)"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import socketio

from orders.demo_store import DemoStore
from tests.conftest import Stack
from tests.e2e.fake_providers import FakeProviders
from tests.e2e.test_channels import customer, escalation_of, login

OMAR = "omar.h@example.com"


async def widget_conversation(stack: Stack, said: list[tuple[str, str]]) -> str:
    """Chat on the widget (socket.io, as baton-widget.js does); each message waits for a reply
    containing its expected words. The session id, which is the conversation's id."""
    issued = httpx.post(f"{stack.url('handoff')}/widget/sessions", timeout=30).json()
    replies: asyncio.Queue[str] = asyncio.Queue()
    confirmed = asyncio.Event()
    client = socketio.AsyncClient(reconnection=False)
    client.on("bot_uttered", lambda data: replies.put_nowait(data.get("text") or ""))
    client.on("session_confirm", lambda *_: confirmed.set())
    await client.connect(stack.url("rasa"), transports=["websocket"], socketio_path="/socket.io")
    try:
        await client.emit("session_request", {"session_id": issued["session_id"], "secret": issued["secret"]})
        await asyncio.wait_for(confirmed.wait(), 30)
        for text, expected in said:
            await client.emit("user_uttered", {"message": text, "session_id": issued["session_id"]})
            heard: list[str] = []
            async with asyncio.timeout(60):
                while not any(expected.lower() in h.lower() for h in heard):
                    heard.append(await replies.get())
    finally:
        await client.disconnect()
    return issued["session_id"]


@pytest.fixture
def demo_orders_as_seeded(stack: Stack) -> Iterator[None]:
    """The exchange this test starts stays out of the other tests of the session stack, which
    expect the demo orders as seeded (tests/e2e/test_orders.py returns the same sweater)."""
    yield
    DemoStore(Path(stack.settings.var_dir) / "orders.db").reseed()


@pytest.mark.usefixtures("demo_orders_as_seeded")
def test_verified_on_the_widget_yesterday_and_on_telegram_today_is_one_customer(
        stack: Stack, fake_providers: FakeProviders) -> None:
    handoff = stack.url("handoff")
    admin = login(stack, "admin")
    assert httpx.put(f"{handoff}/agents/me/presence", json={"status": "online"}, headers=admin,
                     timeout=30).status_code < 300

    # Yesterday, on the widget: verified LK-100233 by email, asked for a person, resolved.
    session = asyncio.run(widget_conversation(stack, [
        ("where is my order LK-100233?", "email"), (OMAR, "UPS"), ("I want to talk to a real person", "support team"),
    ]))
    yesterday = escalation_of(stack, admin, session)
    assert httpx.post(f"{handoff}/escalations/{yesterday['id']}/claim", headers=admin, timeout=30).status_code == 200
    resolved = httpx.post(f"{handoff}/escalations/{yesterday['id']}/resolve",
                          json={"outcome": "resolved", "handback": False}, headers=admin, timeout=30)
    assert resolved.status_code == 200, resolved.text
    # Meanwhile Omar started an exchange of his sweater (the shop's order backend knows it).
    store = DemoStore(Path(stack.settings.var_dir) / "orders.db")
    order = store.get_order("LK-100232")
    assert order is not None
    sweater = order.items[0]
    size = next(v for v in store.variants(sweater.product_id) if v.in_stock and v.sku != sweater.sku)
    if not store.returns_for("LK-100232"):
        store.create_return("LK-100232", [sweater.sku], "It doesn't fit", "exchange", exchange_to=size.sku)

    # Today, on Telegram: the sender id says nothing, so nothing about Omar is said before he verifies.
    person = customer("telegram", fake_providers)
    assert person.post(stack, "where is my order LK-100232?").status_code < 300
    before = fake_providers.wait_for("telegram", person.recipient, "email")
    assert not any("Omar" in text or "exchange" in text for text in before)
    assert person.post(stack, "10027").status_code < 300
    fake_providers.wait_for("telegram", person.recipient, "Welcome back, Omar. Your exchange for the wool sweater")
    assert person.post(stack, "I want to talk to a real person").status_code < 300
    fake_providers.wait_for("telegram", person.recipient, "support team")
    today = escalation_of(stack, admin, person.sender_id)

    # The agent: one customer, both conversations, the earlier one's outcome, both orders.
    deadline = time.monotonic() + 30
    while True:
        shown = httpx.get(f"{handoff}/escalations/{today['id']}/customer", headers=admin, timeout=30)
        if shown.status_code == 200 or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert shown.status_code == 200, shown.text
    record = shown.json()
    assert (record["email"], record["name"]) == (OMAR, "Omar Haddad")
    # Other tests of the session stack may verify Omar's demo orders too (on the REST channel):
    # this test's conversations are the two holding its escalations.
    holding = {e["id"]: c for c in record["conversations"] for e in c["escalations"]}
    widget, telegram = holding[yesterday["id"]], holding[today["id"]]
    assert (widget["channel"], telegram["channel"]) == ("socketio", "telegram")
    assert [(e["id"], e["outcome"]) for e in widget["escalations"]] == [(yesterday["id"], "resolved")]
    assert [e["id"] for e in telegram["escalations"]] == [today["id"]]
    assert {"LK-100232", "LK-100233"} <= set(record["orders"])
    detail = httpx.get(f"{handoff}/escalations/{today['id']}", headers=admin, timeout=30).json()
    assert {"Website chat", "Telegram"} <= set(detail["glance"]["customer"]["channels"])
    earlier = {e["id"]: e for e in detail["glance"]["earlier"]}
    assert earlier[yesterday["id"]]["channel"] == "Website chat" and not earlier[yesterday["id"]]["this_conversation"]
    # A note on the customer from today's conversation is on yesterday's too.
    note = httpx.post(f"{handoff}/escalations/{today['id']}/customer/notes", json={"text": "prefers email"},
                      headers=admin, timeout=30)
    assert note.status_code == 201, note.text
    on_widget = httpx.get(f"{handoff}/escalations/{yesterday['id']}/customer", headers=admin, timeout=30).json()
    assert [n["text"] for n in on_widget["notes"]] == ["prefers email"]
