"""Keyboard mashing is an NLU fallback, whatever intent the classifier guessed (issue 20, class 9).

The classifier always ranks some intent first, and its familiarity only lowers the confidence of
what is unlike its training data: "hhhhhh" came out as `greet` and "sdfkj" as `inform`, above the
fallback threshold, so the bot greeted or fell back to its core "didn't understand" and the run
of fallbacks that ends with a person never started. After the FallbackClassifier, this component
sets `nlu_fallback` on every message that is nonsense by its letters' shape (bot/nonsense.py);
the rule for `nlu_fallback` then gives help, then a person (bot/actions/not_understood.py), and the
handoff detector sees the same run.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nonsense import looks_like_nonsense

FALLBACK_INTENT = "nlu_fallback"  # the FallbackClassifier's own intent name


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class NonsenseFallback(GraphComponent):
    """Sets the intent `nlu_fallback` (confidence 1: it is certain) on nonsense messages."""

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> NonsenseFallback:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            if looks_like_nonsense(str(message.get(TEXT) or "")):
                message.set(INTENT, {INTENT_NAME_KEY: FALLBACK_INTENT, PREDICTED_CONFIDENCE_KEY: 1.0},
                            add_to_output=True)
        return messages
