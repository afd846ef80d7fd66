"""Delivery status of a verified order: each parcel's carrier, latest scan, promised date; late
parcels get an apology, what happens next and the shipping refund the handbook allows; lost ones
(no scan for 7 days) go to a person, who opens the carrier investigation."""

from __future__ import annotations

from datetime import datetime

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, FollowupAction
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.actions.handover import promise_person
from bot.actions.order_flows import wording
from bot.actions.order_flows.base import OrderAction, call
from bot.actions.order_flows.verification import VerifiedOrderFormValidator, guard, is_verified
from contract.bot_handoff import LOST_PARCEL
from orders import policy
from orders.errors import BackendUnavailable, RuleViolation
from orders.models import Order


class ValidateOrderStatusForm(VerifiedOrderFormValidator):
    def name(self) -> str:
        return "validate_order_status_form"


def describe(order: Order, now: datetime, dispatcher: CollectingDispatcher) -> list[EventType]:
    if order.status == "cancelled":
        dispatcher.utter_message(text=f"Order {order.number} was cancelled, so nothing will be shipped.")
        return []
    if not order.shipments:
        text = f"Order {order.number} was placed {wording.moment(order.placed_at, now)} and hasn't shipped yet."
        if order.can_change(now):
            until = order.placed_at + policy.CHANGE_WINDOW
            text += f" It can still be changed or cancelled until {until:%H:%M} UTC; after that it is packed."
        dispatcher.utter_message(text=text)
        return []

    lines = [wording.parcel_line(order, shipment, now) for shipment in order.shipments]
    if len(lines) == 1:
        dispatcher.utter_message(text=f"Order {order.number}: {lines[0]}.")
    else:
        parcels = "\n".join(f"Parcel {n}: {line}." for n, line in enumerate(lines, 1))
        dispatcher.utter_message(text=f"Order {order.number} comes in {len(lines)} parcels.\n{parcels}")

    states = [shipment.state(now) for shipment in order.shipments]
    if "lost" in states:
        lost = order.shipments[states.index("lost")]
        days = (now - lost.last_event.time).days if lost.last_event else 7
        return promise_person(dispatcher, LOST_PARCEL, response="utter_parcel_lost", days=days, carrier=lost.carrier)
    if "late" in states:
        if order.shipping_cost > 0:
            shipping = wording.money(order.shipping_cost)
            dispatcher.utter_message(response="utter_parcel_late_refund", shipping=shipping)
        else:
            dispatcher.utter_message(response="utter_parcel_late_free_shipping")
    return []


class ActionOrderStatus(OrderAction):
    """Submit of order_status_form."""

    def name(self) -> str:
        return "action_order_status"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        stopped = guard(tracker, dispatcher, self.clock())
        if stopped is not None:
            return stopped
        try:
            order = await self.verified_order(tracker)
        except BackendUnavailable:
            dispatcher.utter_message(response="utter_order_system_down")
            return []
        if order is None:
            dispatcher.utter_message(response="utter_order_system_down")
            return []
        return describe(order, self.now(), dispatcher)


class ActionRefundShipping(OrderAction):
    """The customer takes the shipping refund offered for a late order."""

    def name(self) -> str:
        return "action_refund_shipping"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        if not is_verified(tracker):
            # Nothing is refunded (or said) before the order is verified: check it first.
            return [FollowupAction("order_status_form")]
        backend, now = self.backend, self.now()
        try:
            refund = await call(backend.refund_shipping, tracker.get_slot("order_number"), now)
        except RuleViolation as refused:
            dispatcher.utter_message(text=f"I can't do that: {refused}")
            return []
        except BackendUnavailable:
            dispatcher.utter_message(response="utter_order_system_down")
            return []
        dispatcher.utter_message(
            response="utter_shipping_refunded", amount=wording.money(refund.amount), refund_to=refund.refund_to,
            timeline="within 5 to 7 business days",
        )
        return []
