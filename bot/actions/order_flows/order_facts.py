"""Facts given outside any form (issue 20, class 5): a first message that is only an order number,
an item named next, an email or postcode before anything was asked.

Rasa keeps them already: the slots `order_number`, `product_type` and `order_contact` fill from
their entities in any message (bot/domain/orders.yml), and every order form validates what is
filled when it starts (verification.py), so nothing said is asked again. What was missing is an
answer: without this action such a message fell to the help centre and got "I don't know". Here
the bot says what it understood ("about this order") and asks what the customer needs, with the
flows as buttons. A message with none of these facts is not understood (not_understood.py).
"""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.actions.not_understood import ActionNotUnderstood
from bot.actions.order_flows.form_exits import ActionReportDamaged
from bot.actions.order_flows.return_matching import HANDOVER_REASONS, reason_category
from orders.identity import normalize_email, normalize_order_number, normalize_postcode

# What the customer can do about an order; the damaged-or-wrong button goes straight to a person
# (form_exits.py), as the handbook gives those to a person.
CHOICES = [
    {"title": "Where is it?", "payload": "/check_order_status"},
    {"title": "Return or exchange", "payload": "/request_return"},
    {"title": "Cancel or change it", "payload": "/cancel_order"},
    {"title": "It arrived damaged or wrong", "payload": "/report_damaged"},
]
ASK = ("What can I help you with? I can check where it is, start a return or exchange, cancel or change it, "
       "or tell me what's wrong.")


def _latest(tracker: Tracker, entity: str) -> str | None:
    value = next(tracker.get_latest_entity_values(entity), None)
    return str(value).strip() if value else None


def acknowledgement(number: str | None, item: str | None, contact_given: bool) -> str | None:
    """What the bot says it understood, or None if the message named no order fact."""
    if number and item:
        return f"Got it: the {item} from order {number}."
    if number:
        return f"Got it: order {number}."
    if item:
        return f"Got it: the {item}."
    if contact_given:
        return "Thanks, I've noted that."
    return None


class ActionOrderFacts(Action):
    """An `inform` outside any form: keep what was said (the slots do) and ask what it is about."""

    def __init__(self, not_understood: Action | None = None) -> None:
        self.not_understood = not_understood or ActionNotUnderstood()

    def name(self) -> str:
        return "action_order_facts"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        if reason_category(tracker.latest_message.get("text") or "") in HANDOVER_REASONS:
            # "the jacket, you sent me an S and I ordered an M": the problem outweighs the facts.
            return list(await ActionReportDamaged().run(dispatcher, tracker, domain))
        number = normalize_order_number(_latest(tracker, "order_number"))
        item = _latest(tracker, "product_type")
        contact = _latest(tracker, "email") or _latest(tracker, "postcode")
        contact_given = bool(normalize_email(contact) or normalize_postcode(contact))
        if item and not number:
            # "the rain jacket" after "LK-100231": the item is of the order already given.
            number_before = tracker.get_slot("order_number")
            said = acknowledgement(normalize_order_number(number_before), item, False)
        else:
            said = acknowledgement(number, item, contact_given)
        if said is None:
            return list(await self.not_understood.run(dispatcher, tracker, domain))
        dispatcher.utter_message(text=f"{said} {ASK}", buttons=CHOICES)
        return []
