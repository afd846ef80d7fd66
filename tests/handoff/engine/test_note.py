"""The colleague's note (handoff/engine/note.py): two lines for every hand-over reason, from the
timeline, the real demo order backend's orders and availability; never a fact nobody gave."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from contract import bot_handoff as contract
from handoff.engine.context import typed_order_number, unverified_order
from handoff.engine.note import BLOCKER, build_note, order_state
from handoff.engine.summary import build_summary
from handoff.engine.timeline import Line, Timeline
from orders.demo_seed import demo_orders

NOW = datetime(2026, 12, 6, 12, tzinfo=UTC)
TODAY = NOW.date()
ORDERS = {order.number: order.to_dict() for order in demo_orders(NOW)}


def timeline(*turns: tuple[str, str, str | None], slots: dict[str, Any] | None = None) -> Timeline:
    """(role, text, intent for a customer or action for the bot), 20 seconds apart."""
    lines = [Line(role=role, text=text, time=1_700_000_000.0 + 20 * n,
                  intent=extra if role == "customer" else None, action=extra if role == "bot" else None)
             for n, (role, text, extra) in enumerate(turns)]
    return Timeline(lines=lines, slots=dict(slots or {}), channel="rest")


def note(tl: Timeline, reason: str, *, score: float = 0.0, order_number: str | None = None, name: str | None = None,
         order: dict[str, Any] | None = None, availability: dict[str, Any] | None = None) -> list[str]:
    summary = build_summary(tl, reason, score, {})
    return build_note(tl, goal=summary.goal, intent=summary.main_intent, reason=reason,
                      order_number=order_number or typed_order_number(tl), name=name, order=order,
                      availability=availability, today=TODAY)


LATE_PARKA = timeline(
    ("customer", "where's my parka, order LK-100235", "check_delivery"),
    ("bot", "Thanks. To make sure it's you, what postcode is on the order?", "utter_ask_postcode"),
    ("customer", "M5V 2T6", "inform"),
    ("bot", "Your order LK-100235 is with Canada Post and running late: it was due on 3 December.",
     "action_check_delivery"),
    ("customer", "it's 3 days late, where is it??", "check_delivery"),
    ("bot", "I can refund the shipping cost.", "action_refund_shipping"),
    ("customer", "I don't want a refund, I want my parka. This is ridiculous", "check_delivery"),
    slots={"order_number": "LK-100235", "order_verified": True},
)


def test_a_verified_late_order_reads_like_a_colleagues_note() -> None:
    first, second = note(LATE_PARKA, "frustration", score=0.8, order_number="LK-100235", name="Liam O'Brien",
                         order=ORDERS["LK-100235"])
    assert first == ("Liam O'Brien asks where order LK-100235 (down parka) is: \"where's my parka, order LK-100235\". "
                     "It is 3 days late (promised 2026-12-03); asked 3 times, upset.")
    assert second == ("Bot answered \"I can refund the shipping cost.\" "
                      "Handed over: the customer is frustrated.")


def test_an_unverified_order_shows_only_its_state_and_no_name() -> None:
    first, _ = note(LATE_PARKA, "frustration", order_number="LK-100235",
                    order=unverified_order(ORDERS["LK-100235"]))
    assert first.startswith("The customer asks where order LK-100235 is:")
    assert "Its status is shipped" in first and "Liam" not in first and "parka)" not in first


@pytest.mark.parametrize(("reason", "turns", "expected"), [
    (contract.EXPLICIT_REQUEST,
     [("customer", "hello", "greet"), ("bot", "Hi, how can I help?", "utter_greet"),
      ("customer", "can I talk to a real person please", "request_human")],
     ("The customer asked for a person: \"can I talk to a real person please\".",
      "Bot only greeted. Handed over: the customer asked for a person.")),
    ("frustration",
     [("customer", "do you ship to Australia?", "ask_question"),
      ("bot", "We ship to the US, Canada, the UK and the EU. Did that help?", "action_answer_question"),
      ("customer", "so no shipping to Sydney at all?", "ask_question"),
      ("bot", "We ship to the US, Canada, the UK and the EU. Did that help?", "action_answer_question"),
      ("customer", "wow, super helpful. you said that already", "deny")],
     ("The customer asks: \"do you ship to Australia?\" Asked 2 times, upset.",
      "Bot answered \"We ship to the US, Canada, the UK and the EU. Did that help?\" (2 times). "
      "Handed over: the customer is frustrated.")),
    (contract.NLU_FALLBACK_REPEATED,
     [("customer", "can u do the thing for my mom's b-day", "nlu_fallback"),
      ("bot", "Sorry, I didn't understand that.", "utter_default"),
      ("customer", "like wrapping and a card or somethin", "nlu_fallback"),
      ("bot", "Sorry, I didn't understand that.", "utter_default")],
     ("The customer wrote: \"can u do the thing for my mom's b-day\".",
      "Bot did not understand 2 messages. Handed over: the bot did not understand the customer twice in a row.")),
    (contract.KNOWLEDGE_NO_MATCH,
     [("customer", "can I pay with a voucher from the newsletter?", "ask_question"),
      ("bot", "I couldn't find an answer to that in our help centre.", "action_answer_question")],
     ("The customer asks: \"can I pay with a voucher from the newsletter?\"",
      "Bot answered \"I couldn't find an answer to that in our help centre.\" "
      "Handed over: the help centre has no answer to this.")),
    (contract.KNOWLEDGE_REJECTED,
     [("customer", "how do I return one item from an order", "ask_question"),
      ("bot", "Returns are accepted within 30 days of delivery.", "action_answer_question"),
      ("customer", "no", "deny")],
     ("The customer asks: \"how do I return one item from an order\".",
      "Bot answered \"Returns are accepted within 30 days of delivery.\" "
      "Handed over: the customer said the help centre's answers did not help.")),
    (contract.VERIFICATION_FAILED,
     [("customer", "where is my order LK-100231", "check_delivery"),
      ("bot", "What email address is on the order?", "utter_ask_email"),
      ("customer", "maya@example.com", "inform"), ("customer", "maya.c@example.com", "inform")],
     ("The customer asks where order LK-100231 is: \"where is my order LK-100231\".",
      "Bot asked for the email. Handed over: the customer could not verify the order (do not share its details).")),
    (contract.LOST_PARCEL,
     [("customer", "my backpack has not moved in a week", "check_delivery")],
     ("The customer asks where their order is: \"my backpack has not moved in a week\".",
      "Bot had not answered yet. Handed over: the parcel looks lost; a person opens the carrier investigation.")),
    (contract.POLICY_EXCEPTION,
     [("customer", "I was in hospital, can I return the boots after 41 days?", "start_return")],
     ("The customer wants to return something: \"I was in hospital, can I return the boots after 41 days?\"",
      "Bot had not answered yet. Handed over: the customer asks for an exception to the policy, "
      "which only a person can grant.")),
    (contract.DAMAGED_ITEM,
     [("customer", "the sweater arrived with a hole in the sleeve", "start_return")],
     ("The customer wants to return something: \"the sweater arrived with a hole in the sleeve\".",
      "Bot had not answered yet. Handed over: a damaged or wrong item, which only a person can settle.")),
    (contract.FLOW_FAILED,
     [("customer", "cancel my order please", "cancel_order")],
     ("The customer wants to cancel an order: \"cancel my order please\".",
      "Bot had not answered yet. Handed over: the order system failed twice, so the bot could not finish.")),
])
def test_every_reason_reads_naturally(reason: str, turns: list[tuple[str, str, str | None]],
                                      expected: tuple[str, str]) -> None:
    assert tuple(note(timeline(*turns), reason)) == expected
    assert BLOCKER[reason] in expected[1]


def test_out_of_hours_says_what_the_customer_was_offered() -> None:
    tl = timeline(("customer", "can someone call me about my order?", "request_human"),
                  slots={"email": "maya.chen@example.com"})
    availability = {"available": False, "open_now": False, "next_opening": "2026-12-07T08:00:00-05:00"}
    _, second = note(tl, contract.EXPLICIT_REQUEST, availability=availability)
    assert second == ("Bot had not answered yet. Handed over: the customer asked for a person. Nobody can take it "
                      "now: out of hours (next opening 2026-12-07 08:00); email follow-up to maya.chen@example.com "
                      "offered.")
    during_hours = {"available": False, "open_now": True, "next_opening": None}
    _, second = note(tl, contract.EXPLICIT_REQUEST, availability=during_hours)
    assert second.endswith("Nobody can take it now: nobody of the team online; email follow-up to "
                           "maya.chen@example.com offered.")


def test_an_unknown_reason_is_named_in_words_and_nothing_is_invented() -> None:
    first, second = note(timeline(), "fraud_suspected")
    assert first == "The customer wrote."
    assert second == "Bot had not answered yet. Handed over: fraud suspected."


def test_the_items_named_are_whole_words_of_the_order() -> None:
    order = ORDERS["LK-100234"]  # swimsuit and sun hat
    asked = timeline(("customer", "what about the swimsuits from LK-100234", "ask_question"))
    first, _ = note(asked, "frustration", order=order, name="Sofia Rossi")
    assert "order LK-100234 (swimsuit)" in first  # "what" does not name the hat
    both = timeline(("customer", "the hat and the swimsuit of LK-100234", "ask_question"))
    assert "(swimsuit, sun hat)" in note(both, "frustration", order=order)[0]


def test_hostile_lengths_are_bounded() -> None:
    tl = timeline(("customer", "x" * 100_000, "ask_question"), ("bot", "y" * 100_000, "action_answer_question"))
    first, second = note(tl, "z" * 10_000, name="N" * 10_000)
    assert len(first) < 200 and len(second) < 250


@pytest.mark.parametrize(("number", "expected"), [
    ("LK-100235", "it is 3 days late (promised 2026-12-03)"),
    ("LK-100231", "it is on its way, due 2026-12-07"),
    ("LK-100234", "it was delivered on 2026-12-01"),
    ("LK-100237", "its status is placed"),
    # Two shipments, one delivered, one due: the one still coming is what the customer asks about.
    ("LK-100238", "it is on its way, due 2026-12-08"),
])
def test_order_state_comes_from_the_order_backend(number: str, expected: str) -> None:
    assert order_state(ORDERS[number], TODAY) == expected


def test_order_state_of_nothing_is_nothing() -> None:
    assert order_state(None, TODAY) is None
    assert order_state({"shipments": "not a list"}, date(2026, 1, 1)) is None


def test_the_summary_keeps_the_customers_own_words_without_courtesies() -> None:
    tl = timeline(("customer", "hi", "greet"), ("customer", "LK100238", "inform"),
                  ("customer", "I paid $14.95 for express", "ask_question"), ("customer", "thanks", "thank"),
                  ("customer", "LK100238", "inform"))
    assert build_summary(tl, "frustration", 0.0, {}).said == ["LK100238", "I paid $14.95 for express"]
