"""Choose the detector's weights and thresholds on the dev split and write them to `handoff/detection.json`.

    .venvs/svc/bin/python -m bench.handoff_detector_fit [--config handoff/detection.json]

Method (recorded in the config's `fitted`):
1. Examples, dev split only: every labelled message (frustrated or not), and every customer turn of
   every conversation up to its hand-over turn (the hand-over turn of a "frustration" conversation
   is positive, earlier turns negative; the hand-over turn of an explicit request or a repeated
   fallback is left out, as a rule decides it, not the score).
2. Logistic regression on the nine signals, log loss with a small L2 penalty, examples weighted
   so that messages and conversation turns count the same in total, and within each the two
   classes count the same (conversation signals only vary in conversations, which are fewer),
   fitted by projected gradient descent that keeps every weight >= 0 (a signal may only add to
   frustration, which keeps the score explainable and stops the fit from learning quirks of
   the data such as "capitals mean happy").
3. The explicit-request similarity threshold and margin: grid search for the best F1 of the
   whole explicit-request check on dev messages and dev conversation turns.
4. The frustration threshold: grid search (0.05..0.95, step 0.01) for the best mean of the F1 of the
   whole decision on dev messages and on dev conversations; the middle of the best plateau.
The test split is never read here; `bench/handoff_detector.py` reports on it.
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from handoff.detection.config import DEFAULT_CONFIG_PATH, SIGNAL_NAMES
from handoff.detection.detector import Detector
from handoff.detection.evaluation import Conversation, Message, Scores, load_conversations, load_messages, only

L2 = 0.01
STEPS = 4000
LEARNING_RATE = 0.5


def balanced_weights(labels: np.ndarray, sources: np.ndarray) -> np.ndarray:
    """Each source (messages, conversation turns) weighs the same in total, and within it each class."""
    weight = np.zeros(len(labels))
    groups = [(sources == source) & (labels == label) for source in np.unique(sources) for label in (0, 1)]
    groups = [group for group in groups if group.any()]
    for group in groups:
        weight[group] = len(labels) / (len(groups) * group.sum())
    return weight


def fit_logistic(features: np.ndarray, labels: np.ndarray, sample_weight: np.ndarray) -> tuple[np.ndarray, float]:
    """Non-negative weights and a bias minimising weighted log loss + L2 (projected gradient descent)."""
    weights = np.zeros(features.shape[1])
    bias = 0.0
    for _ in range(STEPS):
        probability = 1 / (1 + np.exp(-(features @ weights + bias)))
        error = (probability - labels) * sample_weight
        weights -= LEARNING_RATE * (features.T @ error / len(labels) + L2 * weights)
        bias -= LEARNING_RATE * error.mean()
        np.maximum(weights, 0.0, out=weights)
    return weights, float(bias)


def training_examples(
    detector: Detector, messages: Sequence[Message], conversations: Sequence[Conversation]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Signal values, labels and source (0 message, 1 conversation turn) of every dev example."""
    rows: list[list[float]] = []
    labels: list[int] = []
    sources: list[int] = []
    for message in messages:
        values = detector.features(message.history())
        rows.append([values[name] for name in SIGNAL_NAMES])
        labels.append(int(message.frustrated))
        sources.append(0)
    for conversation in conversations:
        for index, history in conversation.prefixes():
            at = conversation.handover_at
            if at is not None and (index > at or (index == at and conversation.reason != "frustration")):
                continue
            values = detector.features(history)
            rows.append([values[name] for name in SIGNAL_NAMES])
            labels.append(int(index == at))
            sources.append(1)
    return np.array(rows), np.array(labels, dtype=float), np.array(sources)


