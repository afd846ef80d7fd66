"""Where an agent's follow-up reaches the customer (handoff/escalations/reach.py), on a running
replica with its engine, the demo order backend, Redis and the store; the bot's events are
written to the stream as Rasa's broker writes them. Nothing listens where Rasa would be, so a
chat message that passes the checks fails at Rasa (502): the checks are what these tests read."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from redis.asyncio import Redis

from tests.handoff.api.test_customers_api import OMAR, Bot, until
from tests.handoff.harness import Server, handoff_settings

AVA = "ava.j@example.com"
HOUR = 3600.0


@pytest.fixture
async def server(redis_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Server]:
    monkeypatch.setenv("ORDERS_BACKEND", "demo")
    monkeypatch.setenv("ORDERS_DB", str(tmp_path / "orders.db"))
    settings = handoff_settings(redis_url, f"sqlite:///{tmp_path / 'handoff.db'}", tmp_path)
    async with Server(settings, engine=True) as running:
        yield running


class TimedBot(Bot):
    async def says_at(self, text: str, intent: str, at: float) -> None:
        await self.event({"event": "user", "text": text, "input_channel": self.channel, "timestamp": at,
                          "parse_data": {"intent": {"name": intent, "confidence": 0.95}, "entities": []}})


async def test_whatsapp_outside_24_hours_refuses_the_chat_and_offers_email(server: Server) -> None:
    redis = Redis.from_url(server.settings.redis_url)
    whatsapp = TimedBot(redis, "whatsapp:+15550001111", "twilio")
    await whatsapp.says_at("my parcel never arrived", "check_order_status", time.time() - 25 * HOUR)
    await whatsapp.slots(order_number="LK-100236", order_verified=True, verified_orders=["LK-100236"], email=AVA,
                         unresolved_reason="lost_parcel")
    escalation = await until(lambda: server.services.escalations.active_for(whatsapp.sender))
    sam, maya = await server.login("sam"), await server.login("maya")
    assert (await sam.post(f"/escalations/{escalation.id}/claim")).status_code == 200

    reach = (await sam.get(f"/escalations/{escalation.id}/reach")).json()
    assert (reach["channel_label"], reach["whatsapp"], reach["open"], reach["email_offered"]) == (
        "WhatsApp", True, False, True)
    assert reach["window_closes_at"] == pytest.approx(reach["last_customer_at"] + 24 * HOUR)
    refused = await sam.post(f"/escalations/{escalation.id}/messages", json={"text": "Any news on your parcel?"})
    assert refused.status_code == 409
    reason = refused.json()["detail"]
    assert "WhatsApp only delivers our messages within 24 hours" in reason and "email form" in reason
    # Telling the customer about a follow-up is a chat message too.
    told = await sam.post(f"/escalations/{escalation.id}/tasks", json={
        "due_at": time.time() + 24 * HOUR, "note": "call USPS", "promise": "check with USPS", "tell_customer": True})
    assert told.status_code == 409 and "WhatsApp" in told.json()["detail"]
    assert (await sam.get(f"/escalations/{escalation.id}/tasks")).json() == []
    # An agent who may not see the escalation learns nothing of it.
    assert (await maya.get(f"/escalations/{escalation.id}/reach")).status_code == 403

    # The customer writes again: the window is open for 24 hours and the chat message goes to Rasa.
    await whatsapp.says("hello? any news", "inform")

    async def reopened() -> dict | None:
        now = (await sam.get(f"/escalations/{escalation.id}/reach")).json()
        return now if now["open"] else None

    reach = await until(reopened)
    assert reach["window_closes_at"] == pytest.approx(time.time() + 24 * HOUR, abs=60)
    sent = await sam.post(f"/escalations/{escalation.id}/messages", json={"text": "Any news on your parcel?"})
    assert sent.status_code == 502 and "Rasa could not be reached" in sent.json()["detail"]
    await redis.aclose()


async def test_sms_on_the_same_connector_has_no_window(server: Server) -> None:
    redis = Redis.from_url(server.settings.redis_url)
    sms = TimedBot(redis, "+15550002222", "twilio")
    await sms.says_at("I want a person", "request_human", time.time() - 72 * HOUR)
    await sms.slots(unresolved_reason="explicit_request")
    escalation = await until(lambda: server.services.escalations.active_for(sms.sender))
    admin = await server.login("admin")
    reach = (await admin.get(f"/escalations/{escalation.id}/reach")).json()
    assert (reach["channel_label"], reach["whatsapp"], reach["open"], reach["email_offered"]) == (
        "SMS", False, True, False)
    await redis.aclose()


async def test_a_follow_up_goes_to_the_channel_the_customer_last_used(server: Server) -> None:
    redis = Redis.from_url(server.settings.redis_url)
    escalations = server.services.escalations
    # On the widget yesterday: Omar verified LK-100233 and a person was called.
    widget = TimedBot(redis, "web-omar", "socketio")
    await widget.says_at("I'd like to exchange the boots from LK-100233", "start_return", time.time() - 20 * HOUR)
    await widget.slots(order_number="LK-100233", order_verified=True, verified_orders=["LK-100233"], email=OMAR,
                       unresolved_reason="explicit_request")
    on_widget = await until(lambda: escalations.active_for("web-omar"))
    admin = await server.login("admin")
    reach = (await admin.get(f"/escalations/{on_widget.id}/reach")).json()
    assert (reach["channel"], reach["this_conversation"]) == ("socketio", True)
    assert await escalations.chat_target(on_widget) == "web-omar"

    # Today he verified another order on Telegram and wrote there last: the follow-up goes there.
    telegram = TimedBot(redis, "7002", "telegram")
    await telegram.says("is my sweater from LK-100232 on its way", "check_order_status")
    await telegram.slots(order_number="LK-100232", order_contact="10027", postcode="10027", order_verified=True,
                         verified_orders=["LK-100232"])

    async def moved() -> dict | None:
        now = (await admin.get(f"/escalations/{on_widget.id}/reach")).json()
        return now if now["channel"] == "telegram" else None

    reach = await until(moved)
    assert (reach["channel_label"], reach["this_conversation"], reach["open"]) == ("Telegram", False, True)
    assert await escalations.chat_target(on_widget) == "7002"
    # A stranger who typed Omar's address without verifying is not Omar: his widget stays Omar's own.
    stranger = TimedBot(redis, "web-stranger", "socketio")
    await stranger.says(f"my email is {OMAR}", "inform")
    await stranger.slots(unresolved_reason="explicit_request")
    theirs = await until(lambda: escalations.active_for("web-stranger"))
    assert await escalations.chat_target(theirs) == "web-stranger"
    await redis.aclose()
