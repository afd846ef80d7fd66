"""Returns and exchanges as the form `return_form`: verify the order, pick the items (each shown
with whether it can be returned and why not), the reason, refund or exchange (another size or
colour in stock), confirm, then create the return in the order backend.

Slots can come in any order and in the customer's words: "return the boots from LK-100233, they
hurt" fills the order number, names the item (slot product_type) and gives the reason at once.
Damaged or wrong items, and exceptions to the policy, go to a person (form_exits.py).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.actions.handover import promise_person
from bot.actions.order_flows import wording
from bot.actions.order_flows.base import OrderAction, call
from bot.actions.order_flows.form_exits import RETURN_SLOTS
from bot.actions.order_flows.return_matching import (
    HANDOVER_REASONS,
    REASON_TITLES,
    items_named,
    reason_category,
    variant_named,
)
from bot.actions.order_flows.verification import VerifiedOrderFormValidator, guard
from contract.bot_handoff import DAMAGED_ITEM
from orders import policy
from orders.backend import OrderBackend
from orders.errors import BackendUnavailable, RuleViolation
from orders.models import Item, Order, Returnability, Variant

# Intents that are not an answer to the question asked: the form steps aside (rules in
# bot/data/orders_rules.yml answer them, then the form resumes or ends).
INTERRUPTIONS = frozenset({
    "ask_question", "stop", "request_human", "greet", "goodbye", "bot_challenge", "thank",
    "request_policy_exception", "check_order_status", "cancel_order", "change_order", "report_damaged",
    "choose_article",
})
RESET = [SlotSet(slot, None) for slot in [*RETURN_SLOTS, "product_type"]]


async def return_statuses(backend: OrderBackend, order: Order, now: datetime) -> dict[str, Returnability]:
    returned = {sku for request in await call(backend.returns_for, order.number) for sku in request.skus}
    return {status.sku: status for status in order.return_statuses(now, returned)}


async def exchange_options(backend: OrderBackend, item: Item) -> list[Variant]:
    return [v for v in await call(backend.variants, item.product_id) if v.in_stock and v.sku != item.sku]


def _intent(tracker: Tracker) -> str | None:
    return (tracker.latest_message.get("intent") or {}).get("name")


class ValidateReturnForm(VerifiedOrderFormValidator):
    def name(self) -> str:
        return "validate_return_form"

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[str]:
        if reason_category(tracker.get_slot("return_reason") or "") in HANDOVER_REASONS:
            # Damaged or wrong items go to a person, verified or not (issue 20, class 7): the
            # form ends and the submit action hands over; the person asks for what is missing.
            return []
        slots = await super().required_slots(domain_slots, dispatcher, tracker, domain)
        # A reason said before verification ("..., they hurt") is kept; nothing else is read yet.
        return [*slots, "return_reason"] if slots == ["order_number", "order_contact"] else slots

    async def task_slots(self, order: Order, tracker: Tracker) -> list[str]:
        if reason_category(tracker.get_slot("return_reason") or "") in HANDOVER_REASONS:
            return []  # a person handles damaged and wrong items: the submit action hands over
        statuses = await return_statuses(self.backend, order, self.now())
        if not any(status.returnable for status in statuses.values()):
            return []  # the submit action explains the rule and offers a person
        slots = ["return_items", "return_reason", "return_resolution"]
        if tracker.get_slot("return_resolution") == "exchange":
            slots.append("exchange_variant")
        return [*slots, "return_confirmed"]

    async def on_verified(self, order: Order, dispatcher: CollectingDispatcher, tracker: Tracker) -> dict[str, Any]:
        # "return the boots from LK-100233": the item was named before the order could be read.
        named = tracker.get_slot("product_type")
        if tracker.get_slot("return_items") or not named:
            return {}
        if reason_category(tracker.get_slot("return_reason") or "") in HANDOVER_REASONS:
            return {}
        statuses = await return_statuses(self.backend, order, self.now())
        if not any(status.returnable for status in statuses.values()):
            return {}  # the submit action explains every item's rule at once
        chosen = items_named("", [named], order.items)
        if not chosen:
            return {}
        return self._check_items(order, [item.sku for item in chosen], statuses, dispatcher)

    @staticmethod
    def _check_items(
        order: Order, skus: list[str], statuses: dict[str, Returnability], dispatcher: CollectingDispatcher
    ) -> dict[str, Any]:
        wanted = [sku for sku in skus if sku in statuses]
        refused = [statuses[sku] for sku in wanted if not statuses[sku].returnable]
        accepted = [sku for sku in wanted if statuses[sku].returnable]
        for status in refused:
            label = wording.item_label(order.item(status.sku))
            dispatcher.utter_message(text=f"The {label} can't be returned: {wording.why_not(status)}.")
        if refused:
            dispatcher.utter_message(response="utter_exception_offer")
        return {"return_items": accepted or None}

    # --- items ---------------------------------------------------------------------------------

    async def extract_return_items(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        requested = tracker.get_slot("requested_slot") == "return_items"
        if tracker.get_slot("return_items") or (_intent(tracker) in INTERRUPTIONS and requested):
            return {}
        order = await self.verified_order(tracker)
        if order is None:
            return {}
        named = list(tracker.get_latest_entity_values("product_type"))
        if requested:
            chosen = items_named(tracker.latest_message.get("text") or "", named, order.items)
            if not chosen:
                dispatcher.utter_message(text="Sorry, I couldn't tell which item you mean.")
                return {"return_items": None}
            return {"return_items": [item.sku for item in chosen]}
        # Named earlier in the conversation ("return the boots from ..."), before verification.
        earlier = tracker.get_slot("product_type")
        chosen = items_named("", [earlier] if earlier else [], order.items)
        return {"return_items": [item.sku for item in chosen]} if chosen else {}

    async def validate_return_items(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        order = await self.verified_order(tracker)
        if order is None or not value:
            return {"return_items": None}
        statuses = await return_statuses(self.backend, order, self.now())
        return self._check_items(order, list(value), statuses, dispatcher)

    # --- reason --------------------------------------------------------------------------------

    async def extract_return_reason(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        requested = tracker.get_slot("requested_slot") == "return_reason"
        if (tracker.get_slot("return_reason") and not requested) or _intent(tracker) in INTERRUPTIONS:
            return {}
        button = next(tracker.get_latest_entity_values("return_reason"), None)
        if button:
            return {"return_reason": str(button)}
        text = (tracker.latest_message.get("text") or "").strip()
        if requested and text and not text.startswith("/"):
            return {"return_reason": text}
        # Volunteered with another answer ("the boots, they hurt"): kept as said.
        return {"return_reason": text} if text and reason_category(text) else {}

    async def validate_return_reason(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = str(value or "").strip()
        if not text or text.lower() == "something else":
            dispatcher.utter_message(text="Tell me in a few words what's wrong with it.")
            return {"return_reason": None}
        return {"return_reason": text[:300]}

    # --- refund or exchange -----------------------------------------------------------------------

    async def validate_return_resolution(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        # A change of mind at any step starts the confirmation again.
        slots: dict[str, Any] = {"return_resolution": value, "return_confirmed": None}
        if value != "exchange":
            return {**slots, "exchange_variant": None}
        items = tracker.get_slot("return_items") or []
        order = await self.verified_order(tracker)
        if order is None or not items:
            return slots  # asked again once the items are known
        if len(items) > 1:
            dispatcher.utter_message(response="utter_exchange_one_item")
            return {**slots, "return_resolution": None}
        item = order.item(items[0])
        if not await exchange_options(self.backend, item):
            dispatcher.utter_message(response="utter_exchange_out_of_stock", item=item.name)
            return {**slots, "return_resolution": None}
        return slots

    async def extract_exchange_variant(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if tracker.get_slot("requested_slot") != "exchange_variant" or _intent(tracker) in INTERRUPTIONS:
            return {}
        button = next(tracker.get_latest_entity_values("exchange_sku"), None)
        if button:
            return {"exchange_variant": str(button)}
        order = await self.verified_order(tracker)
        items = tracker.get_slot("return_items") or []
        if order is None or len(items) != 1:
            return {}
        options = await exchange_options(self.backend, order.item(items[0]))
        found = variant_named(tracker.latest_message.get("text") or "", options)
        if len(found) == 1:
            return {"exchange_variant": found[0].sku}
        dispatcher.utter_message(
            text="Which one would you like? Please pick one of the sizes and colours in stock."
            if found else "Sorry, that size or colour isn't one I have in stock for this item."
        )
        return {"exchange_variant": None}

    async def validate_exchange_variant(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        order = await self.verified_order(tracker)
        items = tracker.get_slot("return_items") or []
        if order is None or len(items) != 1 or not value:
            return {"exchange_variant": None}
        options = await exchange_options(self.backend, order.item(items[0]))
        if value not in {v.sku for v in options}:
            dispatcher.utter_message(text="Sorry, that one isn't in stock any more.")
            return {"exchange_variant": None}
        return {"exchange_variant": value, "return_confirmed": None}


class ActionAskReturnItems(OrderAction):
    def name(self) -> str:
        return "action_ask_return_items"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        order = await self.verified_order(tracker)
        if order is None:
            return []
        statuses = await return_statuses(self.backend, order, self.now())
        lines, buttons = [], []
        for item in order.items:
            status = statuses[item.sku]
            label = wording.item_label(item)
            if status.returnable:
                until = f" (until {status.deadline:%d %B})" if status.deadline else ""
                lines.append(f"• {label}: can be returned{until}")
                buttons.append({"title": label, "payload": f'/inform{{"product_type": "{item.name}"}}'})
            else:
                lines.append(f"• {label}: can't be returned, {wording.why_not(status)}")
        if len(buttons) > 1:
            buttons.append({"title": "All of these", "payload": '/inform{"product_type": "all"}'})
        listing = f"Here's what's in {order.number}:"
        # Said once per order: a second ask after a refusal is short, the bot does not repeat itself.
        if any(e.get("event") == "bot" and (e.get("text") or "").startswith(listing) for e in tracker.events):
            text = "Which item would you like to return?" if buttons else "Which item do you mean?"
        else:
            text = listing + "\n" + "\n".join(lines) + "\nWhich would you like to return?"
        dispatcher.utter_message(text=text, buttons=buttons)
        return []


class ActionAskExchangeVariant(OrderAction):
    def name(self) -> str:
        return "action_ask_exchange_variant"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        order = await self.verified_order(tracker)
        items = tracker.get_slot("return_items") or []
        if order is None or len(items) != 1:
            return []
        item = order.item(items[0])
        options = await exchange_options(self.backend, item)
        buttons = [
            {"title": f"{v.size}, {v.colour}", "payload": f'/inform{{"exchange_sku": "{v.sku}"}}'} for v in options
        ]
        dispatcher.utter_message(
            text=f"Which size or colour would you like instead of your {wording.item_label(item)}? In stock:",
            buttons=buttons,
        )
        return []


def summary(order: Order, tracker: Tracker, variant: Variant | None) -> str:
    items = [order.item(sku) for sku in tracker.get_slot("return_items") or []]
    names = " and ".join(wording.item_label(item) for item in items)
    reason = tracker.get_slot("return_reason")
    if tracker.get_slot("return_resolution") == "exchange" and variant is not None:
        outcome = f"for an exchange to size {variant.size}, {variant.colour}"
    else:
        total = sum((item.price * item.quantity for item in items), Decimal("0")) - order.return_label_cost
        outcome = f"for a refund of {wording.money(max(total, Decimal('0')))} to your " + (
            policy.refund_destination(order.payment_method))
    label = (" The return label is free." if order.return_label_cost == 0 else
             f" The return label costs {wording.money(order.return_label_cost)}, taken from the refund.")
    return f"Return the {names} from {order.number} (reason: “{reason}”) {outcome}.{label}"


class ActionAskReturnConfirmed(OrderAction):
    def name(self) -> str:
        return "action_ask_return_confirmed"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        order = await self.verified_order(tracker)
        if order is None:
            return []
        variant = None
        sku = tracker.get_slot("exchange_variant")
        if sku:
            items = tracker.get_slot("return_items") or []
            variant = next((v for v in await call(self.backend.variants, order.item(items[0]).product_id)
                            if v.sku == sku), None)
        dispatcher.utter_message(
            text=f"{summary(order, tracker, variant)} Shall I start this return?",
            buttons=[{"title": "Yes, start it", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}],
        )
        return []


class ActionSubmitReturn(OrderAction):
    """Submit of return_form: hand over, explain why not, or create the return."""

    def name(self) -> str:
        return "action_submit_return"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        reason = tracker.get_slot("return_reason") or ""
        if reason_category(reason) in HANDOVER_REASONS:
            # Before the guard: a damaged or wrong item goes to a person even unverified.
            return promise_person(dispatcher, DAMAGED_ITEM, response="utter_damaged_handover")
        stopped = guard(tracker, dispatcher, self.clock())
        if stopped is not None:
            return [*stopped, *RESET]
        try:
            order = await self.verified_order(tracker)
            if order is None:
                raise BackendUnavailable("verified order vanished")
            statuses = await return_statuses(self.backend, order, self.now())
            if not any(status.returnable for status in statuses.values()):
                reasons = "; ".join(
                    f"the {wording.item_label(order.item(sku))}: {wording.why_not(status)}"
                    for sku, status in statuses.items()
                )
                dispatcher.utter_message(text=f"I'm sorry, nothing in {order.number} can be returned: {reasons}.")
                dispatcher.utter_message(response="utter_exception_offer")
                return RESET
            if tracker.get_slot("return_confirmed") is not True:
                dispatcher.utter_message(response="utter_return_not_started")
                return RESET
            request = await call(
                self.backend.create_return, order.number, tracker.get_slot("return_items") or [], reason,
                tracker.get_slot("return_resolution") or "refund", tracker.get_slot("exchange_variant"),
                self.now(),
            )
        except RuleViolation as refused:
            dispatcher.utter_message(text=f"I couldn't start that return: {refused}")
            return RESET
        except BackendUnavailable:
            dispatcher.utter_message(response="utter_order_system_down")
            return RESET
        parts = [f"Done! Your return {request.id} for {order.number} is open."]
        if request.label_url:
            parts.append(f"Print your free return label here: {request.label_url}")
        else:
            parts.append(f"We'll email you the return label; its {wording.money(request.label_cost)} "
                         "comes off your refund.")
        parts.append(policy.DROP_OFF[order.region])
        if request.resolution == "exchange":
            parts.append(f"Your new one ships {policy.EXCHANGE_TIMELINE}.")
        else:
            parts.append(f"Your refund of {wording.money(request.refund_amount or Decimal('0'))} goes to your "
                         f"{request.refund_to} {policy.REFUND_TIMELINE}.")
        dispatcher.utter_message(text="\n".join(parts))
        return [SlotSet("return_id", request.id), *RESET]


__all__ = [
    "REASON_TITLES", "ActionAskExchangeVariant", "ActionAskReturnConfirmed", "ActionAskReturnItems",
    "ActionSubmitReturn", "ValidateReturnForm",
]
