"""A question about a policy gets the policy; a request to act starts the flow (issue 20, class 13).

"Can I return a final-sale item?", "refunds?", "how do I cancel an order?" are classified as the
flows' intents (request_return, cancel_order...), because they are about them, but they ask what
the rules are. Starting a form there asks for an order number and never answers. So before a
flow starts, `action_policy_first` reads how the request is put: a question about the policy is
answered from the help centre (`ActionAnswerQuestion`, unchanged) and followed by an offer to
start the flow as a button; anything else starts the flow (the slot `policy_first` chooses the
branch in bot/data/orders_rules.yml). A return request that already says the item came damaged or
wrong goes to a person at once, as does a report of the customer's own case that the help centre
gives to a person (an article's `person_case`: "I got charged twice", read as a cancellation;
bot/actions/own_case.py), and a "stop" outside any form is read here too: "cancel?" asks
about cancelling, "please cancel it" cancels, a bare "stop" has nothing to stop.

Delivery questions are read more strictly, because "when will my order arrive?" has the form of
a question and asks about the customer's own parcel: a status question is a delivery policy
question only when it asks what happens if ("what if a parcel is late?") or names no parcel of
the customer's ("when does a delivery count as late?", "do you deliver on Saturdays?"). A report
of a lost parcel always starts the flow, which hands it to a person (lost_reports.py).

The reading is by the sentence's form, not its topic: a question the customer asks about
themselves or the rules ("can I", "is it possible", "how do I", a bare "returns?") is a
question; a request the bot is to carry out ("can you cancel my order", "I want to return my
jumper", a message with an order number, a button) is an action.
"""

from __future__ import annotations

import re

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.actions.handover import promise_person
from bot.actions.knowledge import ActionAnswerQuestion
from bot.actions.order_flows.lost_reports import STATUS_INTENT, asks_what_if, reports_lost
from bot.actions.order_flows.return_matching import HANDOVER_REASONS, reason_category
from bot.actions.own_case import asks_for_exception, reports_own_case, speaks_of_self
from contract.bot_handoff import DAMAGED_ITEM
from contract.text_speak import expand
from orders.identity import normalize_order_number

SLOT = "policy_first"
# Its values, which choose the rule that follows (bot/data/orders_rules.yml): the request was
# answered before any flow (a policy question, or a damaged item handed over), the flow starts,
# or a "stop" had nothing to stop.
ANSWERED, FLOW, NOTHING = "answered", "flow", "nothing"
RETURN_INTENTS = frozenset({"request_return", "request_exchange", "request_refund"})
# The offer after the policy, per flow intent: the button starts the flow (its payload is never
# read as a question, see asks_about_policy).
OFFERS = {
    "request_return": ("If you'd like to send something back, I can start a return now.", "Start a return",
                       "/request_return"),
    "request_refund": ("If you'd like to send something back for a refund, I can start a return now.",
                       "Start a return", "/request_return"),
    "request_exchange": ("If you'd like another size or colour, I can start an exchange now.", "Start an exchange",
                         "/request_exchange"),
    "cancel_order": ("If your order is recent, I can check whether it can still be cancelled.", "Cancel my order",
                     "/cancel_order"),
    "change_order": ("If your order is recent, I can check whether it can still be changed.", "Change my order",
                     "/change_order"),
    STATUS_INTENT: ("If you'd like to know where your own order is, I can look it up now.", "Track my order",
                    "/check_order_status"),
}

# The rule a flow runs under, said when a request to act starts it and the next question is the
# order number: "cancel my order" hears the hour, "return these trail runners pls" the 30 days and
# the tags, before giving a number (issue 20, class 13: the policy first). Not after a button (its
# policy was just answered) nor with an order already named (the form checks that order at once,
# and says the rule if it does not hold).
RULES = {
    "request_return": "utter_rule_before_return",
    "request_refund": "utter_rule_before_return",
    "request_exchange": "utter_rule_before_exchange",
    "cancel_order": "utter_rule_before_change",
    "change_order": "utter_rule_before_change",
}

# The answers after which the flow is offered: the help centre's, or none it could give.
_OFFER_AFTER = frozenset({"article", "choice", "no_match", "unavailable"})

# The customer asks about themselves or the rules: "can I", "could we", "is it possible", "how do I".
_QUESTION_START = re.compile(
    r"^(?:(?:can|could|may|might|do|does|is|are|will|would|am|should|must|what|what's|whats|how|when|which|"
    r"where|why|who|if)\b(?!\s+(?:you|u|ya|someone|somebody|anyone|y'all)\b))",
    re.IGNORECASE,
)
_QUESTION_INSIDE = re.compile(
    r"\b(?:is (?:it|that|this) (?:still |even )?possible|am i able|are we able|am i allowed|are you allowed|"
    r"allowed to|(?:if|whether) (?:i|we) can|(?:can|could) (?:that|this) (?:still )?be done|"
    r"what(?:'s| is) the (?:policy|rule)|policy on|rules? (?:on|for|about)|how (?:do|can|does|long))\b",
    re.IGNORECASE,
)
# Words that make a message a request, not a question ("refund please", "cancel my order?").
_ACTING = re.compile(r"\b(?:please|pls|plz|my|it|this|these|them|want|need|start|now)\b", re.IGNORECASE)
_WORD = re.compile(r"[\w'-]+")
# A status question about the customer's own parcel: besides their own words (own_case.py), "they",
# "the order", "where", "status", or "it" arriving ("when will it arrive?").
_WHERE = re.compile(r"\bwhere(?:'s|s|\s+(?:is|are|has|have))\b", re.IGNORECASE)
_OWN_PARCEL = re.compile(
    r"\b(?:they|them|their|status|track)\b|"
    r"\bthe (?:order|parcel|package|delivery|shipment|item|stuff|things|other)\b|"
    rf"{_WHERE.pattern}|"
    r"\bit\s+(?:arrive|come|get here|be (?:delivered|here|shipped)|ship|shipped|turn up|show up)\b",
    re.IGNORECASE,
)
# A status message that asks what the rule is, even about the customer's own parcel: "what happens?",
# "is that normal?", "what do you do then?". The policy answers it, and the offer looks the order up.
_ASKS_THE_RULE = re.compile(
    r"\bwhat happens\b|\bwhat (?:do|will|would) you (?:guys )?do\b|\bis (?:that|this|it) normal\b|"
    r"\bwhen (?:is|does) (?:it|a parcel|a package|an order) (?:count|considered|treated)\b",
    re.IGNORECASE,
)
# "stop" outside a form has nothing to stop; "cancel?" said there asks about cancelling an order.
STOP = "stop"
_CANCEL = re.compile(r"\bcancel", re.IGNORECASE)


