"""The bot promising the customer to check back ("we'll check on this by Tuesday"): the one way
to say it. The customer is told the day and time in plain words, and the same step sets the slot
`follow_up` (contract/bot_handoff.py), which the handoff service turns into a follow-up task for
the team with the due time promised (handoff/escalations/bot_tasks.py). A promise without a task
would be a promise nobody keeps, so no other code path says it.
"""

from __future__ import annotations

from datetime import datetime, timezone

from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.order_flows import wording
from contract.bot_handoff import FOLLOW_UP_NOTE_CHARS, FOLLOW_UP_SLOT


def check_back_words(what: str, due: datetime, now: datetime) -> str:
    """'Our team will check the investigation with USPS and write to you here by Tuesday 12 January at 17:00 UTC.'"""
    return f"Our team will {what.strip().rstrip('.')} and write to you here by {wording.moment(due, now)}."


def promise_check_back(dispatcher: CollectingDispatcher, *, what: str, note: str, due: datetime,
                       now: datetime) -> list[EventType]:
    """Tell the customer when the team checks back, and have a task made for it: the events to
    return from the action (after any hand-over slot, so the task finds the escalation)."""
    if due.tzinfo is None:
        raise ValueError("a check-back time needs a time zone")
    if due <= now:
        raise ValueError(f"a check-back is promised for the future, not {due.isoformat()}")
    told = check_back_words(what, due, now)
    dispatcher.utter_message(text=told)
    value = {"due_at": due.astimezone(timezone.utc).timestamp(), "note": note[:FOLLOW_UP_NOTE_CHARS], "told": told}
    return [SlotSet(FOLLOW_UP_SLOT, value)]
