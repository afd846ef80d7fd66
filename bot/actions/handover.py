"""The one way the bot tells a customer that a person is coming.

Saying it and signalling it are one step. `promise_person` utters the message and returns the
slot `unresolved_reason` with the reason; the handoff service opens an escalation on that slot
whatever its own detector thinks, so the customer is never told a person is coming without
one being called. Before, the rule for `request_human` only uttered the promise, and the
handoff service decided again with a stricter threshold: at a low NLU confidence the bot
promised and nobody came. No response or text that promises a person is uttered any other way
(tests/bot/test_handover_contract.py checks the domain, the rules and the actions).
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from contract.bot_handoff import EXPLICIT_REQUEST, UNRESOLVED_REASON_SLOT


def promise_person(dispatcher: CollectingDispatcher, reason: str, *, response: str | None = None,
                   text: str | None = None, **kwargs: Any) -> list[EventType]:
    """Tell the customer a person is coming and call one: the events to return from the action."""
    dispatcher.utter_message(response=response, text=text, **kwargs)
    return [SlotSet(UNRESOLVED_REASON_SLOT, reason)]


class ActionRequestHuman(Action):
    """The customer asked for a person: at whatever NLU confidence the bot acted on, a person is called."""

    def name(self) -> str:
        return "action_request_human"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        # Inside a form the rules deactivate the form after this (bot/data/orders_rules.yml).
        return promise_person(dispatcher, EXPLICIT_REQUEST, response="utter_handoff_requested")
