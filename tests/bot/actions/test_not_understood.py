"""What the bot does with a message the NLU could not place (bot/actions/not_understood.py):
nonsense gets what the bot can do, then a person; anything else goes to the help centre."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.handover import promise_person
from bot.actions.knowledge import ActionAnswerQuestion
from bot.actions.knowledge_client import KnowledgeClient
from bot.actions.not_understood import REPHRASE_RESPONSE, ActionNotUnderstood, nonsense_run
from bot.actions.settings import ActionSettings
from bot.nonsense import looks_like_nonsense
from contract.bot_handoff import NLU_FALLBACK_REPEATED, UNRESOLVED_REASON_SLOT
from tests.bot.test_handover_contract import PROMISE


def tracker(*texts: str) -> Tracker:
    """A conversation whose customer said `texts` in order, the bot answering in between."""
    events: list[dict[str, Any]] = []
    for text in texts:
        events += [{"event": "user", "text": text, "parse_data": {"intent": {"name": "nlu_fallback"}}},
                   {"event": "bot", "text": "..."}]
    latest = {"text": texts[-1], "intent": {"name": "nlu_fallback", "confidence": 0.05}, "entities": []}
    return Tracker(sender_id="t", slots={}, latest_message=latest, events=events[:-1], paused=False,
                   followup_action=None, active_loop={}, latest_action_name="action_listen")


def unreachable_help_centre() -> ActionAnswerQuestion:
    # A closed port: the real client meets a help centre that is down, and says so.
    settings = ActionSettings(knowledge_url="http://127.0.0.1:9", knowledge_timeout=2)
    return ActionAnswerQuestion(KnowledgeClient(settings))


@pytest.mark.parametrize("text", ["fjdksl", "zzxq pwrt", "gggggg", "xcvbn", "poiuy trewq", "HJKL!!", "mnbvc xzlk"])
def test_keyboard_mashing_is_nonsense(text: str) -> None:
    assert looks_like_nonsense(text)


@pytest.mark.parametrize("text", [
    "hello", "where's my parka", "Bestellung verloren", "ok", "thx", "pls", "LK-100231", "/affirm", "📦❓",
    "hw lng 4 shiping", "rhythm", "queue", "", "a b c",
])
def test_words_typos_codes_and_payloads_are_not_nonsense(text: str) -> None:
    assert not looks_like_nonsense(text)


def test_the_run_counts_only_the_latest_nonsense_in_a_row() -> None:
    assert nonsense_run(tracker("fjdksl", "zzxq pwrt")) == 2
    assert nonsense_run(tracker("fjdksl", "where's my parka", "zzxq pwrt")) == 1
    assert nonsense_run(tracker("where's my parka")) == 0


async def test_nonsense_gets_help_first_then_a_person() -> None:
    action = ActionNotUnderstood(unreachable_help_centre())
    first = CollectingDispatcher()
    assert await action.run(first, tracker("fjdksl"), {}) == []
    assert [m["response"] for m in first.messages] == [REPHRASE_RESPONSE]

    second = CollectingDispatcher()
    events = await action.run(second, tracker("fjdksl", "qqqq zxcv"), {})
    assert events == promise_person(CollectingDispatcher(), NLU_FALLBACK_REPEATED, text="")
    assert events[0]["name"] == UNRESOLVED_REASON_SLOT
    assert PROMISE.search(second.messages[0]["text"])


async def test_a_real_message_after_nonsense_goes_to_the_help_centre() -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionNotUnderstood(unreachable_help_centre()).run(
        dispatcher, tracker("fjdksl", "the thing with the voucher"), {})
    assert events == []
    assert "can't reach our help centre" in dispatcher.messages[0]["text"]
