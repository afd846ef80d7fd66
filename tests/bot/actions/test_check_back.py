"""The bot's promise to check back: plain words with the day and time, and the slot the handoff
service turns into a task (bot/actions/check_back.py)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.check_back import promise_check_back
from contract.bot_handoff import FOLLOW_UP_NOTE_CHARS, FOLLOW_UP_SLOT

NOW = datetime(2026, 3, 10, 15, 0, tzinfo=timezone.utc)


def test_the_customer_is_told_when_and_the_slot_carries_the_same() -> None:
    dispatcher = CollectingDispatcher()
    due = datetime(2026, 3, 11, 17, 0, tzinfo=timezone.utc)
    events = promise_check_back(dispatcher, what="check on this.", note="n" * 2000, due=due, now=NOW)
    told = "Our team will check on this and write to you here by tomorrow, Wednesday 11 March at 17:00 UTC."
    assert dispatcher.messages[0]["text"] == told
    assert events == [{"event": "slot", "timestamp": None, "name": FOLLOW_UP_SLOT,
                       "value": {"due_at": due.timestamp(), "note": "n" * FOLLOW_UP_NOTE_CHARS, "told": told}}]


@pytest.mark.parametrize("due", [NOW, NOW - timedelta(hours=1), datetime(2026, 3, 11, 17, 0)])
def test_no_promise_for_the_past_or_a_time_without_a_zone(due: datetime) -> None:
    dispatcher = CollectingDispatcher()
    with pytest.raises(ValueError):
        promise_check_back(dispatcher, what="check", note="n", due=due, now=NOW)
    assert dispatcher.messages == []
