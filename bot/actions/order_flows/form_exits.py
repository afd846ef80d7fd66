"""Leaving an order form before its end: the customer says stop, or the request needs a person
(an exception to the return policy, a damaged item), promised with
`bot.actions.handover.promise_person`, which also sets `unresolved_reason`; the handoff service
does the rest."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.actions.handover import promise_person
from contract.bot_handoff import DAMAGED_ITEM, POLICY_EXCEPTION

# What a return in progress leaves behind; verification is kept (never asked twice).
RETURN_SLOTS = ["return_items", "return_reason", "return_resolution", "exchange_variant", "return_confirmed"]
TASK_SLOTS = [*RETURN_SLOTS, "cancel_confirmed", "order_request"]


class ActionLeaveOrderForm(Action):
    """"stop" / "cancel" inside an order form: leave it politely, forget the half-made request."""

    def name(self) -> str:
        return "action_leave_order_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        dispatcher.utter_message(response="utter_order_form_stopped")
        return [ActiveLoop(None), SlotSet("requested_slot", None), *[SlotSet(s, None) for s in TASK_SLOTS]]


class ActionRequestPolicyException(Action):
    """A person decides exceptions to the return policy, never the bot."""

    def name(self) -> str:
        return "action_request_policy_exception"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        promised = promise_person(dispatcher, POLICY_EXCEPTION, response="utter_policy_exception_handover")
        return [ActiveLoop(None), SlotSet("requested_slot", None), *promised]


class ActionReportDamaged(Action):
    """Damaged or wrong items are handled by a person (free return, photos may be asked for)."""

    def name(self) -> str:
        return "action_report_damaged"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        promised = promise_person(dispatcher, DAMAGED_ITEM, response="utter_damaged_handover")
        events: list[Any] = [ActiveLoop(None), SlotSet("requested_slot", None), *promised]
        if not tracker.get_slot("return_reason"):
            events.append(SlotSet("return_reason", tracker.latest_message.get("text")))
        return events
