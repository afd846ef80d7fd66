"""The tuning's two decision models: thresholds are chosen on scores from models that did not
see the question, because scores of the models fitted to the same questions flatter them."""

from __future__ import annotations

import numpy as np

from bench.knowledge_tune import REGULARISATION, choose_thresholds, fit_model, fit_models, held_out_judgements
from knowledge.evaluation import Question, Searched, figures_at
from knowledge.index.decision import Outcome, RetrievalConfig


def made_up(n: int = 200, seed: int = 0) -> list[Searched]:
    """Searches whose first feature says, with noise, whether the top article is right, and
    whose second says whether the question is answerable at all."""
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        kind = i % 4  # 0: unanswerable, 1: answerable but ranked wrong, 2 and 3: right
        right = kind >= 2
        values = [float(rng.normal((-1.0, -1.0, 1.5, 1.5)[kind], 0.7)),
                  float(rng.normal(-2.0 if kind == 0 else 1.0, 0.7))] + [float(v) for v in rng.normal(0, 1, 7)]
        article = None if kind == 0 else "a"
        top3 = ["a", "b", "c"] if right else ["b", "a", "c"]
        out.append(Searched(Question(f"q{i}", "text", article, "plain"), values, top3))
    return out


def test_held_out_scores_come_from_models_that_did_not_see_the_question() -> None:
    searched = made_up()
    confidence, answerable = fit_models(searched)
    for fitted, informative, target in ((confidence, 0, "top_right"), (answerable, 1, "answerable")):
        assert fitted.C in REGULARISATION
        assert len(fitted.held_out) == len(searched)
        in_sample = [fitted.model.probability(one.features) for one in searched]
        assert not np.allclose(in_sample, fitted.held_out)
        # The informative feature carries the weight, and the held-out scores still separate the kinds.
        assert abs(fitted.model.weights[informative]) == max(abs(w) for w in fitted.model.weights)
        yes = [p for one, p in zip(searched, fitted.held_out, strict=True) if getattr(one, target)]
        no = [p for one, p in zip(searched, fitted.held_out, strict=True) if not getattr(one, target)]
        assert np.mean(yes) > np.mean(no) + 0.3


def test_too_few_of_a_kind_to_hold_out_falls_back_to_the_fitted_scores() -> None:
    everything = made_up(40)
    searched = [one for one in everything if one.top_right] + [everything[0]]  # one that is not
    fitted = fit_model(searched, lambda one: one.top_right, "confidence")
    assert len(fitted.held_out) == len(searched)


def test_thresholds_hold_the_no_match_precision_on_the_scores_given() -> None:
    searched = made_up()
    confidence, answerable = fit_models(searched)
    judgements = held_out_judgements(confidence, answerable)
    config = choose_thresholds(searched, judgements, RetrievalConfig(
        confidence_model=confidence.model, answerable_model=answerable.model))
    figures = figures_at(searched, judgements, config)
    assert figures.no_match_precision >= 0.9 and figures.no_match_recall >= 0.8
    assert figures.confident_accuracy >= 0.9
    # Answerable questions ranked wrong are mostly offered buttons, hardly ever told "I don't know".
    wrong = [config.outcome(j) for one, j in zip(searched, judgements, strict=True)
             if one.answerable and not one.top_right]
    assert wrong.count(Outcome.NO_MATCH) <= 0.1 * len(wrong) < wrong.count(Outcome.UNSURE) / 2
