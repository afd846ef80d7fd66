"""A request for a person wins: the recogniser both sides share decides, not the intent classifier.

The classifier is trained on a few dozen English phrasings of `request_human`; customers ask
politely and indirectly, inside a topic ("where's my parcel? actually, could one of your
colleagues look at it"), and in German, French, Spanish, Italian, Dutch, Portuguese and Polish. The shared recogniser
(`contract/person_request.py`, word lists in `contract/person_request/`) reads all of those, and
the handoff service's detector reads messages with the same one, so the two cannot disagree.

In the pipeline after the intent classifier and before the FallbackClassifier:
- a request: the intent becomes `request_human` with confidence 1, whatever the topic, so the
  rules (inside a form too) run `action_request_human`, which promises a person and sets
  `unresolved_reason` in the same step (bot/actions/handover.py);
- a person declined ("no need for an agent, how do I return this?"), or a question about people
  ("am I talking to a human?"): `request_human` is taken out of the ranking, and the next intent
  stands;
- otherwise the classifier's intent stands, except a `request_human` it gives below
  `classifier_confidence` (0.5): its request_human examples are in six languages, so any message
  it does not know leans that way ("Hallo! Versendet ihr nach Deutschland?" at 0.14, "payment
  metods" at 0.11), and that lean promised a person to calm customers. The recogniser reads 51
  of its 52 examples; the next intent stands (decision 0286).
What matched is kept in the parse data under `person_request`, for people reading the tracker.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from contract.person_request import PersonRequestRecogniser, Verdict, default_recogniser

PARSE_KEY = "person_request"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class PersonRequestClassifier(GraphComponent, IntentClassifier):
    """Sets `request_human` when the shared recogniser reads a request for a person."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"intent": "request_human", "classifier_confidence": 0.5}

    def __init__(self, config: dict[str, Any], recogniser: PersonRequestRecogniser | None = None) -> None:
        self.intent = str(config["intent"])
        self.classifier_confidence = float(config.get("classifier_confidence", 0.5))
        self.recogniser = recogniser or default_recogniser()

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> PersonRequestClassifier:
        return cls(config)

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT)
            if not text:
                continue
            recognition = self.recogniser.recognise(text)
            ranking = [entry for entry in message.get(INTENT_RANKING_KEY) or [] if entry.get("name") != self.intent]
            if recognition.verdict is Verdict.REQUEST:
                chosen = {"name": self.intent, "confidence": 1.0}
                message.set(INTENT, chosen, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [chosen, *ranking], add_to_output=True)
            elif recognition.verdict in (Verdict.DECLINED, Verdict.QUESTION) or self._unsure(message):
                if (message.get(INTENT) or {}).get("name") == self.intent:
                    nothing = {"name": None, "confidence": 0.0}
                    message.set(INTENT, ranking[0] if ranking else nothing, add_to_output=True)
                message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
            if recognition.verdict is not Verdict.NONE:
                message.set(PARSE_KEY, {"verdict": recognition.verdict.value, "language": recognition.language,
                                        "evidence": recognition.evidence}, add_to_output=True)
        return messages

    def _unsure(self, message: Message) -> bool:
        """The classifier alone gives `request_human`, below the confidence it is trusted at."""
        intent = message.get(INTENT) or {}
        return intent.get("name") == self.intent and float(intent.get("confidence") or 0.0) < self.classifier_confidence
