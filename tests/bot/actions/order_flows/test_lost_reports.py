"""A customer reporting a parcel lost gets a person at once; asking where an order is, or what
happens if a parcel is lost, goes through the status flow (bot/actions/order_flows/lost_reports.py,
delivery.py; issue 20, class 7)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.order_flows.carrier_claims import MARGIN, SHORTEST_WINDOW
from bot.actions.order_flows.delivery import ActionOrderStatus, ValidateOrderStatusForm
from bot.actions.order_flows.lost_reports import opening_message, reports_lost
from contract.bot_handoff import FOLLOW_UP_SLOT, LOST_PARCEL


@pytest.mark.parametrize("text", [
    "my parcel went missing", "the order never got to me", "no tracking update for two weeks now",
    "it's been stuck in the same place for 12 days", "I'm fairly sure the carrier lost my box",
])
def test_reports_of_a_lost_parcel(text: str) -> None:
    assert reports_lost(text)


@pytest.mark.parametrize("text", [
    "where is my order?", "my parcel is two days late", "what happens if a parcel gets lost?",
    "how do you handle lost packages", "the tracking hasn't moved since yesterday", "/check_order_status",
])
def test_not_reports(text: str) -> None:
    assert not reports_lost(text)


def tracker(events: list[dict[str, Any]], slots: dict[str, Any] | None = None) -> Tracker:
    latest = next(e for e in reversed(events) if e["event"] == "user")
    return Tracker(sender_id="t", slots=slots or {},
                   latest_message={"text": latest["text"], "intent": latest["parse_data"]["intent"], "entities": []},
                   events=events, paused=False, followup_action=None, active_loop={"name": "order_status_form"},
                   latest_action_name="action_listen")


def user(text: str, intent: str) -> dict[str, Any]:
    return {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}}}


def test_the_opening_message_is_the_one_of_this_flow() -> None:
    answered = {"event": "action", "name": "action_order_status"}
    # Another order number after a status answer opens a new status flow: the earlier report is not its own.
    assert opening_message(tracker([user("my parcel never arrived", "check_order_status"), answered,
                                    user("LK-100231", "inform")])) == ""
    assert opening_message(tracker([user("lost parcel, LK-100236", "check_order_status"),
                                    user("ava@example.com", "inform")])) == "lost parcel, LK-100236"


async def test_a_lost_parcel_report_ends_the_form_and_brings_in_a_person_unverified() -> None:
    reported = tracker([user("LK-100236 never arrived", "check_order_status")], {"order_number": "LK-100236"})
    assert await ValidateOrderStatusForm().required_slots([], CollectingDispatcher(), reported, {}) == []
    dispatcher = CollectingDispatcher()
    events = await ActionOrderStatus().run(dispatcher, reported, {})
    assert events[0] == {"event": "slot", "timestamp": None, "name": "unresolved_reason", "value": LOST_PARCEL}
    assert dispatcher.messages[0]["response"] == "utter_parcel_reported_lost"
    # No order data before verification: the follow-up counts the shortest claim window from the
    # report (carrier_claims.py), and the customer is told when.
    follow_up = events[1]
    assert follow_up["name"] == FOLLOW_UP_SLOT
    due = datetime.fromtimestamp(follow_up["value"]["due_at"], timezone.utc)
    expected = datetime.now(timezone.utc) + SHORTEST_WINDOW - MARGIN
    assert due.date() in (expected.date(), (expected - timedelta(days=1)).date()) and due.hour == 17
    assert "LK-100236" in follow_up["value"]["note"] and "with the carrier" in follow_up["value"]["note"]
    assert follow_up["value"]["told"] == dispatcher.messages[1]["text"]
    assert f"by {due:%A} {due.day} {due:%B} at 17:00 UTC" in dispatcher.messages[1]["text"]


async def test_a_status_question_still_asks_for_the_order() -> None:
    asked = tracker([user("where is my order", "check_order_status")])
    assert await ValidateOrderStatusForm().required_slots([], CollectingDispatcher(), asked, {}) == [
        "order_number", "order_contact"]
