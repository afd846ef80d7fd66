"""Has the customer asked for a person? The NLU intent first, the service's own check as a safety net.

The NLU is trained on a few dozen phrasings and falls back on the rest ("is there an actual human
being there", "agnet pls"), so a request it misses is still caught here:
1. the intent (`request_human`) with at least `min_intent_confidence`; a look-alike intent
   (`bot_challenge`: "are you a real person?") with that confidence means no request;
2. a pattern from `data/request_patterns.txt` ("talk to a real person", "operator", "escalate"),
   on the spelling-normalized text, unless the message negates it ("no need for a human");
3. embedding similarity: the message's nearest example in `data/request_examples.txt` [request]
   is at least `similarity_threshold` and beats the nearest [look-alike] ("are you a real
   person?", "the agent yesterday was helpful") by `similarity_margin`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from handoff.detection.config import ExplicitRequestConfig
from handoff.detection.embeddings import CachedEncoder
from handoff.detection.lexicon import Lexicon
from handoff.detection.turns import Turn

# "I don't need a person", "no need to escalate": a person mentioned, and declined.
NEGATED_REQUEST = re.compile(
    r"\b(no need|don'?t need|do not need|don'?t want|do not want|not looking for|no thanks?)\b[^.!?]{0,25}"
    r"\b(human|person|agent|anyone|anybody|someone|somebody|people|escalat\w*|operator|staff)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class RequestCheck:
    requested: bool
    how: str | None  # "intent" | "pattern" | "similarity"
    similarity: float  # to the nearest request example


class ExplicitRequestDetector:
    def __init__(self, config: ExplicitRequestConfig, lexicon: Lexicon, encoder: CachedEncoder) -> None:
        self.config = config
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
        if turn.intent in self.config.look_alike_intents and confident:
            return RequestCheck(False, None, to_request)
        normalized = self.lexicon.spelling.normalize(turn.text)
        if NEGATED_REQUEST.search(normalized):
            return RequestCheck(False, None, to_request)
        if self.lexicon.requests.first_match(normalized):
            return RequestCheck(True, "pattern", to_request)
        if (
            to_request >= self.config.similarity_threshold
            and to_request - to_look_alike >= self.config.similarity_margin
        ):
            return RequestCheck(True, "similarity", to_request)
        return RequestCheck(False, None, to_request)
