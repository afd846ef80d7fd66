"""How bench.nlu_fallback_threshold scores and chooses the FallbackClassifier's thresholds, on
hand-made out-of-fold predictions, and that it reads the bot's own NLU examples."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bench.nlu_fallback_threshold import (
    bot_examples,
    choose,
    configured_thresholds,
    rates,
    with_thresholds,
    write_thresholds,
)

ROOT = Path(__file__).resolve().parents[3]


def r(kind: str, label: str | None, intent: str, confidence: float, second: float) -> dict:
    return {"kind": kind, "label": label, "intent": intent, "confidence": confidence, "second": second}


RECORDS = [
    r("in", "request_return", "request_return", 0.9, 0.05),  # sure and right: kept by any sane choice
    r("in", "request_return", "cancel_order", 0.4, 0.35),  # wrong, unsure and ambiguous
    r("in", "ask_question", "ask_question", 0.3, 0.15),  # a fallback answers it the same way
    r("choose", None, "check_order_status", 0.375, 0.3125),  # out of scope, would start a flow
    r("choose", None, "ask_question", 0.8, 0.1),  # out of scope, read as a question: fine
    r("check", None, "inform", 0.5, 0.1),
]


def test_a_fallback_is_right_for_out_of_scope_and_for_questions_only() -> None:
    none = rates(RECORDS, 0.0, 0.0)
    assert (none["in"], none["choose"], none["check"], none["in_fallback"]) == (2 / 3, 1 / 2, 0.0, 0.0)
    strict = rates(RECORDS, 0.45, 0.0)
    assert (strict["in"], strict["choose"], strict["in_fallback"]) == (2 / 3, 1.0, 2 / 3)
    ambiguous = rates(RECORDS, 0.0, 0.1)  # the two close calls fall back, not the question
    assert (ambiguous["in"], ambiguous["choose"], ambiguous["in_fallback"]) == (2 / 3, 1.0, 1 / 3)


def test_the_lowest_pair_with_the_best_mean_is_chosen() -> None:
    # Catching the flow-starting oos needs a threshold above 0.375 or an ambiguity threshold above
    # its gap of 0.0625; nothing helps the wrong in-scope one. Lowest such pair: 0 and 0.07.
    assert choose(RECORDS) == (0.0, 0.07)


def test_the_bot_examples_and_the_configured_thresholds_are_read() -> None:
    examples = bot_examples(ROOT / "bot" / "data")
    intents = {label for _, label in examples}
    assert len(examples) > 500 and {"ask_question", "inform", "check_order_status"} <= intents
    assert all(text.strip() for text, _ in examples)
    threshold, ambiguity = configured_thresholds(ROOT / "config.yml") or (None, None)
    assert threshold is not None and 0 < threshold < 1 and ambiguity is not None


def test_writing_the_chosen_pair_changes_only_those_two_values_in_config_yml(tmp_path: Path) -> None:
    text = (ROOT / "config.yml").read_text()
    config = tmp_path / "config.yml"
    config.write_text(text)
    write_thresholds(config, 0.13, 0.05)
    assert configured_thresholds(config) == (0.13, 0.05)
    before, after = text.splitlines(), config.read_text().splitlines()
    assert len(before) == len(after)
    changed = [new.strip() for old, new in zip(before, after, strict=True) if old != new]
    assert changed == ["threshold: 0.13", "ambiguity_threshold: 0.05"]  # every comment kept


def test_another_components_threshold_is_left_alone_and_missing_keys_are_added() -> None:
    text = ("pipeline:\n  - name: DIETClassifier\n    threshold: 0.5  # not the fallback's\n"
            "  - name: FallbackClassifier  # ours\n    threshold: 0.3  # was\n  - name: ResponseSelector\n"
            "policies:\n  - name: RulePolicy\n")
    written = with_thresholds(text, 0.2, 0.0)
    assert "    threshold: 0.5  # not the fallback's\n" in written and "    threshold: 0.2  # was\n" in written
    pipeline = yaml.safe_load(written)["pipeline"]
    assert pipeline[1] == {"name": "FallbackClassifier", "threshold": 0.2, "ambiguity_threshold": 0.0}
    assert pipeline[0]["threshold"] == 0.5 and "threshold" not in pipeline[2]
    with pytest.raises(ValueError, match="no FallbackClassifier"):
        with_thresholds("pipeline:\n  - name: DIETClassifier\n", 0.2, 0.0)
