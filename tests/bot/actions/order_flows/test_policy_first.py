"""A flow's intent asked as a question about the policy gets the policy, then an offer; a request
to act starts the flow (bot/actions/order_flows/policy_first.py). The answer comes from the real
knowledge service."""

from __future__ import annotations

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.knowledge import OFF_DOMAIN_TEXT, ActionAnswerQuestion
from bot.actions.knowledge_client import KnowledgeClient
from bot.actions.order_flows.policy_first import (
    ANSWERED,
    FLOW,
    NOTHING,
    SLOT,
    ActionPolicyFirst,
    asks_about_delivery_policy,
    asks_about_policy,
)
from bot.actions.settings import ActionSettings
from tests.conftest import Stack


def tracker(text: str, intent: str, slots: dict[str, str] | None = None) -> Tracker:
    return Tracker(sender_id="t", slots=slots or {},
                   latest_message={"text": text, "intent": {"name": intent}, "entities": []},
                   events=[], paused=False, followup_action=None, active_loop={}, latest_action_name="action_listen")


def slot(value: str) -> dict[str, object]:
    return {"event": "slot", "timestamp": None, "name": SLOT, "value": value}


@pytest.mark.parametrize("text", [
    "refunds?", "exchanges", "Could I send back swimwear?", "is it possible to return shoes I wore once?",
    "how do I cancel something I just ordered?", "what's the rule on returning sale items", "returning a gift?",
    "may we exchange a coat for another colour?",
    # A wish, then whether the rules allow it: the policy first, then the offer.
    "I want to change the address on an order I placed this morning, is that still possible?",
    # Chat shorthand, written out first: "wots ur" asks as "what's your" does.
    "wots ur exchnge rule", "hw do i cancel smth i ordered",
])
def test_questions_about_the_policy(text: str) -> None:
    assert asks_about_policy(text)


@pytest.mark.parametrize("text", [
    "I want to return my jumper", "please cancel my order", "can you cancel my order?", "refund please",
    "cancel my order?", "return the boots from LK-100233", "/request_return", "exchange it for a medium",
    "I need to send the parka back", "", "cancel it pls",
])
def test_requests_to_act(text: str) -> None:
    assert not asks_about_policy(text)


@pytest.mark.parametrize("text", [
    "When does a delivery count as late?", "what happens if my parcel is lost?", "do you deliver on Saturdays?",
    "how long does it take to ship?", "where do you deliver to?", "is delivery free?",
    # About the customer's own parcel, but asking what the rule is.
    "My parcel hasn't had a tracking update in a while, what happens?", "no scan for 3 days, is that normal?",
])
def test_questions_about_delivery(text: str) -> None:
    assert asks_about_delivery_policy(text)


@pytest.mark.parametrize("text", [
    "where is my order", "when will it arrive?", "has the order shipped?", "delivery status?", "lost package?",
    "and the other order, where is that?", "is my order on its way", "my parcel never arrived", "/check_order_status",
    "any update on LK-100235?", "LK-100235 hasn't moved, what happens?",
    "where's my parcel? it's been 9 days, what happens now",
])
def test_asking_about_ones_own_parcel(text: str) -> None:
    assert not asks_about_delivery_policy(text)


@pytest.mark.parametrize(("text", "intent", "rule"), [
    ("I want to return my jumper", "request_return", "utter_rule_before_return"),
    ("return these trail runners pls", "request_return", "utter_rule_before_return"),
    ("refund please", "request_refund", "utter_rule_before_return"),
    ("exchange it for a medium", "request_exchange", "utter_rule_before_exchange"),
    ("cancel my order", "cancel_order", "utter_rule_before_change"),
    ("please cancel it", "stop", "utter_rule_before_change"),
])
async def test_a_request_to_act_hears_the_rule_then_the_flow_starts(text: str, intent: str, rule: str) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionPolicyFirst().run(dispatcher, tracker(text, intent), {})
    assert events[-1] == slot(FLOW)
    assert [message.get("response") for message in dispatcher.messages] == [rule]


@pytest.mark.parametrize(("text", "slots"), [
    ("cancel LK-100237", {}),  # the form checks that order at once, and says the rule if it fails
    ("cancel it", {"order_number": "LK-100237"}),
    ("/cancel_order", {}),  # the offer after the policy was answered
])
async def test_no_rule_is_said_once_an_order_is_named_or_after_the_offer(text: str, slots: dict[str, str]) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionPolicyFirst().run(dispatcher, tracker(text, "cancel_order", slots), {})
    assert events == [slot(FLOW)]
    assert dispatcher.messages == []


async def test_an_order_named_before_makes_a_short_request_an_action() -> None:
    dispatcher = CollectingDispatcher()
    named = tracker("refund", "request_refund", {"order_number": "LK-100232"})
    events = await ActionPolicyFirst().run(dispatcher, named, {})
    assert events == [slot(FLOW)] and dispatcher.messages == []


async def test_cancel_said_as_stop_starts_the_cancel_flow() -> None:
    events = await ActionPolicyFirst().run(CollectingDispatcher(), tracker("please cancel it", "stop"), {})
    assert events == [{"event": "slot", "timestamp": None, "name": "order_request", "value": "cancel"}, slot(FLOW)]


