"""Has the customer asked for a person? The NLU intent first, the service's own check as a safety net.

The NLU is trained on a few dozen phrasings and falls back on the rest ("is there an actual human
being there", "agnet pls"), so a request it misses is still caught here:
1. the intent (`request_human`) with at least `min_intent_confidence`;
2. the recogniser the bot's NLU also uses (`contract/person_request.py`: polite, indirect and
   mixed-language requests in English, German, French, Spanish, Italian, Dutch, Portuguese and Polish), so a request
   the bot acts on is one this service counts; a person declined ("no need for a human") or a
   question about people ("am I talking to a human?") is no request; then a look-alike intent
   (`bot_challenge`: "are you a real person?") with
   `min_intent_confidence` means no request;
3. embedding similarity: the message's nearest example in `data/request_examples.txt` [request]
   is at least `similarity_threshold` and beats the nearest [look-alike] ("are you a real
   person?", "the agent yesterday was helpful") by `similarity_margin`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from contract.person_request import PersonRequestRecogniser, Verdict, default_recogniser
from handoff.detection.config import ExplicitRequestConfig
from handoff.detection.embeddings import CachedEncoder
from handoff.detection.lexicon import Lexicon
from handoff.detection.turns import Turn


@dataclass(frozen=True)
class RequestCheck:
    requested: bool
    how: str | None  # "intent" | "pattern" | "similarity"
    similarity: float  # to the nearest request example


class ExplicitRequestDetector:
    def __init__(self, config: ExplicitRequestConfig, lexicon: Lexicon, encoder: CachedEncoder,
                 recogniser: PersonRequestRecogniser | None = None) -> None:
        self.config = config
        self.recogniser = recogniser or default_recogniser()
        self.lexicon = lexicon
        self.encoder = encoder
        examples = lexicon.request_examples
        self.request_vectors = encoder.encode(list(examples.requests))
        self.look_alike_vectors = (
            encoder.encode(list(examples.look_alikes)) if examples.look_alikes else np.zeros((0, 384), np.float32)
        )

    def similarities(self, text: str) -> tuple[float, float]:
        vector = self.encoder.encode([text])[0]
        to_request = float(np.max(self.request_vectors @ vector))
        to_look_alike = float(np.max(self.look_alike_vectors @ vector)) if len(self.look_alike_vectors) else -1.0
        return to_request, to_look_alike

    def check(self, turn: Turn) -> RequestCheck:
        to_request, to_look_alike = self.similarities(turn.text)
        confident = (turn.confidence or 0.0) >= self.config.min_intent_confidence
        if turn.intent == self.config.intent and confident:
            return RequestCheck(True, "intent", to_request)
        # Before the look-alike intent: "are you a bot? I want a person" is a request.
        verdict = self.recogniser.recognise(turn.text).verdict
        if verdict is Verdict.REQUEST:
            return RequestCheck(True, "pattern", to_request)
        if verdict in (Verdict.DECLINED, Verdict.QUESTION):
            return RequestCheck(False, None, to_request)
        if turn.intent in self.config.look_alike_intents and confident:
            return RequestCheck(False, None, to_request)
        if (
            to_request >= self.config.similarity_threshold
            and to_request - to_look_alike >= self.config.similarity_margin
        ):
            return RequestCheck(True, "similarity", to_request)
        return RequestCheck(False, None, to_request)
