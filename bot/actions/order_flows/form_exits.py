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
from bot.actions.not_understood import ActionNotUnderstood
from bot.actions.order_flows.return_matching import HANDOVER_REASONS, reason_category
from contract.bot_handoff import DAMAGED_ITEM, POLICY_EXCEPTION

# Below this NLU confidence a `report_damaged` outside a form must also say what is wrong in words
# reason_category knows (return_matching.py): the intent alone fires on "wrong" and "broken" of
# anything, a chat window included.
SURE_REPORT = 0.6

# What a return in progress leaves behind; verification is kept (never asked twice).
RETURN_SLOTS = ["return_items", "return_reason", "return_resolution", "exchange_variant", "return_confirmed"]
TASK_SLOTS = [*RETURN_SLOTS, "cancel_confirmed", "order_request"]


def reports_damage(tracker: Tracker) -> bool:
    """Whether the latest message reports a damaged or wrong item: a button, the words, or an NLU
    that is sure of it."""
    text = tracker.latest_message.get("text") or ""
    confidence = float((tracker.latest_message.get("intent") or {}).get("confidence") or 0.0)
    return text.startswith("/") or reason_category(text) in HANDOVER_REASONS or confidence >= SURE_REPORT


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

    def __init__(self, not_understood: Action | None = None) -> None:
        self._not_understood = not_understood

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        if not tracker.active_loop and not reports_damage(tracker):
            # "oops, wrong chat window": a word of the intent, no report. Outside a form such a
            # message is not understood (help centre or help), never a hand-over for damage.
            return list(await (self._not_understood or ActionNotUnderstood()).run(dispatcher, tracker, domain))
        promised = promise_person(dispatcher, DAMAGED_ITEM, response="utter_damaged_handover")
        events: list[Any] = [ActiveLoop(None), SlotSet("requested_slot", None), *promised]
        if not tracker.get_slot("return_reason"):
            events.append(SlotSet("return_reason", tracker.latest_message.get("text")))
        return events
