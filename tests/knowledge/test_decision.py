"""From the two models' judgement to the outcome, and the config file they live in."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from knowledge.index.decision import (
    CONFIG_FILE,
    FEATURE_COUNT,
    Judgement,
    LogisticModel,
    Outcome,
    RetrievalConfig,
)
from knowledge.index.hybrid import FusionConfig

CONFIG = RetrievalConfig(answer_threshold=0.7, answerable_threshold=0.3, off_domain_threshold=0.9,
                         off_domain_unsure_threshold=0.7, off_domain_answerable_threshold=0.8)


@pytest.mark.parametrize(
    ("judgement", "outcome"),
    [
        (Judgement(confidence=0.95, answerable=0.9), Outcome.CONFIDENT),
        # Some article answers it, but which is unclear: buttons, not "I don't know".
        (Judgement(confidence=0.2, answerable=0.9), Outcome.UNSURE),
        (Judgement(confidence=0.69, answerable=0.3), Outcome.UNSURE),
        # Not ours, however well the top article seems to fit.
        (Judgement(confidence=0.95, answerable=0.29), Outcome.NO_MATCH),
        (Judgement(confidence=0.0, answerable=0.0), Outcome.NO_MATCH),
        # Not about the shop: declined whatever the article scores say.
        (Judgement(confidence=0.95, answerable=0.9, off_domain=0.9), Outcome.OFF_DOMAIN),
        (Judgement(confidence=0.0, answerable=0.0, off_domain=0.95), Outcome.OFF_DOMAIN),
        (Judgement(confidence=0.95, answerable=0.9, off_domain=0.89), Outcome.CONFIDENT),
        # Not answered outright: the lower bar decides between off the domain and the rest.
        (Judgement(confidence=0.2, answerable=0.9, off_domain=0.75), Outcome.OFF_DOMAIN),
        (Judgement(confidence=0.9, answerable=0.1, off_domain=0.75), Outcome.OFF_DOMAIN),
        (Judgement(confidence=0.2, answerable=0.9, off_domain=0.69), Outcome.UNSURE),
        (Judgement(confidence=0.9, answerable=0.1, off_domain=0.69), Outcome.NO_MATCH),
        # Answered outright, but on a middling answerable probability: the lower bar holds too.
        (Judgement(confidence=0.95, answerable=0.79, off_domain=0.7), Outcome.OFF_DOMAIN),
        (Judgement(confidence=0.95, answerable=0.8, off_domain=0.89), Outcome.CONFIDENT),
        (Judgement(confidence=0.95, answerable=0.79, off_domain=0.69), Outcome.CONFIDENT),
    ],
)
def test_the_no_match_bar_is_on_answerable_and_the_answer_bar_on_confidence(
    judgement: Judgement, outcome: Outcome
) -> None:
    assert CONFIG.outcome(judgement) is outcome


def test_at_0_the_lower_bar_holds_only_for_questions_not_answered_outright() -> None:
    """As before decision 0265: a file without the new bar gets the default, 0 keeps the old rule."""
    old = replace(CONFIG, off_domain_answerable_threshold=0.0)
    assert old.outcome(Judgement(confidence=0.95, answerable=0.5, off_domain=0.85)) is Outcome.CONFIDENT
    assert old.outcome(Judgement(confidence=0.2, answerable=0.9, off_domain=0.75)) is Outcome.OFF_DOMAIN
    assert CONFIG.outcome(Judgement(confidence=0.95, answerable=0.5, off_domain=0.85)) is Outcome.OFF_DOMAIN


def test_a_file_without_the_answerable_bar_of_the_off_domain_decision_gets_the_default(tmp_path: Path) -> None:
    path = tmp_path / "retrieval.json"
    CONFIG.save(path)
    raw = json.loads(path.read_text())
    del raw["off_domain_answerable_threshold"]
    path.write_text(json.dumps(raw))
    loaded = RetrievalConfig.load(path)
    assert loaded.off_domain_answerable_threshold == RetrievalConfig.off_domain_answerable_threshold > 0
    assert loaded.off_domain_unsure_threshold == CONFIG.off_domain_unsure_threshold


def test_the_shipped_off_domain_bars_are_the_defaults_the_tuning_writes() -> None:
    """bench/knowledge_tune.py rewrites retrieval.json from RetrievalConfig's defaults for the
    off_domain bars, which it does not fit: they must be the ones chosen (decision 0265)."""
    shipped, defaults = RetrievalConfig.load(CONFIG_FILE), RetrievalConfig()
    assert (shipped.off_domain_threshold, shipped.off_domain_unsure_threshold,
            shipped.off_domain_answerable_threshold) == (defaults.off_domain_threshold,
                                                         defaults.off_domain_unsure_threshold,
                                                         defaults.off_domain_answerable_threshold)


def test_a_model_is_a_logistic_function_of_the_features() -> None:
    model = LogisticModel((1.0, -2.0), 0.5)
    assert model.probability([0.0, 0.0]) == pytest.approx(1 / (1 + 2.718281828 ** -0.5))
    assert model.probability([10.0, 0.0]) > 0.99 > 0.01 > model.probability([0.0, 10.0])
    with pytest.raises(ValueError):
        model.probability([1.0])


def test_save_and_load_give_back_the_same_config(tmp_path: Path) -> None:
    config = RetrievalConfig(
        fusion=FusionConfig("weighted", 0.8, support_weight=0.25, classifier_weight=0.3, focus_weight=1.0),
        confidence_model=LogisticModel(tuple(float(i) for i in range(FEATURE_COUNT)), -1.5),
        answerable_model=LogisticModel(tuple(-float(i) for i in range(FEATURE_COUNT)), 2.5),
        answer_threshold=0.61,
        answerable_threshold=0.27,
        off_domain_threshold=0.83,
        off_domain_unsure_threshold=0.61,
        off_domain_answerable_threshold=0.77,
    )
    path = tmp_path / "retrieval.json"
    config.save(path, note="a test")
    assert RetrievalConfig.load(path) == config
    assert json.loads(path.read_text())["note"] == "a test"


def test_the_shipped_config_loads_and_was_chosen_by_the_tuning() -> None:
    config = RetrievalConfig.load(CONFIG_FILE)
    assert len(config.confidence_model.weights) == len(config.answerable_model.weights) == FEATURE_COUNT
    assert 0 < config.answerable_threshold < 1 and 0 < config.answer_threshold < 1
    assert "knowledge_tune" in json.loads(CONFIG_FILE.read_text())["note"]


def test_a_config_of_the_one_model_era_is_refused_with_how_to_refit(tmp_path: Path) -> None:
    path = tmp_path / "retrieval.json"
    path.write_text(json.dumps({"fusion": {}, "weights": [1.0] * FEATURE_COUNT, "bias": 0.0,
                                "answer_threshold": 0.44, "suggest_threshold": 0.44}))
    with pytest.raises(ValueError, match=r"bench\.knowledge_tune"):
        RetrievalConfig.load(path)


def test_a_config_with_the_wrong_number_of_weights_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "retrieval.json"
    good = RetrievalConfig()
    good.save(path)
    body = json.loads(path.read_text())
    body["answerable_model"]["weights"] = [1.0] * (FEATURE_COUNT - 1)
    path.write_text(json.dumps(body))
    with pytest.raises(ValueError, match=f"{FEATURE_COUNT - 1} weights for {FEATURE_COUNT} features"):
        RetrievalConfig.load(path)


def test_no_file_gives_the_hand_set_defaults(tmp_path: Path) -> None:
    assert RetrievalConfig.load(tmp_path / "missing.json") == RetrievalConfig()
