"""Choose the knowledge search's fusion, its two decision models and their thresholds on the
dev half of knowledge/eval, and write them to knowledge/retrieval.json.

Usage: .venvs/svc/bin/python -m bench.knowledge_tune [--dry-run] [--limit N]
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss
from sklearn.model_selection import StratifiedKFold, cross_val_predict

from bench.knowledge_setup import build_index
from knowledge.evaluation import Searched, figures_at, load_questions, own_figures, ranking_figures, search_all
from knowledge.index.decision import Judgement, LogisticModel, RetrievalConfig
from knowledge.index.hybrid import FusionConfig, HybridIndex

FUSIONS = [FusionConfig("rrf", rrf_k=k, support_weight=s) for k in (10, 30, 60) for s in (0.0, 0.15)] + [
    FusionConfig("weighted", round(float(w), 2), support_weight=s, classifier_weight=c, focus_weight=f)
    for w in np.arange(0.5, 0.95, 0.1)
    for s in (0.0, 0.1, 0.25)
    for c in (0.0, 0.3, 0.8, 1.2)
    for f in (0.0, 0.3, 0.6, 1.0)
]


def choose_fusion(index: HybridIndex, questions) -> FusionConfig:
    scored = []
    for fusion in FUSIONS:
        index.fusion = fusion
        figures = ranking_figures(index, questions, "hybrid")
        scored.append((figures.hit_at_1, figures.mrr, fusion))
        print(f"  {fusion.kind:8} w={fusion.dense_weight:.2f} k={fusion.rrf_k:3} s={fusion.support_weight:.2f} "
              f"c={fusion.classifier_weight:.2f} f={fusion.focus_weight:.2f}  "
              f"hit@1 {figures.hit_at_1:.3f}  mrr {figures.mrr:.3f}")
    return max(scored, key=lambda row: row[:2])[2]


REGULARISATION = (0.1, 0.3, 1.0, 3.0, 10.0, 30.0)  # LogisticRegression's C, chosen by cross-validation


@dataclass(frozen=True)
class Fitted:
    model: LogisticModel  # fitted on all of dev
    C: float
    held_out: list[float]  # each dev question's probability from a model fitted without it


def fit_model(searched: list[Searched], target: Callable[[Searched], bool], name: str, folds: int = 5) -> Fitted:
    """Fit a model of `target` on all of dev, and score each dev question with a model that
    did not see it. The thresholds are chosen on those held-out scores: chosen on the scores of
    the model that was fitted to the same questions, they promised more "no match" precision
    than unseen questions get."""
    x = np.array([one.features for one in searched])
    y = np.array([int(target(one)) for one in searched])
    folds = min(folds, int(np.bincount(y, minlength=2).min()))
    c, held_out = 10.0, None  # too few of one kind to hold any out (smoke runs): in-sample scores
    if folds >= 2:
        split = StratifiedKFold(folds, shuffle=True, random_state=0)
        best_loss = float("inf")
        for candidate in REGULARISATION:
            scores = cross_val_predict(LogisticRegression(C=candidate, max_iter=1000), x, y, cv=split,
                                       method="predict_proba")[:, 1]
            loss = log_loss(y, scores)
            print(f"  {name} model C={candidate:<5} held-out log loss {loss:.4f}")
            if loss < best_loss:
                best_loss, c, held_out = loss, candidate, scores
    fitted = LogisticRegression(C=c, max_iter=1000).fit(x, y)
    if held_out is None:
        held_out = fitted.predict_proba(x)[:, 1]
    model = LogisticModel(tuple(float(w) for w in fitted.coef_[0]), float(fitted.intercept_[0]))
    return Fitted(model, c, [float(p) for p in held_out])


def fit_models(searched: list[Searched]) -> tuple[Fitted, Fitted]:
    """The confidence (the top article is right) and the answerable model (some article is)."""
    return (fit_model(searched, lambda one: one.top_right, "confidence"),
            fit_model(searched, lambda one: one.answerable, "answerable"))


def held_out_judgements(confidence: Fitted, answerable: Fitted) -> list[Judgement]:
    return [Judgement(c, a) for c, a in zip(confidence.held_out, answerable.held_out, strict=True)]


def choose_thresholds(
    searched: list[Searched], judgements: list[Judgement], config: RetrievalConfig
) -> RetrievalConfig:
    grid = np.round(np.arange(0.02, 0.98, 0.01), 2)
    best = None
    for t in grid:  # the most no-match recall while keeping its precision at 0.9 or more
        figures = figures_at(searched, judgements, replace(config, answerable_threshold=t))
        if figures.no_match_precision >= 0.9 and (best is None or figures.no_match_recall > best[1]):
            best = (float(t), figures.no_match_recall)
    answerable = best[0] if best else 0.1
    answer = 0.95
    for t in grid:  # the lowest bar at which direct answers are right 9 times in 10
        figures = figures_at(searched, judgements, replace(config, answerable_threshold=answerable, answer_threshold=t))
        if figures.confident_accuracy >= 0.9:
            answer = float(t)
            break
    return replace(config, answerable_threshold=answerable, answer_threshold=answer)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dry-run", action="store_true", help="print, do not write retrieval.json")
    parser.add_argument("--limit", type=int, default=0, help="use every Nth dev question only (smoke runs)")
    args = parser.parse_args()
    # Everything in retrieval.json is chosen again here; its old contents (possibly for other
    # features) are not read.
    index = build_index(config=RetrievalConfig())
    dev = load_questions("dev")
    if args.limit:  # every Nth, so answerable and unanswerable questions are both kept
        dev = dev[:: max(1, len(dev) // args.limit)]
    print(f"dev questions: {len(dev)} ({sum(q.article is None for q in dev)} unanswerable)")
    fusion = choose_fusion(index, dev)
    index.fusion = fusion
    print(f"chosen fusion: {fusion}")
    searched = search_all(index, dev)
    confidence, answerable = fit_models(searched)
    held_out = held_out_judgements(confidence, answerable)
    config = choose_thresholds(searched, held_out, RetrievalConfig(
        fusion=fusion, confidence_model=confidence.model, answerable_model=answerable.model))
    for name, fitted in (("confidence", confidence), ("answerable", answerable)):
        print(f"{name} model C={fitted.C}, weights {[round(w, 3) for w in fitted.model.weights]} "
              f"bias {fitted.model.bias:.3f}")
    print(f"thresholds: answer at confidence >= {config.answer_threshold}, "
          f"no match at answerable < {config.answerable_threshold}")
    print(f"dev, held-out scores: {figures_at(searched, held_out, config)}")
    print(f"dev, the fitted model's own: {own_figures(searched, config)}")
    if not args.dry_run:
        config.save(note=f"chosen on the dev half of knowledge/eval by bench/knowledge_tune.py on {dt.date.today()}")
        print("written to knowledge/retrieval.json")


if __name__ == "__main__":
    main()