async def test_a_return_of_a_damaged_item_goes_to_a_person_before_any_form() -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionPolicyFirst().run(
        dispatcher, tracker("I'd like to return the coat, the zip came broken", "request_return"), {})
    assert {"event": "slot", "timestamp": None, "name": "unresolved_reason", "value": "damaged_item"} in events
    assert events[-1] == slot(ANSWERED) and dispatcher.messages[0]["response"] == "utter_damaged_handover"


@pytest.fixture(scope="module")
def help_centre(knowledge_stack: Stack) -> ActionAnswerQuestion:
    settings = ActionSettings(knowledge_url=knowledge_stack.url("knowledge"), knowledge_timeout=10)
    return ActionAnswerQuestion(KnowledgeClient(settings))


async def test_a_policy_question_gets_the_policy_then_the_offer(help_centre: ActionAnswerQuestion) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionPolicyFirst(help_centre).run(
        dispatcher, tracker("Can I send back a swimsuit?", "request_return"), {})
    texts = [m.get("text") or "" for m in dispatcher.messages]
    assert "final sale" in texts[0].lower()  # the policy first
    offer = dispatcher.messages[-1]
    assert [b["payload"] for b in offer["buttons"]] == ["/request_return"]  # then the offer to act
    assert events[-1] == slot(ANSWERED)


async def test_a_delivery_question_gets_the_policy_then_the_offer_to_track(help_centre: ActionAnswerQuestion) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionPolicyFirst(help_centre).run(
        dispatcher, tracker("When does a delivery count as late?", "check_order_status"), {})
    assert dispatcher.messages[0].get("text")  # the help centre's answer first
    assert dispatcher.messages[-1]["buttons"] == [{"title": "Track my order", "payload": "/check_order_status"}]
    assert events[-1] == slot(ANSWERED)


async def test_no_flow_is_offered_after_a_question_declined_as_not_the_shops(
    help_centre: ActionAnswerQuestion,
) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionPolicyFirst(help_centre).run(
        dispatcher, tracker("What's Nike's return policy?", "request_return"), {})
    [declined] = dispatcher.messages
    assert declined["text"] == OFF_DOMAIN_TEXT and not declined["buttons"]
    assert events[-1] == slot(ANSWERED)


async def test_a_status_question_with_an_order_named_starts_the_flow() -> None:
    dispatcher = CollectingDispatcher()
    named = tracker("when does it come?", "check_order_status", {"order_number": "LK-100232"})
    assert await ActionPolicyFirst().run(dispatcher, named, {}) == [slot(FLOW)]
    assert dispatcher.messages == []


async def test_cancel_asked_outside_a_form_gets_the_cancelling_policy(help_centre: ActionAnswerQuestion) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionPolicyFirst(help_centre).run(dispatcher, tracker("cancel?", "stop"), {})
    assert "hour" in (dispatcher.messages[0].get("text") or "")
    assert dispatcher.messages[-1]["buttons"] == [{"title": "Cancel my order", "payload": "/cancel_order"}]
    assert events[-1] == slot(ANSWERED)


async def test_stop_outside_a_form_is_no_policy_question_unless_it_asks_about_cancelling() -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionPolicyFirst().run(dispatcher, tracker("stop", "stop"), {})
    assert events == [slot(NOTHING)]
    assert dispatcher.messages == []


async def test_a_report_the_help_centre_gives_to_a_person_is_handed_over_before_the_flow(
    help_centre: ActionAnswerQuestion,
) -> None:
    # Read as a cancellation by the NLU; the help centre's article declares the case a person's.
    dispatcher = CollectingDispatcher()
    events = await ActionPolicyFirst(help_centre).run(
        dispatcher, tracker("my card was billed two times for the one order", "cancel_order"), {})
    assert {"event": "slot", "timestamp": None, "name": "unresolved_reason", "value": "person_topic"} in events
    assert events[-1] == slot(ANSWERED)


async def test_a_report_the_bot_handles_starts_the_flow(help_centre: ActionAnswerQuestion) -> None:
    events = await ActionPolicyFirst(help_centre).run(
        CollectingDispatcher(), tracker("I ordered it an hour ago and changed my mind", "cancel_order"), {})
    assert events[-1] == slot(FLOW) and not any(e["name"] == "unresolved_reason" for e in events)


async def test_a_wrong_item_told_before_a_change_goes_to_a_person_whichever_article_came_up(
    help_centre: ActionAnswerQuestion,
) -> None:
    """The shop's mistake, as in a return (test_wrong_items.py), though the NLU read a change and
    the help centre's article about changing an order gives nothing to a person."""
    dispatcher = CollectingDispatcher()
    events = await ActionPolicyFirst(help_centre).run(
        dispatcher, tracker("the wrong colour turned up, can I change my order?", "change_order"), {})
    assert {"event": "slot", "timestamp": None, "name": "unresolved_reason", "value": "damaged_item"} in events
    assert dispatcher.messages[0]["response"] == "utter_damaged_handover" and events[-1] == slot(ANSWERED)
