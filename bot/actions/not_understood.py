"""What the bot does with a message it did not understand (issue 20, class 9).

A message the NLU could not place may still be a question the help centre answers, so it goes
to the help centre (`ActionAnswerQuestion`, unchanged). Keyboard mashing ("sdfkj", "qwpo zzx")
is not a question: searching for it gives an unrelated article, so the bot says what it can do
instead, and the second such message in a row brings in a person (`promise_person`, reason
`nlu_fallback_repeated`), so repeated nonsense always ends somewhere: help, then a person.

Nonsense is judged by the letters' shape (bot/nonsense.py); the NLU already turns it into
`nlu_fallback` whatever intent the classifier guessed (bot/components/nonsense_fallback.py).
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.actions.handover import promise_person
from bot.actions.knowledge import ActionAnswerQuestion
from bot.nonsense import looks_like_nonsense
from contract.bot_handoff import NLU_FALLBACK_REPEATED

# How far back a run of nonsense is counted: the count only needs to reach two.
_LOOK_BACK = 10

RUN_FOR_A_PERSON = 2
REPHRASE_RESPONSE = "utter_rephrase_help"


def nonsense_run(tracker: Tracker) -> int:
    """How many of the customer's latest messages in a row were nonsense, this one included."""
    run = 0
    seen = 0
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        seen += 1
        if seen > _LOOK_BACK or not looks_like_nonsense(event.get("text") or ""):
            break
        run += 1
    return run


class ActionNotUnderstood(Action):
    """The NLU could not place the message: nonsense gets help, then a person; anything else
    goes to the help centre, which counts its own misses (bot/actions/knowledge.py)."""

    def __init__(self, answer: Action | None = None) -> None:
        self.answer = answer or ActionAnswerQuestion()

    def name(self) -> str:
        return "action_not_understood"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        if not looks_like_nonsense(tracker.latest_message.get("text") or ""):
            events: list[Any] = await self.answer.run(dispatcher, tracker, domain)
            return events
        if nonsense_run(tracker) >= RUN_FOR_A_PERSON:
            return promise_person(
                dispatcher, NLU_FALLBACK_REPEATED,
                text="Sorry, I still can't make sense of that, so this needs a person from our team. I'm "
                "bringing in someone who can help; they'll see what we've talked about.",
            )
        dispatcher.utter_message(response=REPHRASE_RESPONSE)
        return []
