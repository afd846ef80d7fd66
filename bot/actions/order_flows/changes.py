"""Cancelling or changing an order (`order_change_form`): possible within 1 hour of placing it,
before it is packed (the demo's LK-100237); after that the bot says why not and what is possible.

The bot cannot edit an order's items itself; within the hour it offers to cancel it so the
customer can order again as they want it, which is what a person would do in the shop's system.
"""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.actions.order_flows import wording
from bot.actions.order_flows.base import OrderAction, call
from bot.actions.order_flows.verification import VerifiedOrderFormValidator, guard
from orders import policy
from orders.errors import BackendUnavailable, RuleViolation
from orders.models import Order

RESET = [SlotSet("cancel_confirmed", None), SlotSet("order_request", None)]


class ValidateOrderChangeForm(VerifiedOrderFormValidator):
    def name(self) -> str:
        return "validate_order_change_form"

    async def task_slots(self, order: Order, tracker: Tracker) -> list[str]:
        return ["cancel_confirmed"] if order.can_change(self.now()) else []


class ActionAskCancelConfirmed(OrderAction):
    def name(self) -> str:
        return "action_ask_cancel_confirmed"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        order = await self.verified_order(tracker)
        if order is None:
            return []
        now = self.now()
        until = order.placed_at + policy.CHANGE_WINDOW
        items = ", ".join(wording.item_label(item) for item in order.items)
        text = (f"{order.number} ({items}) was placed {wording.moment(order.placed_at, now)} and isn't packed "
                f"yet, so it can still be cancelled until {until:%H:%M} UTC.")
        if tracker.get_slot("order_request") == "change":
            text += (" I can't edit an order's items or address here, but I can cancel it now so you can place it "
                     "again exactly as you want it.")
        dispatcher.utter_message(
            text=f"{text} Shall I cancel {order.number}?",
            buttons=[{"title": "Yes, cancel it", "payload": "/affirm"}, {"title": "No, keep it", "payload": "/deny"}],
        )
        return []


class ActionSubmitOrderChange(OrderAction):
    """Submit of order_change_form."""

    def name(self) -> str:
        return "action_submit_order_change"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        stopped = guard(tracker, dispatcher, self.clock())
        if stopped is not None:
            return [*stopped, *RESET]
        now = self.now()
        try:
            order = await self.verified_order(tracker)
            if order is None:
                raise BackendUnavailable("verified order vanished")
            if order.status == "cancelled":
                dispatcher.utter_message(text=f"{order.number} is already cancelled; nothing will be shipped.")
                return RESET
            if not order.can_change(now):
                dispatcher.utter_message(
                    response="utter_order_change_too_late", order_number=order.number,
                    placed=wording.moment(order.placed_at, now),
                )
                return RESET
            if tracker.get_slot("cancel_confirmed") is not True:
                dispatcher.utter_message(text=f"All right, {order.number} stays as it is.")
                return RESET
            cancelled = await call(self.backend.cancel_order, order.number, now)
        except RuleViolation as refused:
            dispatcher.utter_message(text=f"I couldn't cancel it: {refused}")
            return RESET
        except BackendUnavailable:
            dispatcher.utter_message(response="utter_order_system_down")
            return RESET
        dispatcher.utter_message(
            text=f"Done: {cancelled.number} is cancelled and won't be shipped. You'll get a confirmation by email, "
            f"and the payment goes back to your {policy.refund_destination(cancelled.payment_method)}."
        )
        return RESET
