"""The bot's side of a hand-back: say it is back, then a short satisfaction survey.

The handoff service triggers the intent `handback` when an agent hands the customer back.
The survey is the form `csat_form`: a rating from 1 to 5 (buttons, or typed: "4", "four",
"5 stars"; read by contract/csat.py, the one parser the handoff service uses too) and an
optional comment ("skip" or the Skip button leaves it empty). The handoff service reads the
slots `csat_rating` and `csat_comment` from the event stream and stores them with the escalation.
A customer who answers the rating with something that is not a rating is not held in the
survey: it ends, and the bot listens again.

An answer that asks something ("Oh one more thing, do you ship to Mexico?") is not feedback: it
is not stored as the comment, and once the survey is over the bot answers it as it would any
message. action_csat_done puts the message back into the conversation after an `action_listen`
(with its own id, so the transcripts show it once: handoff/conversations/readable.py), and Rasa
predicts the answer from there, as if it had just been sent.
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActionExecuted, ConversationPaused, EventType, Restarted, SlotSet, UserUttered
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from contract.bot_handoff import CSAT_COMMENT_SLOT, CSAT_RATING_SLOT
from contract.csat import parse_rating

SKIP_WORDS = frozenset({"skip", "no", "nope", "no thanks", "no thank you", "nothing", "none", "n/a", "-"})
MAX_COMMENT_CHARS = 1000


def is_skip(text: str) -> bool:
    cleaned = text.strip().lower().rstrip(".!")
    return cleaned in SKIP_WORDS or cleaned.startswith("/deny")


# A clause that opens with one of these asks something, question mark or not ("also can you
# check my refund"); "how" and "what" open exclamations too, which are answered all the same.
QUESTION_OPENERS = frozenset({
    "do", "does", "did", "can", "could", "will", "would", "should", "is", "are", "was", "were", "have", "has",
    "how", "what", "when", "where", "why", "who", "which", "whats", "what's", "where's", "how's", "any",
})
_CLAUSES = re.compile(r"[.,;:!?\n]+|\b(?:and|but|also|oh|so|btw)\b", re.IGNORECASE)
_WORD = re.compile(r"[a-z']+")


def asks_something(text: Any) -> bool:
    """Whether a survey answer asks something of the shop rather than rate or comment."""
    if not isinstance(text, str) or not text.strip() or text.strip().startswith("/"):
        return False
    if "?" in text:
        return True
    for clause in _CLAUSES.split(text.lower()[:MAX_COMMENT_CHARS]):
        words = _WORD.findall(clause or "")
        if len(words) >= 3 and words[0] in QUESTION_OPENERS:
            return True
    return False


class ActionRestartKeepingPause(Action):
    """Rasa's own `action_restart`, except that it keeps a paused conversation paused.

    While a person owns the conversation Rasa ignores every message except the `restart`
    intent, which any customer can send by typing "/restart"; the default action would reset
    the tracker, unpause it, and the bot would answer again over the agent. The reset is kept
    (the customer asked for it), the pause goes straight back in the same step.
    """

    def name(self) -> str:
        return "action_restart"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        if not tracker.is_paused():
            return [Restarted()]
        # Rasa would run action_listen next, but the pause stops it: log it here, so the bot's
        # rules see "after action_listen" when the customer is handed back.
        return [Restarted(), ActionExecuted("action_listen"), ConversationPaused()]


class ActionHandback(Action):
    """The customer is back with the bot: say so, and clear the last survey's answers."""

    def name(self) -> str:
        return "action_handback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        dispatcher.utter_message(response="utter_handback")
        return [SlotSet(CSAT_RATING_SLOT, None), SlotSet(CSAT_COMMENT_SLOT, None)]


class ValidateCsatForm(FormValidationAction):
    def name(self) -> str:
        return "validate_csat_form"

    async def validate_csat_rating(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value is None:  # the hand-back clearing the last survey's answer: nothing to check yet
            return {CSAT_RATING_SLOT: None}
        rating = parse_rating(value)
        if rating is not None:
            return {CSAT_RATING_SLOT: rating}
        # Not a rating: the customer has moved on. End the survey rather than insist
        # (action_csat_done then says so).
        return {CSAT_RATING_SLOT: None, "requested_slot": None}

    async def validate_csat_comment(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value is None:
            return {CSAT_COMMENT_SLOT: None}
        text = str(value).strip()
        # Empty, not None: the form counts the question as answered, the service stores no comment.
        # A question is no comment either: action_csat_done has it answered.
        return {CSAT_COMMENT_SLOT: "" if is_skip(text) or asks_something(text) else text[:MAX_COMMENT_CHARS]}


class ActionCsatDone(Action):
    """The survey is over: thank for a rating, or acknowledge that it was skipped; a last answer
    that asks something is answered next."""

    def name(self) -> str:
        return "action_csat_done"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        rated = parse_rating(tracker.get_slot(CSAT_RATING_SLOT)) is not None
        latest = tracker.latest_message or {}
        if not asks_something(latest.get("text")):
            dispatcher.utter_message(response="utter_csat_thanks" if rated else "utter_csat_skipped")
            return []
        dispatcher.utter_message(response="utter_csat_thanks_then_answer" if rated else "utter_csat_skip_then_answer")
        return asked_again(latest, tracker.get_latest_input_channel())


def asked_again(latest: dict[str, Any], input_channel: str | None) -> list[EventType]:
    """The customer's last message once more, as if just sent: the bot predicts its answer."""
    parse = {key: value for key, value in latest.items() if key not in ("metadata", "message_id")}
    again = UserUttered(latest.get("text"), parse_data=parse, input_channel=input_channel)
    # The same id: the handoff service's transcripts show the message once.
    again["message_id"] = latest.get("message_id")
    return [ActionExecuted("action_listen"), again]
