"""Verification before anything about an order is said: the order number and the matching email
or postcode. Every order form starts with the slots `order_number` and `order_contact`, and
their validation lives here, shared by the forms' validators.

- A wrong pair, whether or not the order exists, gets one and the same answer. Any email or
  postcode that is not the order's own is a failure, whoever else it belongs to.
- Failures are counted in Redis per order number and per sender (lockout.py), never in the
  tracker: a new conversation or a typed `/restart` starts nothing afresh. The third failure
  within the window locks that order (or that sender) for 15 minutes, for every conversation;
  the conversation that meets a lock ends its form (the slot `order_lookup_locked_until`, epoch
  seconds) and the submit action hands over with the reason `verification_failed`.
- A retry keeps the order number and asks for the email or postcode again; a new order number,
  or the button "Wrong order number" (intent `change_order_number`), replaces it.
- Once an order is verified it stays verified (`verified_orders`). The verified email verifies
  the customer's other orders silently; a postcode never does (thousands share one, and order
  numbers are sequential), so another order with only a postcode known is verified again.
"""

from __future__ import annotations

from abc import abstractmethod
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from redis.exceptions import RedisError

from bot.actions.handover import promise_person
from bot.actions.order_flows.base import OrderAction, call, is_verified
from bot.actions.order_flows.lockout import LIMIT, Failure
from bot.actions.order_flows.welcome import welcome_back
from contract.bot_handoff import FLOW_FAILED, VERIFICATION_FAILED
from orders.errors import BackendUnavailable
from orders.identity import matches, normalize_email, normalize_order_number, normalize_postcode
from orders.models import Order

MAX_ATTEMPTS = LIMIT
CHANGE_ORDER_NUMBER = "change_order_number"
VERIFY_SLOTS = ["order_number", "order_contact"]

WRONG_PAIR = (
    "Sorry, I couldn't match those details to an order. Please check the order number and the email "
    "address or postcode on the order, and try again."
)
# The second time in other words: the customer is not talking to a wall (and the handoff
# service's detector reads a bot repeating itself as a sign of frustration).
WRONG_PAIR_AGAIN = "Those details still don't match an order I can find."


def lock_remaining(tracker: Tracker, now: float) -> float:
    until = tracker.get_slot("order_lookup_locked_until")
    return max(0.0, float(until) - now) if until else 0.0


def _said_now(tracker: Tracker, value: str) -> bool:
    """Whether the customer typed `value` in their latest message (not a slot left from before)."""
    return value.strip().lower() in (tracker.latest_message.get("text") or "").lower()


def _contact_slots(contact: str) -> dict[str, Any] | None:
    email = normalize_email(contact)
    if email:
        return {"email": email}
    postcode = normalize_postcode(contact)
    return {"postcode": postcode} if postcode else None


