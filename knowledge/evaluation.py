"""The help centre's evaluation set and the figures computed on it (used by bench/ and
by the tuning that writes knowledge/retrieval.json).

Questions are split in two halves by a hash of their id: weights and thresholds are
chosen on "dev", and the figures reported are measured on "test".
"""

from __future__ import annotations

import json
import math
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from knowledge.index.decision import Judgement, Outcome, RetrievalConfig, features
from knowledge.index.hybrid import HybridIndex, Method

EVAL_DIR = Path(__file__).resolve().parent / "eval"
Split = Literal["dev", "test", "all"]


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    article: str | None  # None: the help centre cannot answer it
    style: str


def split_of(question_id: str) -> str:
    return "dev" if zlib.crc32(question_id.encode()) % 2 == 0 else "test"


def load_questions(split: Split = "all", eval_dir: Path = EVAL_DIR) -> list[Question]:
    questions = []
    for name in ("questions.jsonl", "unanswerable.jsonl"):
        for line in (eval_dir / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                questions.append(
                    Question(row["id"], row["question"], row.get("article"), row.get("style") or row.get("kind", ""))
                )
    return [q for q in questions if split == "all" or split_of(q.id) == split]


@dataclass(frozen=True)
class RankingFigures:
    hit_at_1: float
    hit_at_3: float
    mrr: float
    count: int


def ranking_figures(index: HybridIndex, questions: list[Question], method: Method) -> RankingFigures:
    answerable = [q for q in questions if q.article]
    hit1 = hit3 = reciprocal = 0.0
    for question in answerable:
        ranked = [h.passage.article_id for h in index.rank(question.text, k=10, method=method)]
        if question.article in ranked:
            position = ranked.index(question.article) + 1
            reciprocal += 1 / position
            hit1 += position == 1
            hit3 += position <= 3
    n = max(len(answerable), 1)
    return RankingFigures(hit1 / n, hit3 / n, reciprocal / n, len(answerable))


@dataclass(frozen=True)
class DecisionFigures:
    no_match_precision: float
    no_match_recall: float
    confident_accuracy: float  # of the answers given outright, the share that were right
    confident_share: float  # of the answerable questions, the share answered outright
    unsure_hit_at_3: float  # of the "unsure" ones, the share whose buttons held the answer
    no_match_said: int = 0  # how many "no match" decisions the precision is over
    no_match_right: int = 0  # of them, the questions that were unanswerable
    unanswerable: int = 0  # how many the recall is over


def wilson_interval(successes: int, trials: int, z: float = 1.96) -> tuple[float, float]:
    """The 95 % interval of a proportion (Wilson's score interval): with a few dozen
    unanswerable questions, one question moves the "no match" precision by two or three points,
    so a figure near its target says little without it."""
    if trials == 0:
        return 0.0, 1.0
    share = successes / trials
    scale = 1 + z * z / trials
    centre = (share + z * z / (2 * trials)) / scale
    half = z * math.sqrt(share * (1 - share) / trials + z * z / (4 * trials * trials)) / scale
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass(frozen=True)
class Searched:
    """One question's search, reduced to what the decision and its tuning need."""

    question: Question
    features: list[float]
    top3: list[str]  # article ids, best first
    off_domain: float = 0.0  # the domain classifier's probability (not a feature of the two models)

    @property
    def unanswerable(self) -> bool:
        return self.question.article is None

    @property
    def answerable(self) -> bool:
        return not self.unanswerable

    @property
    def top_right(self) -> bool:
        return self.answerable and bool(self.top3) and self.top3[0] == self.question.article


def search_all(index: HybridIndex, questions: list[Question]) -> list[Searched]:
    searched = []
    for question in questions:
        ranking = index.search(question.text, k=3)
        searched.append(Searched(question, features(ranking), [h.passage.article_id for h in ranking.hits],
                                 ranking.off_domain))
    return searched


def figures_at(searched: list[Searched], judgements: list[Judgement], config: RetrievalConfig) -> DecisionFigures:
    """The decision figures when each search is judged as given (by the config's own models,
    or by models that never saw that question, as the tuning uses)."""
    true_no = predicted_no = both_no = 0
    confident = confident_right = unsure = unsure_right = answerable = 0
    for one, judgement in zip(searched, judgements, strict=True):
        outcome = config.outcome(judgement)
        true_no += one.unanswerable
        # Off the shop's domain is "no article" too.
        declined = outcome in (Outcome.NO_MATCH, Outcome.OFF_DOMAIN)
        predicted_no += declined
        both_no += one.unanswerable and declined
        if one.answerable:
            answerable += 1
            if outcome is Outcome.CONFIDENT:
                confident += 1
                confident_right += one.top_right
            elif outcome is Outcome.UNSURE:
                unsure += 1
                unsure_right += one.question.article in one.top3
    return DecisionFigures(
        no_match_precision=both_no / predicted_no if predicted_no else 1.0,
        no_match_recall=both_no / true_no if true_no else 1.0,
        confident_accuracy=confident_right / confident if confident else 1.0,
        confident_share=confident / answerable if answerable else 0.0,
        unsure_hit_at_3=unsure_right / unsure if unsure else 1.0,
        no_match_said=predicted_no,
        no_match_right=both_no,
        unanswerable=true_no,
    )


def own_figures(searched: list[Searched], config: RetrievalConfig) -> DecisionFigures:
    """The decision figures with the config's own models."""
    return figures_at(searched, [config.judge(one.features, one.off_domain) for one in searched], config)


def decision_figures(index: HybridIndex, questions: list[Question], config: RetrievalConfig) -> DecisionFigures:
    return own_figures(search_all(index, questions), config)
