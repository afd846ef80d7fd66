"""The tuning's confidence model: thresholds are chosen on scores from models that did not
see the question, because scores of the model fitted to the same questions flatter it."""

from __future__ import annotations

import numpy as np

from bench.knowledge_tune import REGULARISATION, choose_thresholds, fit_confidence
from knowledge.evaluation import Question, Searched, figures_at
from knowledge.index.decision import RetrievalConfig


def made_up(n: int = 200, seed: int = 0) -> list[Searched]:
    """Searches whose first feature says, with noise, whether the top article is right."""
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        kind = i % 4  # 0: unanswerable, 1: answerable but ranked wrong, 2 and 3: right
        right = kind >= 2
        signal = (-2.0, 0.0, 1.5, 1.5)[kind]
        values = [float(rng.normal(signal, 0.7))] + [float(v) for v in rng.normal(0, 1, 8)]
        article = None if kind == 0 else "a"
        top3 = ["a", "b", "c"] if right else ["b", "a", "c"]
        out.append(Searched(Question(f"q{i}", "text", article, "plain"), values, top3))
    return out


def test_held_out_scores_come_from_models_that_did_not_see_the_question() -> None:
    searched = made_up()
    confidence = fit_confidence(searched)
    assert confidence.C in REGULARISATION
    assert len(confidence.held_out) == len(searched)
    in_sample = [RetrievalConfig(weights=tuple(confidence.weights), bias=confidence.bias).confidence_of(one.features)
                 for one in searched]
    assert not np.allclose(in_sample, confidence.held_out)
    # The informative feature carries the weight, and the held-out scores still separate the kinds.
    assert abs(confidence.weights[0]) == max(abs(w) for w in confidence.weights)
    right = [c for one, c in zip(searched, confidence.held_out, strict=True) if one.top_right]
    wrong = [c for one, c in zip(searched, confidence.held_out, strict=True) if not one.top_right]
    assert np.mean(right) > np.mean(wrong) + 0.3


def test_too_few_of_a_kind_to_hold_out_falls_back_to_the_fitted_scores() -> None:
    everything = made_up(40)
    searched = [one for one in everything if one.top_right] + [everything[0]]  # one that is not
    confidence = fit_confidence(searched)
    assert len(confidence.held_out) == len(searched)


def test_thresholds_hold_the_no_match_precision_on_the_scores_given() -> None:
    searched = made_up()
    confidence = fit_confidence(searched)
    config = choose_thresholds(searched, confidence.held_out,
                               RetrievalConfig(weights=tuple(confidence.weights), bias=confidence.bias))
    figures = figures_at(searched, confidence.held_out, config)
    assert figures.no_match_precision >= 0.9
    assert config.suggest_threshold <= config.answer_threshold
    assert figures.confident_accuracy >= 0.9
