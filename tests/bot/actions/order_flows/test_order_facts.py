"""Facts given outside any form are acknowledged and asked about, never dropped
(bot/actions/order_flows/order_facts.py)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.not_understood import REPHRASE_RESPONSE
from bot.actions.order_flows.order_facts import CHOICES, ActionOrderFacts
from contract.bot_handoff import DAMAGED_ITEM


def tracker(text: str, entities: dict[str, str], slots: dict[str, Any] | None = None) -> Tracker:
    found = [{"entity": name, "value": value} for name, value in entities.items()]
    return Tracker(sender_id="t", slots=slots or {},
                   latest_message={"text": text, "intent": {"name": "inform"}, "entities": found},
                   events=[{"event": "user", "text": text}], paused=False, followup_action=None, active_loop={},
                   latest_action_name="action_listen")


async def said(text: str, entities: dict[str, str], slots: dict[str, Any] | None = None
               ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = await ActionOrderFacts().run(dispatcher, tracker(text, entities, slots), {})
    return dispatcher.messages, events


async def test_a_bare_order_number_is_about_that_order() -> None:
    messages, events = await said("lk100231", {"order_number": "lk100231"})
    assert messages[0]["text"].startswith("Got it: order LK-100231. What can I help you with?")
    assert messages[0]["buttons"] == CHOICES and events == []


async def test_an_item_named_next_belongs_to_the_order_given_before() -> None:
    messages, _ = await said("the rain jacket", {"product_type": "rain jacket"}, {"order_number": "LK-100231"})
    assert messages[0]["text"].startswith("Got it: the rain jacket from order LK-100231.")


async def test_an_email_alone_is_noted() -> None:
    messages, _ = await said("it's sam@example.com", {"email": "sam@example.com"})
    assert messages[0]["text"].startswith("Thanks, I've noted that.")


async def test_a_wrong_item_sent_goes_to_a_person() -> None:
    messages, events = await said("the jacket, you sent me an S but I ordered an M", {"product_type": "jacket"})
    assert {"event": "slot", "timestamp": None, "name": "unresolved_reason", "value": DAMAGED_ITEM} in events
    assert messages[0]["response"] == "utter_damaged_handover"


async def test_no_fact_at_all_is_not_understood() -> None:
    messages, _ = await said("zxcvb", {})
    assert messages[0]["response"] == REPHRASE_RESPONSE
