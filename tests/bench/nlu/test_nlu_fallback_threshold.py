"""bench.nlu_fallback_threshold: it reads the bot's own NLU examples, the pair config.yml
overrides, and writes an override without touching the rest of config.yml. (How the pair is
scored and chosen: tests/stack/test_fallback_threshold.py.)"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bench.nlu_fallback_threshold import bot_examples, configured_thresholds, with_thresholds, write_thresholds

ROOT = Path(__file__).resolve().parents[3]


def test_the_bot_examples_are_read_and_config_yml_lets_training_choose_the_threshold() -> None:
    examples = bot_examples(ROOT / "bot" / "data")
    intents = {label for _, label in examples}
    assert len(examples) > 500 and {"ask_question", "inform", "check_order_status"} <= intents
    assert all(text.strip() for text, _ in examples)
    assert configured_thresholds(ROOT / "config.yml") is None  # ./baton train chooses it


def test_writing_the_chosen_pair_changes_only_those_two_values_in_config_yml(tmp_path: Path) -> None:
    text = (ROOT / "config.yml").read_text()
    config = tmp_path / "config.yml"
    config.write_text(text)
    write_thresholds(config, 0.13, 0.05)
    assert configured_thresholds(config) == (0.13, 0.05)
    before, after = text.splitlines(), config.read_text().splitlines()
    assert len(after) == len(before) + 1  # the threshold added, the ambiguity changed in place
    added = [line.strip() for line in after if line not in before]
    assert added == ["threshold: 0.13", "ambiguity_threshold: 0.05"]  # every comment kept


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