def _best_plateau(candidates: list[float], objective: list[float]) -> float:
    best = max(objective)
    plateau = [value for value, score in zip(candidates, objective, strict=True) if score >= best - 1e-9]
    return plateau[len(plateau) // 2]


def choose_request_similarity(
    detector: Detector, messages: Sequence[Message], conversations: Sequence[Conversation]
) -> tuple[float, float, float]:
    """(threshold, margin, dev F1) for the embedding part of the explicit-request check."""
    cases = [(m.history()[-1], m.explicit_request) for m in messages]
    for conversation in conversations:
        for index, history in conversation.prefixes():
            labelled = conversation.reason == "explicit_request" and index == conversation.handover_at
            if conversation.handover_at is None or index <= conversation.handover_at:
                cases.append((history[-1], labelled))
    best: tuple[float, float, float] = (0.0, 0.0, -1.0)
    thresholds = [round(0.5 + 0.01 * step, 2) for step in range(41)]
    for margin in (0.0, 0.02, 0.05, 0.1):
        f1s = []
        for threshold in thresholds:
            explicit = detector.explicit.__class__(
                detector.config.explicit.model_copy(
                    update={"similarity_threshold": threshold, "similarity_margin": margin}
                ),
                detector.lexicon,
                detector.encoder,
            )
            f1s.append(Scores.of((explicit.check(turn).requested, label) for turn, label in cases).f1)
        if max(f1s) > best[2]:
            best = (_best_plateau(thresholds, f1s), margin, max(f1s))
    return best


def decisions(detector: Detector, thresholds: Sequence[float], messages, conversations) -> list[tuple[Scores, Scores]]:
    """Scores of the whole decision at each frustration threshold, on messages and on conversations."""

    def outcome(history) -> tuple[bool, float]:
        rule = detector.explicit.check(history[-1]).requested or detector.fallback_repeated(history)
        return rule, detector.score(detector.features(history))[0]

    message_outcomes = [(outcome(message.history()), message.handover) for message in messages]
    conversation_outcomes = [
        ([outcome(history) for _, history in conversation.prefixes()], conversation.handover)
        for conversation in conversations
    ]
    results = []
    for threshold in thresholds:
        message_scores = Scores.of((rule or score >= threshold, label) for (rule, score), label in message_outcomes)
        conversation_scores = Scores.of(
            (any(rule or score >= threshold for rule, score in turns), label) for turns, label in conversation_outcomes
        )
        results.append((message_scores, conversation_scores))
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, default=DEFAULT_CONFIG_PATH)
    args = parser.parse_args(argv)

    detector = Detector.from_config(args.config)
    messages = only(load_messages(), "dev")
    conversations = only(load_conversations(), "dev")

    features, labels, sources = training_examples(detector, messages, conversations)
    weights, bias = fit_logistic(features, labels, balanced_weights(labels, sources))
    similarity, margin, request_f1 = choose_request_similarity(detector, messages, conversations)
    config = detector.config.model_copy(
        update={
            "weights": {name: round(float(w), 4) for name, w in zip(SIGNAL_NAMES, weights, strict=True)},
            "bias": round(bias, 4),
            "explicit": detector.config.explicit.model_copy(
                update={"similarity_threshold": similarity, "similarity_margin": margin}
            ),
        }
    )
    detector = detector.with_config(config.model_copy(update={"threshold": 0.5}))
    candidates = [round(0.05 + 0.01 * step, 2) for step in range(91)]
    results = decisions(detector, candidates, messages, conversations)
    objective = [(m.f1 + c.f1) / 2 for m, c in results]
    threshold = _best_plateau(candidates, objective)
    message_scores, conversation_scores = results[candidates.index(threshold)]

    def figures(scores: Scores) -> dict[str, float]:
        return {"precision": round(scores.precision, 3), "recall": round(scores.recall, 3), "f1": round(scores.f1, 3)}

    config = config.model_copy(
        update={
            "threshold": threshold,
            "fitted": {
                "method": "logistic regression, non-negative weights, log loss balanced by source and class + L2 "
                f"{L2}, projected gradient descent ({STEPS} steps); request similarity threshold/margin and "
                "frustration threshold by grid search for best dev F1 (see bench/handoff_detector_fit.py)",
                "date": dt.date.today().isoformat(),
                "dev_examples": {"turns": len(labels), "positive": int(labels.sum())},
                "dev_messages": len(messages),
                "dev_conversations": len(conversations),
                "dev_request_check_f1": round(request_f1, 3),
                "dev_messages_figures": figures(message_scores),
                "dev_conversations_figures": figures(conversation_scores),
            },
        }
    )
    config.dump(args.config)
    print(f"wrote {args.config}")
    print("weights:", config.weights, "bias:", config.bias)
    print(f"request similarity >= {similarity} (margin {margin}), dev F1 {request_f1:.3f}")
    print(f"frustration threshold {threshold}; dev messages {figures(message_scores)}")
    print(f"dev conversations {figures(conversation_scores)}")


if __name__ == "__main__":
    main()
