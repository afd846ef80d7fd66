"""Choose the knowledge search's fusion, confidence model and thresholds on the dev half
of knowledge/eval, and write them to knowledge/retrieval.json.

Usage: .venvs/svc/bin/python -m bench.knowledge_tune [--dry-run] [--limit N]
"""

from __future__ import annotations

import argparse
import datetime as dt
from dataclasses import replace

import numpy as np
from sklearn.linear_model import LogisticRegression

from bench.knowledge_setup import build_index
from knowledge.evaluation import decision_figures, load_questions, ranking_figures
from knowledge.index.decision import RetrievalConfig, features
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


def fit_confidence(index: HybridIndex, questions) -> tuple[list[float], float]:
    x, y = [], []
    for question in questions:
        ranking = index.search(question.text, k=3)
        hits = ranking.hits
        x.append(features(ranking))
        y.append(int(question.article is not None and hits[0].passage.article_id == question.article))
    model = LogisticRegression(C=10.0, max_iter=1000).fit(np.array(x), np.array(y))
    return [float(w) for w in model.coef_[0]], float(model.intercept_[0])


def choose_thresholds(index: HybridIndex, questions, config: RetrievalConfig) -> RetrievalConfig:
    grid = np.round(np.arange(0.02, 0.98, 0.01), 2)
    best_suggest = None
    for t in grid:  # the most no-match recall while keeping its precision at 0.9 or more
        figures = decision_figures(index, questions, replace(config, suggest_threshold=t, answer_threshold=1.0))
        if figures.no_match_precision >= 0.9 and (
            best_suggest is None or figures.no_match_recall > best_suggest[1]
        ):
            best_suggest = (float(t), figures.no_match_recall)
    suggest = best_suggest[0] if best_suggest else 0.1
    answer = 0.95
    for t in grid:  # the lowest bar at which direct answers are right 9 times in 10
        if t < suggest:
            continue
        figures = decision_figures(index, questions, replace(config, suggest_threshold=suggest, answer_threshold=t))
        if figures.confident_accuracy >= 0.9:
            answer = float(t)
            break
    return replace(config, suggest_threshold=suggest, answer_threshold=answer)


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
    weights, bias = fit_confidence(index, dev)
    config = choose_thresholds(index, dev, RetrievalConfig(fusion=fusion, weights=tuple(weights), bias=bias))
    figures = decision_figures(index, dev, config)
    print(f"confidence weights {[round(w, 3) for w in weights]} bias {bias:.3f}")
    print(f"thresholds: answer >= {config.answer_threshold}, suggest >= {config.suggest_threshold}")
    print(f"dev: {figures}")
    if not args.dry_run:
        config.save(note=f"chosen on the dev half of knowledge/eval by bench/knowledge_tune.py on {dt.date.today()}")
        print("written to knowledge/retrieval.json")


if __name__ == "__main__":
    main()
