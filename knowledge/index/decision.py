"""From a ranking to what the bot does: answer, offer choices, or say it does not know.

The confidence is a logistic model of "the top article answers the question", fitted on
the development half of knowledge/eval by bench/knowledge_tune.py; the two thresholds on
it are chosen there too. All of it lives in knowledge/retrieval.json.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from enum import Enum
from pathlib import Path

from knowledge.index.hybrid import FusionConfig, Ranking

CONFIG_FILE = Path(__file__).resolve().parent.parent / "retrieval.json"


class Outcome(str, Enum):
    CONFIDENT = "confident"  # answer with the passage and a link
    UNSURE = "unsure"  # offer the best two or three articles
    NO_MATCH = "no_match"  # say plainly that we do not know


def features(ranking: Ranking) -> list[float]:
    """What the confidence is computed from: how close the best passage is in meaning, how
    clearly it beats the runner-up, how many query words it shares, what the article
    classifier says of it and of "none of ours", how many query words the help centre
    never uses, and how close the nearest known unanswerable request is, alone and against
    the best passage."""
    hits = ranking.hits
    nearest = ranking.nearest_unanswerable
    if not hits:
        return [0.0, 0.0, 0.0, 0.0, 0.0, ranking.out_of_scope, ranking.unknown_words, nearest, nearest]
    first = hits[0]
    second = hits[1] if len(hits) > 1 else None
    return [
        first.dense,
        first.dense - (second.dense if second else 0.0),
        math.log1p(max(first.bm25, 0.0)),
        first.score - (second.score if second else 0.0),
        first.classifier,
        ranking.out_of_scope,
        ranking.unknown_words,
        nearest,
        nearest - first.dense,
    ]


@dataclass(frozen=True)
class RetrievalConfig:
    fusion: FusionConfig = field(default_factory=FusionConfig)
    weights: tuple[float, ...] = (8.0, 10.0, 0.8, 5.0, 2.0, -4.0, -2.0, -2.0, -4.0)
    bias: float = -5.0
    answer_threshold: float = 0.6
    suggest_threshold: float = 0.25

    def confidence(self, ranking: Ranking) -> float:
        return self.confidence_of(features(ranking))

    def confidence_of(self, values: list[float]) -> float:
        z = self.bias + sum(w * x for w, x in zip(self.weights, values, strict=True))
        return 1.0 / (1.0 + math.exp(-z))

    def outcome(self, confidence: float) -> Outcome:
        if confidence >= self.answer_threshold:
            return Outcome.CONFIDENT
        if confidence >= self.suggest_threshold:
            return Outcome.UNSURE
        return Outcome.NO_MATCH

    @classmethod
    def load(cls, path: Path = CONFIG_FILE) -> RetrievalConfig:
        if not path.exists():
            return cls()
        raw = json.loads(path.read_text())
        expected = len(cls().weights)
        if len(raw["weights"]) != expected:
            raise ValueError(f"{path}: {len(raw['weights'])} confidence weights for {expected} features; "
                             f"refit them with `python -m bench.knowledge_tune`")
        return cls(
            fusion=FusionConfig(**raw["fusion"]),
            weights=tuple(raw["weights"]),
            bias=raw["bias"],
            answer_threshold=raw["answer_threshold"],
            suggest_threshold=raw["suggest_threshold"],
        )

    def save(self, path: Path = CONFIG_FILE, note: str = "") -> None:
        body = asdict(self)
        body["weights"] = list(self.weights)
        body["note"] = note
        path.write_text(json.dumps(body, indent=2) + "\n")