class VerifiedOrderFormValidator(OrderAction, FormValidationAction):
    """Base of every order form's validator: the verification slots first, then `task_slots`."""

    @abstractmethod
    def name(self) -> str:
        """Abstract, so the action server does not register the base class itself."""

    async def task_slots(self, order: Order, tracker: Tracker) -> list[str]:
        """The slots this form asks once the order is verified (in order)."""
        return []

    async def on_verified(self, order: Order, dispatcher: CollectingDispatcher, tracker: Tracker) -> dict[str, Any]:
        """Slots to fill from what the customer said before the order was verified."""
        return {}

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[str]:
        # Locked, or the order system is down: end the form; its submit action says why.
        if lock_remaining(tracker, self.clock()) > 0 or tracker.get_slot("order_backend_down"):
            return []
        if not is_verified(tracker):
            return list(VERIFY_SLOTS)
        try:
            order = await self.verified_order(tracker)
        except BackendUnavailable:
            return []
        if order is None:
            return []
        return list(VERIFY_SLOTS) + await self.task_slots(order, tracker)

    async def validate_order_number(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value is None:
            return {}  # forgotten on purpose (extract_order_number): the form asks again
        number = normalize_order_number(str(value))
        if number is None:
            dispatcher.utter_message(response="utter_order_number_format")
            return {"order_number": None}
        verified = tracker.get_slot("verified_orders") or []
        if number in verified:
            return {"order_number": number, "order_verified": True, **await self._prefill(number, dispatcher, tracker)}
        slots: dict[str, Any] = {"order_number": number, "order_verified": False}
        contact = tracker.get_slot("order_contact")
        known_email = tracker.get_slot("email")
        if known_email:
            # The email that verified another order of this conversation: a silent check that
            # counts no failure and, on a mismatch, only asks for this order's details. A locked
            # order is not checked at all.
            try:
                locked = await self._locked(number, tracker)
                if locked:
                    return {**slots, **locked}
                order = await call(self.backend.get_order, number)
            except (BackendUnavailable, RedisError):
                return {**slots, **self._backend_down(dispatcher)}
            if order is not None and matches(order, email=known_email):
                return {**slots, "order_verified": True, "verified_orders": [*verified, number],
                        **await self.on_verified(order, dispatcher, tracker)}
            return {**slots, "order_contact": None}
        if not contact or _said_now(tracker, contact):
            return slots  # none yet, or said with this number: validate_order_contact checks it
        if verified:
            # The contact that verified an earlier order (a postcode: no email is known) says
            # nothing about this one; its own details are asked.
            return {**slots, "order_contact": None}
        # The customer gave their email or postcode before the number: check the pair now.
        return {**slots, **await self._attempt(number, contact, dispatcher, tracker)}

    async def extract_order_number(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """The button "Wrong order number" forgets the number (and any contact given with it); said
        with the right number ("wrong order number, it's LK-100232") it takes that one, so the
        customer is not asked for what they just said."""
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if intent == CHANGE_ORDER_NUMBER and not is_verified(tracker):
            said = next(tracker.get_latest_entity_values("order_number"), None)
            return {"order_number": normalize_order_number(str(said)) if said else None, "order_contact": None}
        return {}

    async def validate_order_contact(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        contact = str(value or "").strip()
        if not contact or not _said_now(tracker, contact) or tracker.get_slot("order_verified"):
            return {}  # left from before, or the number just verified silently
        if _contact_slots(contact) is None:
            if normalize_order_number(contact):
                return {"order_contact": None}  # a corrected order number, handled by its own slot
            dispatcher.utter_message(response="utter_order_contact_format")
            return {"order_contact": None}
        number = tracker.get_slot("order_number")
        if not number:
            return {"order_contact": contact}  # checked once the number comes
        return await self._attempt(number, contact, dispatcher, tracker)

    async def _prefill(self, number: str, dispatcher: CollectingDispatcher, tracker: Tracker) -> dict[str, Any]:
        try:
            order = await call(self.backend.get_order, number)
        except BackendUnavailable:
            return self._backend_down(dispatcher)
        return {} if order is None else await self.on_verified(order, dispatcher, tracker)

    async def _attempt(
        self, number: str, contact: str, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> dict[str, Any]:
        try:
            locked = await self._locked(number, tracker)
            if locked:
                return locked
            order = await call(self.backend.get_order, number)
            details = _contact_slots(contact) or {}
            if order is not None and matches(order, **details):
                verified = tracker.get_slot("verified_orders") or []
                if not verified:  # the first order this conversation verified: who they are is known now
                    greeting = await welcome_back(self.backend, order, self.now())
                    if greeting:
                        dispatcher.utter_message(text=greeting)
                return {
                    "order_contact": contact, "order_verified": True, "verified_orders": [*verified, number],
                    "verification_failures": 0, **details, **await self.on_verified(order, dispatcher, tracker),
                }
            failure = await self.lockout.record_failure(number, tracker.sender_id)
        except (BackendUnavailable, RedisError):
            return self._backend_down(dispatcher)
        return self._failed(failure, dispatcher)

    async def _locked(self, number: str, tracker: Tracker) -> dict[str, Any]:
        """The slots that end the form if this order or this sender is locked; empty if not."""
        until = await self.lockout.locked_until(number, tracker.sender_id)
        if not until:
            return {}
        return {"order_contact": None, "order_verified": False, "order_lookup_locked_until": until,
                "verification_failures": MAX_ATTEMPTS}

    @staticmethod
    def _failed(failure: Failure, dispatcher: CollectingDispatcher) -> dict[str, Any]:
        """A wrong pair: the number is kept and the email or postcode asked again (by the form)."""
        retry = {"order_contact": None, "order_verified": False, "verification_failures": failure.count}
        if failure.locked_until:
            return {**retry, "verification_failures": MAX_ATTEMPTS,
                    "order_lookup_locked_until": failure.locked_until}
        dispatcher.utter_message(text=WRONG_PAIR if failure.count == 1 else WRONG_PAIR_AGAIN)
        if failure.count == MAX_ATTEMPTS - 1:
            dispatcher.utter_message(response="utter_verification_last_try")
        return retry

    @staticmethod
    def _backend_down(dispatcher: CollectingDispatcher) -> dict[str, Any]:
        return {"order_backend_down": True}


def guard(tracker: Tracker, dispatcher: CollectingDispatcher, now: float) -> list[EventType] | None:
    """What a submit action says instead of its task when the order is not verified; None if it is.

    Called after a form ended: locked (just now, or still), the order system down, or stopped."""
    remaining = lock_remaining(tracker, now)
    if remaining > 0:
        if int(tracker.get_slot("verification_failures") or 0) >= MAX_ATTEMPTS:
            promised = promise_person(dispatcher, VERIFICATION_FAILED, response="utter_verification_locked")
            return [SlotSet("verification_failures", 0), *promised]
        minutes = max(1, round(remaining / 60))
        dispatcher.utter_message(response="utter_verification_still_locked", minutes=minutes)
        return []
    if tracker.get_slot("order_backend_down"):
        failures = int(tracker.get_slot("order_flow_failures") or 0) + 1
        events: list[EventType] = [SlotSet("order_backend_down", False), SlotSet("order_flow_failures", failures)]
        if failures >= 2:
            return [*events, *promise_person(dispatcher, FLOW_FAILED, response="utter_order_system_down_handover")]
        dispatcher.utter_message(response="utter_order_system_down")
        return events
    if not is_verified(tracker):
        dispatcher.utter_message(response="utter_anything_else")
        return []
    return None


class ActionAskOrderNumber(Action):
    """The order number question, worded by attempt so a retry does not sound like a loop."""

    def name(self) -> str:
        return "action_ask_order_number"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        failures = int(tracker.get_slot("verification_failures") or 0)
        if failures == 0:
            dispatcher.utter_message(response="utter_ask_order_number")
        else:
            dispatcher.utter_message(response="utter_ask_order_number_again")
        return []


class ActionAskOrderContact(Action):
    """The email-or-postcode question, naming the order it is for."""

    def name(self) -> str:
        return "action_ask_order_contact"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        number = tracker.get_slot("order_number") or "the order"
        failures = int(tracker.get_slot("verification_failures") or 0)
        response = "utter_ask_order_contact" if failures == 0 else "utter_ask_order_contact_again"
        dispatcher.utter_message(response=response, order_number=number)
        return []
