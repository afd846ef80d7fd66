"""Delivery status of a verified order: each parcel's carrier, latest scan, promised date; late
parcels get an apology, what happens next and the shipping refund the handbook allows; lost ones
(no scan for 7 days) go to a person, who opens the carrier investigation."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, FollowupAction
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.actions.check_back import promise_check_back
from bot.actions.handover import promise_person
from bot.actions.order_flows import wording
from bot.actions.order_flows.base import OrderAction, call
from bot.actions.order_flows.carrier_claims import claim_deadline, follow_up_due
from bot.actions.order_flows.lost_reports import opening_message, reports_lost
from bot.actions.order_flows.verification import VerifiedOrderFormValidator, guard, is_verified
from contract.bot_handoff import LOST_PARCEL
from orders import policy
from orders.errors import BackendUnavailable, RuleViolation
from orders.models import Order, Shipment


def reported_lost_unverified(tracker: Tracker) -> bool:
    """The customer reported the parcel lost and the order is not verified: a person takes it now
    (lost_reports.py); a verified order's own data decides instead (describe)."""
    return not is_verified(tracker) and reports_lost(opening_message(tracker))


class ValidateOrderStatusForm(VerifiedOrderFormValidator):
    def name(self) -> str:
        return "validate_order_status_form"

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[str]:
        if reported_lost_unverified(tracker):
            return []  # the form ends; action_order_status brings in a person
        slots: list[Any] = await super().required_slots(domain_slots, dispatcher, tracker, domain)
        return slots


def lost_follow_up(dispatcher: CollectingDispatcher, number: str | None, lost: Shipment | None,
                   now: datetime) -> list[EventType]:
    """The team's follow-up of a lost parcel, before the carrier's claim deadline (carrier_claims.py)."""
    carrier = lost.carrier if lost else None
    # A label is not the carrier holding the parcel; the first scan after it is.
    handed_over = min((event.time for event in lost.events if event.status != "label_created"),
                      default=None) if lost else None
    deadline = claim_deadline(carrier, handed_over, now)
    with_carrier = f"with {carrier}" if carrier else "with the carrier"
    note = (f"Lost parcel{f' of {number}' if number else ''}: check the investigation {with_carrier}; "
            f"the claim deadline is {deadline:%A %d %B %Y} (UTC).")
    return promise_check_back(dispatcher, what=f"check on the investigation {with_carrier}", note=note,
                              due=follow_up_due(carrier, handed_over, now), now=now)


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
        events = promise_person(dispatcher, LOST_PARCEL, response="utter_parcel_lost", days=days, carrier=lost.carrier)
        return events + lost_follow_up(dispatcher, order.number, lost, now)
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
        if reported_lost_unverified(tracker) and not tracker.get_slot("order_lookup_locked_until"):
            events = promise_person(dispatcher, LOST_PARCEL, response="utter_parcel_reported_lost")
            return events + lost_follow_up(dispatcher, tracker.get_slot("order_number"), None, self.now())
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
