"""From a ranking to what the bot does: answer, offer choices, or say it does not know.

Two logistic models over the same features of the ranking, both fitted on the development
half of knowledge/eval by bench/knowledge_tune.py, with a threshold on each:
- "answerable": does any article answer the question? Below its bar the bot says it does
  not know.
- "confidence": does the top article answer it? At or above its bar the bot answers with
  it; between the two, it offers the best articles as buttons.

One model of "the top article is right" for both bars (as before 2026-12-04) judged an
answerable question whose top article is wrong as if it were unanswerable, and turned it
away with "I don't know" where buttons holding its answer were the right reply. All of it
lives in knowledge/retrieval.json.
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
    OFF_DOMAIN = "off_domain"  # not about the shop at all: decline, say what the bot can do


FEATURE_COUNT = 9


def features(ranking: Ranking) -> list[float]:
    """What both models are computed from: how close the best passage is in meaning, how
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
class LogisticModel:
    weights: tuple[float, ...]
    bias: float

    def probability(self, values: list[float]) -> float:
        z = self.bias + sum(w * x for w, x in zip(self.weights, values, strict=True))
        return 1.0 / (1.0 + math.exp(-z))


@dataclass(frozen=True)
class Judgement:
    """What the two models say of one search."""

    confidence: float  # the top article answers the question
    answerable: float  # some article does
    off_domain: float = 0.0  # the question is about something other than the shop


@dataclass(frozen=True)
class RetrievalConfig:
    fusion: FusionConfig = field(default_factory=FusionConfig)
    # Hand-set starting points, used only when retrieval.json is missing; the tuning replaces both.
    confidence_model: LogisticModel = LogisticModel((8.0, 10.0, 0.8, 5.0, 2.0, -4.0, -2.0, -2.0, -4.0), -5.0)
    answerable_model: LogisticModel = LogisticModel((2.0, 0.5, 0.4, 0.5, 0.5, -2.5, -4.0, -2.0, -4.0), 2.5)
    answer_threshold: float = 0.6  # on the confidence
    answerable_threshold: float = 0.3  # on the answerable probability
    # On the domain classifier's probability (knowledge/index/domain.py); at or above it the
    # question is off the shop's domain whatever the article scores say: an off-domain question
    # that shares a word with an article ("a limerick about boots") scores like a shop question.
    # The off_domain bars are not fitted by bench/knowledge_tune.py, which writes these defaults:
    # they are the values chosen with bench/clinc_off_domain.py --split val --choose (decisions 0265, 0275).
    off_domain_threshold: float = 0.96
    # A lower bar for a question no article answers clearly: a shop question rarely looks that
    # foreign and has no article either, while a request of another domain that shares a word
    # with an article often scores as unsure, or as answered on a middling answerable probability.
    off_domain_unsure_threshold: float = 0.7
    # "Clearly": answered outright with the answerable probability at or above this. With the
    # answer bar near 0 nearly every question some article may answer is answered outright, so
    # the outcome alone left the lower bar to the few no-match questions, and "what's the time in
    # London" (answerable 0.38, off the domain 0.95) got the UK shipping times (decision 0265).
    # 0: the lower bar for questions not answered outright only (as before 0265).
    off_domain_answerable_threshold: float = 0.7

    def judge(self, values: list[float], off_domain: float = 0.0) -> Judgement:
        return Judgement(self.confidence_model.probability(values), self.answerable_model.probability(values),
                         off_domain)

    def judge_ranking(self, ranking: Ranking) -> Judgement:
        return self.judge(features(ranking), ranking.off_domain)

    def outcome(self, judgement: Judgement) -> Outcome:
        if judgement.off_domain >= self.off_domain_threshold:
            return Outcome.OFF_DOMAIN
        if judgement.off_domain >= self.off_domain_unsure_threshold \
                and judgement.answerable < self.off_domain_answerable_threshold:
            return Outcome.OFF_DOMAIN
        if judgement.answerable >= self.answerable_threshold and judgement.confidence >= self.answer_threshold:
            return Outcome.CONFIDENT
        if judgement.off_domain >= self.off_domain_unsure_threshold:
            return Outcome.OFF_DOMAIN
        if judgement.answerable < self.answerable_threshold:
            return Outcome.NO_MATCH
        return Outcome.UNSURE

    @classmethod
    def load(cls, path: Path = CONFIG_FILE) -> RetrievalConfig:
        if not path.exists():
            return cls()
        raw = json.loads(path.read_text())
        refit = "refit it with `python -m bench.knowledge_tune`"
        if "answerable_model" not in raw:
            raise ValueError(f"{path}: written for one confidence model, this version has two; {refit}")
        models = [LogisticModel(tuple(raw[name]["weights"]), raw[name]["bias"])
                  for name in ("confidence_model", "answerable_model")]
        for model in models:
            if len(model.weights) != FEATURE_COUNT:
                raise ValueError(f"{path}: {len(model.weights)} weights for {FEATURE_COUNT} features; {refit}")
        return cls(
            fusion=FusionConfig(**raw["fusion"]),
            confidence_model=models[0],
            answerable_model=models[1],
            answer_threshold=raw["answer_threshold"],
            answerable_threshold=raw["answerable_threshold"],
            off_domain_threshold=raw.get("off_domain_threshold", cls.off_domain_threshold),
            off_domain_unsure_threshold=raw.get("off_domain_unsure_threshold", cls.off_domain_unsure_threshold),
            off_domain_answerable_threshold=raw.get("off_domain_answerable_threshold",
                                                    cls.off_domain_answerable_threshold),
        )

    def save(self, path: Path = CONFIG_FILE, note: str = "") -> None:
        body = asdict(self) | {"note": note}  # the models' weight tuples are written as JSON lists
        path.write_text(json.dumps(body, indent=2) + "\n")
