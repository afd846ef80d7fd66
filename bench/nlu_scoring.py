"""Scores of an intent classifier on CLINC150 and BANKING77, from its parsed predictions.

A prediction is {"intent", "confidence", "fallback"}: the top intent other than nlu_fallback,
its confidence, and whether the pipeline's own FallbackClassifier fired.
"""

from __future__ import annotations

import math
from typing import Any

Prediction = dict[str, Any]


def _out_of_scope(prediction: Prediction, threshold: float | None, oos_label: str,
                  with_fallback: bool) -> bool:
    return (prediction["intent"] == oos_label
            or (threshold is not None and prediction["confidence"] < threshold)
            or (with_fallback and bool(prediction["fallback"])))


def _rates(labels: list[str], predictions: list[Prediction], threshold: float | None, oos_label: str,
           with_fallback: bool) -> dict[str, float]:
    right_in = seen_in = caught = seen_oos = 0
    for label, prediction in zip(labels, predictions, strict=True):
        rejected = _out_of_scope(prediction, threshold, oos_label, with_fallback)
        if label == oos_label:
            seen_oos += 1
            caught += rejected
        else:
            seen_in += 1
            right_in += (not rejected) and prediction["intent"] == label
    return {"in_scope_accuracy": right_in / seen_in if seen_in else 0.0,
            "oos_recall": caught / seen_oos if seen_oos else 0.0,
            "n_in_scope": seen_in, "n_oos": seen_oos}


def score_clinc(labels: list[str], predictions: list[Prediction], threshold: float | None,
                oos_label: str) -> dict[str, Any]:
    """In-scope accuracy and out-of-scope recall: by the classifier (and the threshold, if any),
    and "as deployed", where the pipeline's nlu_fallback also counts as out of scope."""
    scores: dict[str, Any] = dict(_rates(labels, predictions, threshold, oos_label, with_fallback=False))
    deployed = _rates(labels, predictions, None, oos_label, with_fallback=True)
    scores["deployed_in_scope_accuracy"] = deployed["in_scope_accuracy"]
    scores["deployed_oos_recall"] = deployed["oos_recall"]
    # Top-1 accuracy on the in-scope messages when nothing is ever rejected: how well the
    # intents themselves are told apart, whatever the out-of-scope decision.
    in_scope = [(label, p) for label, p in zip(labels, predictions, strict=True) if label != oos_label]
    scores["top1_in_scope_accuracy"] = (sum(p["intent"] == label for label, p in in_scope) / len(in_scope)
                                        if in_scope else 0.0)
    return scores


def _candidate_thresholds(predictions: list[Prediction]) -> list[float]:
    """Every step of 0.005 from 0 to 1 and every confidence seen, in rising order."""
    return sorted({round(i / 200, 3) for i in range(201)} | {p["confidence"] for p in predictions})


def choose_threshold(labels: list[str], predictions: list[Prediction], oos_label: str = "oos") -> float:
    """The confidence threshold that maximises the mean of in-scope accuracy and out-of-scope
    recall on these (validation) predictions; the lowest such threshold on ties."""
    candidates = _candidate_thresholds(predictions)
    best, best_score = 0.0, -1.0
    for threshold in candidates:
        rates = _rates(labels, predictions, threshold, oos_label, with_fallback=False)
        score = (rates["in_scope_accuracy"] + rates["oos_recall"]) / 2
        if score > best_score + 1e-12:
            best, best_score = threshold, score
    return float(best)


def score_banking(labels: list[str], predictions: list[Prediction]) -> dict[str, Any]:
    """Accuracy of the top intent; "as deployed", a fallback counts as wrong."""
    right = sum(p["intent"] == label for label, p in zip(labels, predictions, strict=True))
    deployed = sum(p["intent"] == label and not p["fallback"] for label, p in zip(labels, predictions, strict=True))
    fallbacks = sum(bool(p["fallback"]) for p in predictions)
    n = max(1, len(labels))
    return {"accuracy": right / n, "deployed_accuracy": deployed / n, "fallback_rate": fallbacks / n,
            "n_test": len(labels)}


def threshold_for_recall(labels: list[str], predictions: list[Prediction], min_recall: float,
                         oos_label: str = "oos") -> float | None:
    """The lowest confidence threshold whose out-of-scope recall on these (validation)
    predictions reaches `min_recall`: the issue's goal asks for a recall, and the lowest such
    threshold rejects the fewest in-scope messages. None if no threshold reaches it."""
    for threshold in _candidate_thresholds(predictions):
        if _rates(labels, predictions, threshold, oos_label, with_fallback=False)["oos_recall"] >= min_recall:
            return float(threshold)
    return None


def threshold_for_accuracy(labels: list[str], predictions: list[Prediction], min_accuracy: float,
                           oos_label: str = "oos") -> float | None:
    """The highest confidence threshold whose in-scope accuracy on these (validation)
    predictions stays at or above `min_accuracy`: the most out-of-scope requests caught while
    keeping the issue's in-scope goal. None if even no threshold falls short of it."""
    best = None
    for threshold in _candidate_thresholds(predictions):
        if _rates(labels, predictions, threshold, oos_label, with_fallback=False)["in_scope_accuracy"] >= min_accuracy:
            best = float(threshold)
        else:
            break  # accuracy only falls as the threshold rises
    return best


def goal_margin(rate: float, goal: float, n: int) -> float:
    """How far `rate`, measured on `n` queries, lies above `goal`, in standard errors of a rate
    of `goal` on `n` queries (negative below it)."""
    if n == 0 or not 0 < goal < 1:
        return float("-inf") if rate < goal else float("inf")
    return (rate - goal) / math.sqrt(goal * (1 - goal) / n)


def threshold_for_goals(labels: list[str], predictions: list[Prediction], min_accuracy: float,
                        min_recall: float, oos_label: str = "oos") -> tuple[float, float]:
    """The threshold at which these (validation) predictions hold both goals by the widest
    margin: the largest smaller-of-the-two `goal_margin`s, and that margin. The lowest such
    threshold on ties.

    Why not `threshold_for_accuracy`: it puts the validation figure exactly on the in-scope goal,
    so a test set of the same kind lands under the goal about one time in two. Measured in
    standard errors, each goal gets a margin in proportion to how precisely the validation data
    can tell it (CLINC150: 3,000 in-scope queries, a standard error of 0.4 points at 95 %; 100
    out-of-scope ones, 4.6 points at 70 %). A negative margin means no threshold holds both."""
    n_in = sum(1 for label in labels if label != oos_label)
    n_oos = len(labels) - n_in
    best, best_margin = 0.0, float("-inf")
    for threshold in _candidate_thresholds(predictions):
        rates = _rates(labels, predictions, threshold, oos_label, with_fallback=False)
        margin = min(goal_margin(rates["in_scope_accuracy"], min_accuracy, n_in),
                     goal_margin(rates["oos_recall"], min_recall, n_oos))
        if margin > best_margin + 1e-12:
            best, best_margin = threshold, margin
    return float(best), best_margin
