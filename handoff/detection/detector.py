"""The hand-over decision for a conversation that ends with the newest customer turn.

In order: an explicit request for a person; the NLU falling back `fallback.run` times in a row;
a frustration score at or above the threshold. The score is a logistic model over the signals of
`signals.py` (newest message) and `conversation_signals.py` (the conversation so far):
score = 1 / (1 + exp(-(bias + sum(weight_i * signal_i)))), weights >= 0, all from the config.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from handoff.detection.config import SIGNAL_NAMES, DetectionConfig
from handoff.detection.conversation_signals import conversation_signals
from handoff.detection.embeddings import CachedEncoder
from handoff.detection.explicit import ExplicitRequestDetector
from handoff.detection.lexicon import Lexicon, load_lexicon
from handoff.detection.signals import MessageAnalyzer
from handoff.detection.turns import Assessment, Turn


class Detector:
    """Build once (`from_config`: loads the embedding model, a few seconds), then `assess` per message."""

    def __init__(self, config: DetectionConfig, lexicon: Lexicon, encoder: CachedEncoder) -> None:
        self.config = config
        self.lexicon = lexicon
        self.encoder = encoder
        self.messages = MessageAnalyzer(lexicon)
        self.explicit = ExplicitRequestDetector(config.explicit, lexicon, encoder)

    @classmethod
    def from_config(cls, path: Path | None = None, *, encoder: CachedEncoder | None = None) -> Detector:
        """Load `handoff/detection.json` (or `path`); `encoder` lets several detectors share one model."""
        config = DetectionConfig.load(path)
        vader_words = frozenset(SentimentIntensityAnalyzer().lexicon)
        lexicon = load_lexicon(known_words=vader_words)
        if encoder is None:
            encoder = CachedEncoder(Path(config.embedding_model) if config.embedding_model else None)
        return cls(config, lexicon, encoder)

    def with_config(self, config: DetectionConfig) -> Detector:
        """The same lexicon and model with other weights or thresholds (used when fitting)."""
        return Detector(config, self.lexicon, self.encoder)

    def _window(self, history: Sequence[Turn]) -> list[Turn]:
        turns = [turn for turn in history if turn.role in ("customer", "bot")]
        if not turns or turns[-1].role != "customer":
            raise ValueError("history must end with the newest customer turn")
        return turns[-self.config.signals.window_turns :]

    def features(self, history: Sequence[Turn]) -> dict[str, float]:
        """Every frustration signal, 0..1, for the newest customer turn of `history`."""
        window = self._window(history)
        newest = self.messages.analyze(window[-1].text)
        values = newest.as_dict()
        values.update(conversation_signals(window, self.messages.analyze, self.encoder, self.config.signals))
        return {name: float(values[name]) for name in SIGNAL_NAMES}

    def score(self, features: dict[str, float]) -> tuple[float, dict[str, float]]:
        contributions = {name: self.config.weights[name] * value for name, value in features.items()}
        logit = self.config.bias + sum(contributions.values())
        fired = {name: round(value, 4) for name, value in contributions.items() if value > 0}
        return 1.0 / (1.0 + math.exp(-logit)), fired

    def fallback_repeated(self, window: Sequence[Turn]) -> bool:
        run = self.config.fallback.run
        customer = [turn for turn in window if turn.role == "customer"][-run:]
        return len(customer) == run and all(turn.intent == self.config.fallback.intent for turn in customer)

    def assess(self, history: Sequence[Turn]) -> Assessment:
        window = self._window(history)
        score, fired = self.score(self.features(window))
        if self.explicit.check(window[-1]).requested:
            reason: str | None = "explicit_request"
        elif self.fallback_repeated(window):
            reason = "nlu_fallback_repeated"
        elif score >= self.config.threshold:
            reason = "frustration"
        else:
            reason = None
        return Assessment(handover=reason is not None, reason=reason, score=round(score, 4), signals=fired)
