"""One customer across channels through the agents' API, on a running replica with its engine,
the real order backend (demo store), Redis and the store; the bot's events are written to the
stream as Rasa's broker writes them.

The scenario of issue 21: a customer verified an order on the widget yesterday (a person helped,
they rated it 5) and verifies another order on Telegram today, by postcode: the agent taking
today's conversation sees one customer with both conversations, their outcome and rating, the
orders and open follow-ups, and notes written on either conversation."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from redis.asyncio import Redis

from handoff.store import escalations as escalation_rows
from handoff.store import tasks as task_rows
from tests.handoff.harness import Server, handoff_settings

STREAM = "test:events"  # the harness's stream
OMAR = "omar.h@example.com"  # the email on Omar's demo orders LK-100232 and LK-100233 (orders/demo_seed.py)


@pytest.fixture
async def server(redis_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Server]:
    monkeypatch.setenv("ORDERS_BACKEND", "demo")
    monkeypatch.setenv("ORDERS_DB", str(tmp_path / "orders.db"))
    settings = handoff_settings(redis_url, f"sqlite:///{tmp_path / 'handoff.db'}", tmp_path)
    async with Server(settings, engine=True) as running:
        yield running


class Bot:
    """Writes a conversation's events to the stream as Rasa's broker does (bot/broker.py)."""

    def __init__(self, redis: Redis, sender: str, channel: str) -> None:
        self.redis, self.sender, self.channel = redis, sender, channel

    async def event(self, event: dict[str, Any]) -> None:
        body = {"timestamp": time.time(), "sender_id": self.sender, **event}
        await self.redis.xadd(STREAM, {"sender_id": self.sender, "type": event["event"], "event": json.dumps(body)})

    async def says(self, text: str, intent: str) -> None:
        await self.event({"event": "user", "text": text, "input_channel": self.channel,
                          "parse_data": {"intent": {"name": intent, "confidence": 0.95}, "entities": []}})

    async def slots(self, **values: Any) -> None:
        for name, value in values.items():
            await self.event({"event": "slot", "name": name, "value": value})


async def until(check, timeout: float = 15.0) -> Any:
    async with asyncio.timeout(timeout):
        while not (found := await check()):
            await asyncio.sleep(0.05)
    return found


async def test_verified_on_the_widget_yesterday_and_on_telegram_today_is_one_customer(server: Server) -> None:
    redis = Redis.from_url(server.settings.redis_url)
    escalations, customers = server.services.escalations, server.services.customers
    assert customers is not None
    # Yesterday on the widget: verified by email, a person helped, a rating of 5.
    widget = Bot(redis, "web-7f3a", "socketio")
    await widget.says("I'd like to exchange the boots from LK-100233", "start_return")
    await widget.slots(order_number="LK-100233", order_contact=OMAR, order_verified=True,
                       verified_orders=["LK-100233"], email=OMAR, unresolved_reason="explicit_request")
    yesterday = await until(lambda: escalations.active_for("web-7f3a"))
    await escalations.db.run(lambda s: escalation_rows.close(
        s, yesterday.id, state="completed", outcome="resolved", by="maya", detail=None, now=time.time()))
    await widget.slots(csat_rating=5)
    await until(lambda: _rated(server, yesterday.id))
    await escalations.db.run(lambda s: task_rows.create(
        s, yesterday.id, agent=None, note="check the exchange shipped", promise=None, due_at=time.time() + 86_400,
        by="bot", now=time.time()))

    # Someone who only typed Omar's address, verifying nothing, is not Omar.
    stranger = Bot(redis, "web-stranger", "socketio")
    await stranger.says(f"my email is {OMAR}", "inform")
    await stranger.slots(order_number="LK-100233", verification_failures=1)

    # Today on Telegram: another of Omar's orders, verified by postcode (no email given at all).
    telegram = Bot(redis, "7001234", "telegram")
    await telegram.says("the sweater from LK-100232 arrived torn", "report_damaged_item")
    await telegram.slots(order_number="LK-100232", order_contact="10027", postcode="10027", order_verified=True,
                         verified_orders=["LK-100232"], unresolved_reason="damaged_item")
    today = await until(lambda: escalations.active_for("7001234"))

    # The packet the engine built knows the customer, and their widget conversation's escalation.
    record = today.packet["customer"]
    assert (record["email"], record["name"]) == (OMAR, "Omar Haddad")
    assert sorted(c["channel"] for c in record["conversations"]) == ["socketio", "telegram"]
    assert sorted(record["orders"]) == ["LK-100232", "LK-100233"] and record["open_tasks"] == 1
    earlier = {e["id"]: e for e in today.packet["earlier_escalations"]}
    assert earlier[yesterday.id]["csat_rating"] == 5 and earlier[yesterday.id]["outcome"] == "resolved"
    assert earlier[yesterday.id]["open_tasks"][0]["note"] == "check the exchange shipped"
    assert await customers.of_sender("web-stranger") is None

    admin, maya, sam = await server.login("admin"), await server.login("maya"), await server.login("sam")
    # The console's panel: one customer, both conversations with channel, outcome and rating.
    glance = (await admin.get(f"/escalations/{today.id}")).json()["glance"]
    assert glance["customer"]["email"] == OMAR and glance["customer"]["conversations"] == 2
    assert set(glance["customer"]["channels"]) == {"Website chat", "Telegram"}
    line = next(e for e in glance["earlier"] if e["id"] == yesterday.id)
    assert (line["channel"], line["outcome"], line["csat_rating"], line["this_conversation"]) == (
        "Website chat", "resolved", 5, False)
    assert line["open_tasks"][0]["note"] == "check the exchange shipped"

    profile = (await admin.get(f"/escalations/{today.id}/customer")).json()
    assert profile["name"] == "Omar Haddad" and len(profile["conversations"]) == 2
    by_channel = {c["channel"]: c for c in profile["conversations"]}
    assert [e["id"] for e in by_channel["socketio"]["escalations"]] == [yesterday.id]
    assert [e["id"] for e in by_channel["telegram"]["escalations"]] == [today.id]
    assert by_channel["telegram"]["orders"] == ["LK-100232"]
    assert "sender_id" not in by_channel["socketio"]  # a widget's id is the key to its session

    # A note on the customer, written on today's conversation, is read on yesterday's.
    added = await maya.post(f"/escalations/{today.id}/customer/notes", json={"text": "prefers email"})
    assert added.status_code == 201, added.text
    note = added.json()
    assert (note["author"], note["text"]) == ("maya", "prefers email") and note["at"] > 0
    on_widget = (await maya.get(f"/escalations/{yesterday.id}/customer")).json()
    assert [n["text"] for n in on_widget["notes"]] == ["prefers email"]
    entries = (await admin.get("/audit")).json()["events"]
    assert any(e["action"] == "customer_note.added" and e["actor"] == "maya" and "prefers" not in json.dumps(e)
               for e in entries)

    # Sam's teams handle neither escalation: no customer through them, and no note from him.
    assert (yesterday.team, today.team) == ("returns", "returns")
    assert (await sam.get(f"/escalations/{today.id}/customer")).status_code == 403
    assert (await sam.post(f"/escalations/{today.id}/customer/notes", json={"text": "x"})).status_code == 403
    assert (await sam.delete(f"/escalations/{today.id}/customer/notes/{note['id']}")).status_code == 403
    # Bad input: too long, empty, unknown note, an escalation without a verified customer.
    for body, code in (({"text": "x" * 501}, 422), ({"text": "   "}, 422), ({}, 422)):
        assert (await maya.post(f"/escalations/{today.id}/customer/notes", json=body)).status_code == code
    assert (await maya.delete(f"/escalations/{today.id}/customer/notes/999999")).status_code == 404
    assert (await admin.get("/escalations/999999/customer")).status_code == 404
    # Only its author or an admin deletes a note.
    assert (await admin.delete(f"/escalations/{today.id}/customer/notes/{note['id']}")).status_code == 200
    assert (await maya.get(f"/escalations/{today.id}/customer")).json()["notes"] == []
    for client in (admin, maya, sam):
        await client.aclose()
    await redis.aclose()


async def _rated(server: Server, escalation_id: int) -> bool:
    return (await server.services.escalations.get(escalation_id)).csat_rating == 5


async def test_an_agent_sees_other_teams_escalations_of_the_customer_only_as_a_count(server: Server) -> None:
    redis = Redis.from_url(server.settings.redis_url)
    escalations = server.services.escalations
    for sender, channel in (("web-liam", "socketio"), ("whatsapp:+15550001", "twilio")):
        bot = Bot(redis, sender, channel)
        await bot.says("where is my parka, LK-100235", "order_status")
        await bot.slots(order_number="LK-100235", postcode="M5V2T6", order_verified=True,
                        verified_orders=["LK-100235"])
    assert server.services.customers is not None
    await until(lambda: server.services.customers.of_sender("whatsapp:+15550001"))
    returns = await escalations.open(sender_id="web-liam", channel="socketio", reason="damaged_item", team="returns",
                                     frustration=0.2, packet={"summary_line": "torn parka"})
    delivery = await escalations.open(sender_id="whatsapp:+15550001", channel="twilio", reason="frustration",
                                      team="delivery", frustration=0.6, packet={"summary_line": "late parka"})
    sam = await server.login("sam")  # delivery and general
    record = (await sam.get(f"/escalations/{delivery.id}/customer")).json()
    assert record["email"] == "liam.obrien@example.com"
    by_channel = {c["channel"]: c for c in record["conversations"]}
    assert (by_channel["socketio"]["escalations"], by_channel["socketio"]["other_teams_escalations"]) == ([], 1)
    assert [e["id"] for e in by_channel["twilio"]["escalations"]] == [delivery.id]
    assert (await sam.get(f"/escalations/{returns.id}/customer")).status_code == 403
    await sam.aclose()
    await redis.aclose()
