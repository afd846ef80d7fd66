"""Nonsense becomes nlu_fallback whatever the classifier guessed (bot/components/nonsense_fallback.py)."""

from __future__ import annotations

from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.components.nonsense_fallback import NonsenseFallback


def test_nonsense_is_a_fallback_and_words_keep_their_intent() -> None:
    mashed = Message(data={TEXT: "gggggg"})
    mashed.set(INTENT, {"name": "greet", "confidence": 0.4})
    words = Message(data={TEXT: "hello there"})
    words.set(INTENT, {"name": "greet", "confidence": 0.4})
    NonsenseFallback().process([mashed, words])
    assert mashed.get(INTENT) == {"name": "nlu_fallback", "confidence": 1.0}
    assert words.get(INTENT) == {"name": "greet", "confidence": 0.4}
