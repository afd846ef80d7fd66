"""Wrong items the shop sent are the shop's mistake and go to a person, like damage, even before
the order is verified; a customer's own wrong choice is an ordinary return or exchange
(bot/actions/order_flows/return_matching.py, returns.py; issue 20, class 7)."""

from __future__ import annotations

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.knowledge import ActionAnswerQuestion
from bot.actions.knowledge_client import KnowledgeClient
from bot.actions.not_understood import ActionNotUnderstood
from bot.actions.order_flows.form_exits import ActionReportDamaged
from bot.actions.order_flows.return_matching import reason_category
from bot.actions.order_flows.returns import ActionSubmitReturn, ValidateReturnForm
from bot.actions.settings import ActionSettings
from contract.bot_handoff import DAMAGED_ITEM


@pytest.mark.parametrize("text", [
    "you sent me a size S, I ordered an M", "I ordered a large but got a small", "they shipped me a different colour",
    "received a blue one when I ordered green", "this is not what I ordered", "the parcel has someone else's order",
    "I got a scarf instead of the beanie", "the wrong colour turned up", "a different pair of boots arrived",
    # Thanks that are not: the shop's mistake is told all the same.
    "Thank you SO much for sending me a size 6 boot when I ordered an 11. Really made my day.",
])
def test_the_shop_sending_the_wrong_thing_is_a_wrong_item(text: str) -> None:
    assert reason_category(text) == "wrong_item"


@pytest.mark.parametrize("text,category", [
    ("I ordered the wrong size", "fit"), ("it's too small", "fit"), ("I changed my mind", "changed_mind"),
    ("I ordered it two weeks ago and it arrived yesterday, too big", "fit"), ("the seam is ripped", "damaged"),
    ("I ordered the wrong colour, it arrived today", None),
    # The customer's own wrong address or email is no wrong item either.
    ("ugh I'm such an idiot, I gave the wrong address on LK-100237", None),
    ("we entered the wrong email at checkout", None),
])
def test_the_customers_own_choice_and_damage_are_not(text: str, category: str | None) -> None:
    assert reason_category(text) == category


def tracker(reason: str) -> Tracker:
    return Tracker(sender_id="t", slots={"return_reason": reason},
                   latest_message={"text": reason, "intent": {"name": "request_return"}, "entities": []},
                   events=[], paused=False, followup_action=None, active_loop={"name": "return_form"},
                   latest_action_name="action_listen")


async def test_a_wrong_item_ends_the_return_form_before_verification_and_hands_over() -> None:
    reason = "I want to return the jacket, you sent me an S but I ordered an M"
    form = ValidateReturnForm()
    assert await form.required_slots([], CollectingDispatcher(), tracker(reason), {}) == []
    dispatcher = CollectingDispatcher()
    events = await ActionSubmitReturn().run(dispatcher, tracker(reason), {})
    assert {"event": "slot", "timestamp": None, "name": "unresolved_reason", "value": DAMAGED_ITEM} in events
    assert dispatcher.messages[0]["response"] == "utter_damaged_handover"


def damaged(text: str, confidence: float, active_loop: dict[str, str] | None = None) -> Tracker:
    return Tracker(sender_id="t", slots={},
                   latest_message={"text": text, "intent": {"name": "report_damaged", "confidence": confidence},
                                   "entities": []},
                   events=[{"event": "user", "text": text}], paused=False, followup_action=None,
                   active_loop=active_loop or {}, latest_action_name="action_listen")


async def test_report_damaged_without_a_report_is_not_a_hand_over() -> None:
    """'wrong' of a chat window is no wrong item: unsure NLU and no words of damage, no person."""
    closed_port = ActionSettings(knowledge_url="http://127.0.0.1:9", knowledge_timeout=2)
    down = ActionAnswerQuestion(KnowledgeClient(closed_port))
    action = ActionReportDamaged(ActionNotUnderstood(down))
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, damaged("oops, wrong window sorry", 0.3), {})
    assert not [e for e in events if e.get("name") == "unresolved_reason"]
    for text, confidence, loop in [("my coat came scuffed", 0.3, None), ("it's busted", 0.9, None),
                                   ("oops, wrong window sorry", 0.3, {"name": "return_form"})]:
        events = await action.run(CollectingDispatcher(), damaged(text, confidence, loop), {})
        assert {"event": "slot", "timestamp": None, "name": "unresolved_reason", "value": DAMAGED_ITEM} in events