def asks_about_policy(text: str) -> bool:
    """Whether `text`, classified as a flow's intent, asks what the policy is rather than asking
    the bot to act. A button's payload or a message naming an order number is always an action."""
    text = (text or "").strip()
    if not text or text.startswith("/") or normalize_order_number(text):
        return False
    text = expand(text)  # "wots ur return polisy" asks as "what's your return polisy" does
    if len(_WORD.findall(text)) == 1:
        return True  # "refunds", "exchange?": the topic, asked
    if text.endswith("?") and not _ACTING.search(text):
        return True  # "returning a gift card?"
    return bool(_QUESTION_START.search(text) or _QUESTION_INSIDE.search(text))


def asks_about_delivery_policy(text: str) -> bool:
    """Whether `text`, classified as a status request, asks what the delivery rules are rather than
    where the customer's own order is."""
    text = (text or "").strip()
    if reports_lost(text) or normalize_order_number(text):
        return False
    if _ASKS_THE_RULE.search(text) and not _WHERE.search(text):
        return True  # "my parcel hasn't had an update in a while, what happens?": the rule, then the offer
    if not asks_about_policy(text):
        return False
    return asks_what_if(text) or not (speaks_of_self(text) or _OWN_PARCEL.search(text))


class ActionPolicyFirst(Action):
    """Before a flow starts: a question about its policy is answered first, with an offer."""

    def __init__(self, answer: ActionAnswerQuestion | None = None) -> None:
        self.answer = answer or ActionAnswerQuestion()

    def name(self) -> str:
        return "action_policy_first"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        intent = (tracker.latest_message.get("intent") or {}).get("name") or ""
        text = tracker.latest_message.get("text") or ""
        events: list[EventType] = []
        if intent == STOP:
            if not _CANCEL.search(text):
                return [SlotSet(SLOT, NOTHING)]  # nothing to stop outside a form
            intent = "cancel_order"  # "cancel?", "please cancel it": about cancelling an order
            events.append(SlotSet("order_request", "cancel"))
        if intent not in OFFERS:
            return [*events, SlotSet(SLOT, FLOW)]
        if intent == STATUS_INTENT:
            if tracker.get_slot("order_number") or not asks_about_delivery_policy(text):
                return [*events, SlotSet(SLOT, FLOW)]
            return [*events, *await self.answer_then_offer(dispatcher, tracker, domain, intent)]
        if intent in RETURN_INTENTS and reason_category(text) in HANDOVER_REASONS:
            # "I want to return it, it came torn": a person's case before any form (form_exits.py).
            promised = promise_person(dispatcher, DAMAGED_ITEM, response="utter_damaged_handover")
            return [*promised, SlotSet("return_reason", text[:300]), SlotSet(SLOT, ANSWERED)]
        if reports_own_case(text) or asks_for_exception(text):
            handed = await self.answer.hand_over_reported_case(dispatcher, text)
            if handed:
                return [*events, *handed, SlotSet(SLOT, ANSWERED)]
        # An order already named in this conversation, and no question mark: "cancel it" acts on it.
        acting_on_known_order = bool(tracker.get_slot("order_number")) and "?" not in text
        if acting_on_known_order or not asks_about_policy(text):
            return [*events, *self.start_flow(dispatcher, tracker, intent, text)]
        return [*events, *await self.answer_then_offer(dispatcher, tracker, domain, intent)]

    @staticmethod
    def start_flow(dispatcher: CollectingDispatcher, tracker: Tracker, intent: str, text: str) -> list[EventType]:
        named = tracker.get_slot("order_number") or normalize_order_number(text)
        if intent in RULES and not named and not text.strip().startswith("/"):
            dispatcher.utter_message(response=RULES[intent])
        return [SlotSet(SLOT, FLOW)]

    async def answer_then_offer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict, intent: str
    ) -> list[EventType]:
        reply = await self.answer.reply(dispatcher, tracker)
        # No flow is offered after a decline (not the shop's question) or a promised person.
        if reply.kind in _OFFER_AFTER:
            offer, title, payload = OFFERS[intent]
            dispatcher.utter_message(text=offer, buttons=[{"title": title, "payload": payload}])
        return [*reply.events, SlotSet(SLOT, ANSWERED)]
