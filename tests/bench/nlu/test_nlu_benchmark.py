"""The CLINC150/BANKING77 benchmark (bench/nlu_benchmark.py): its scoring on hand-made
predictions, and a smoke run on a few intents with few epochs, end to end through Rasa."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.intent_datasets import load_banking, load_clinc, subsample, write_rasa_nlu
from bench.nlu_benchmark import CLASSIFIERS, INTENT_CLASSIFIERS, pipeline_config
from bench.nlu_scoring import (
    choose_threshold,
    goal_margin,
    score_banking,
    score_clinc,
    threshold_for_accuracy,
    threshold_for_goals,
    threshold_for_recall,
)

ROOT = Path(__file__).resolve().parents[3]
DATASETS = ROOT.parent / "shared" / "datasets"


def p(intent: str, confidence: float, fallback: bool = False) -> dict:
    return {"intent": intent, "confidence": confidence, "fallback": fallback}


def test_clinc_scores_count_oos_by_class_threshold_and_fallback() -> None:
    labels = ["a", "a", "b", "oos", "oos"]
    predictions = [p("a", 0.9), p("a", 0.4, fallback=True), p("a", 0.8), p("oos", 0.7), p("b", 0.3, fallback=True)]
    as_class = score_clinc(labels, predictions, threshold=None, oos_label="oos")
    assert (as_class["in_scope_accuracy"], as_class["oos_recall"]) == (2 / 3, 1 / 2)
    assert (as_class["deployed_in_scope_accuracy"], as_class["deployed_oos_recall"]) == (1 / 3, 1.0)
    by_threshold = score_clinc(labels, predictions, threshold=0.5, oos_label="oos")
    assert (by_threshold["in_scope_accuracy"], by_threshold["oos_recall"]) == (1 / 3, 1.0)
    assert by_threshold["top1_in_scope_accuracy"] == 2 / 3


def test_the_threshold_balances_in_scope_accuracy_and_oos_recall() -> None:
    labels = ["a", "b", "a", "oos", "oos"]
    predictions = [p("a", 0.9), p("b", 0.8), p("a", 0.6), p("a", 0.5), p("b", 0.2)]
    assert choose_threshold(labels, predictions) == 0.505  # everything in scope kept, both oos caught


def test_the_goal_threshold_is_the_lowest_reaching_the_recall() -> None:
    labels = ["a", "a", "oos", "oos", "oos"]
    predictions = [p("a", 0.9), p("a", 0.3), p("a", 0.2), p("a", 0.4), p("a", 0.95)]
    assert threshold_for_recall(labels, predictions, 2 / 3) == 0.405  # catches 0.2 and 0.4
    assert threshold_for_recall(labels, predictions, 1.0) == 0.955
    assert threshold_for_recall(["oos"], [p("a", 1.0)], 1.0) is None


def test_the_accuracy_goal_threshold_is_the_highest_keeping_it() -> None:
    labels = ["a", "a", "a", "b", "oos"]
    predictions = [p("a", 0.9), p("a", 0.7), p("a", 0.3), p("a", 0.8), p("a", 0.5)]
    # Three of the four in-scope ones are right (0.9, 0.7, 0.3): 3/4 up to 0.3, 2/4 up to 0.7, then 1/4.
    assert threshold_for_accuracy(labels, predictions, 0.5) == 0.7
    assert threshold_for_accuracy(labels, predictions, 0.75) == 0.3  # keeps all three right ones
    assert threshold_for_accuracy(labels, predictions, 0.8) is None  # never reached


def test_the_goals_threshold_leaves_both_a_margin_where_the_accuracy_rule_sits_on_the_edge() -> None:
    # 100 in-scope queries, all right, at confidences 0.01 to 1.00; 10 out-of-scope ones at
    # 0.005 to 0.095. Goals: 90 % in scope, 50 % recall.
    labels = ["a"] * 100 + ["oos"] * 10
    predictions = [p("a", i / 100) for i in range(1, 101)] + [p("a", (2 * j - 1) / 200) for j in range(1, 11)]
    # The accuracy rule keeps exactly 90 of the 100: on the goal, with no room to spare.
    assert threshold_for_accuracy(labels, predictions, 0.9) == 0.11
    threshold, margin = threshold_for_goals(labels, predictions, 0.9, 0.5)
    # At 0.07: 94 of 100 kept (1.33 standard errors of 3 points over 90 %), 7 of 10 caught
    # (1.26 of 15.8 points over 50 %); a step either way makes the smaller margin smaller.
    assert threshold == 0.07
    assert margin == pytest.approx(goal_margin(0.7, 0.5, 10)) == pytest.approx(0.2 / (0.25 / 10) ** 0.5)
    scores = score_clinc(labels, predictions, threshold=threshold, oos_label="oos")
    assert (scores["in_scope_accuracy"], scores["oos_recall"]) == (0.94, 0.7)


def test_goals_no_threshold_can_hold_give_a_negative_margin() -> None:
    labels = ["a", "a", "oos", "oos"]
    predictions = [p("a", 0.2), p("b", 0.9), p("a", 0.8), p("a", 0.95)]  # the oos ones look surest
    _, margin = threshold_for_goals(labels, predictions, 0.9, 0.7)
    assert margin < 0
    assert goal_margin(0.95, 0.95, 3000) == 0.0 and goal_margin(0.5, 0.7, 0) == float("-inf")


def test_banking_counts_a_fallback_as_wrong_only_as_deployed() -> None:
    scores = score_banking(["x", "y"], [p("x", 0.9), p("y", 0.2, fallback=True)])
    assert (scores["accuracy"], scores["deployed_accuracy"], scores["fallback_rate"]) == (1.0, 0.5, 0.5)


def test_each_classifier_variant_swaps_only_the_intent_classifier() -> None:
    bot = pipeline_config("bot", None)["pipeline"]
    for name, classifier in CLASSIFIERS.items():
        variant = pipeline_config(name, 3)["pipeline"]
        assert [c for c in variant if c["name"] in INTENT_CLASSIFIERS] == [
            {**classifier, **({"epochs": 3} if "epochs" in classifier else {})}]
        assert [c for c in variant if c["name"] not in INTENT_CLASSIFIERS] == [
            c for c in bot if c["name"] not in INTENT_CLASSIFIERS]


def test_missing_data_is_named(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"data_full\.json"):
        load_clinc(tmp_path)
    with pytest.raises(FileNotFoundError, match=r"train\.csv"):
        load_banking(tmp_path)


def test_rasa_nlu_file_keeps_brackets_from_becoming_entities(tmp_path: Path) -> None:
    write_rasa_nlu([("what is [this](thing)?", "ask"), ("two\nlines", "ask"), ("  ", "ask")], tmp_path / "nlu.yml")
    text = (tmp_path / "nlu.yml").read_text()
    assert "- what is (this)(thing)?" in text and "- two lines" in text and text.count("    - ") == 2


@pytest.mark.skipif(not (DATASETS / "clinc150").is_dir(), reason="../shared/datasets is not beside the clone")
def test_subsample_keeps_oos_and_the_first_intents() -> None:
    test = load_clinc(DATASETS / "clinc150")
    small = subsample(test["test"] + test["oos_test"], intents=3, per_intent=4)
    assert sum(label == "oos" for _, label in subsample(test["oos_test"], None, 4, oos=50)) == 50
    assert len(small) == 16 and sum(label == "oos" for _, label in small) == 4


@pytest.mark.skipif(not (DATASETS / "clinc150").is_dir(), reason="../shared/datasets is not beside the clone")
def test_smoke_run_trains_both_pipelines_and_prints_the_table(tmp_path: Path) -> None:
    small = ["--intents", "3", "--per-intent", "8", "--eval-per-intent", "5", "--eval-oos", "10", "--epochs", "2",
             "--folds", "2", "--out", str(tmp_path)]
    runs = [["--pipelines", "bot", "bot-lr", "--tasks", "clinc-threshold"],
            ["--pipelines", "default", "--tasks", "clinc-class", "banking"]]
    for extra in runs:
        done = subprocess.run([sys.executable, "-m", "bench.nlu_benchmark", *small, *extra], cwd=ROOT,
                              env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True,
                              timeout=900)
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    out = done.stdout
    assert "a SMALL run" in out
    assert "| bot |" in out and "| default |" in out and "| Rasa 2019 (published) | 91.5 | 45.3 | 90.9 | 31.2 |" in out
    assert "| clinc-threshold | bot |" in out and "| banking | default |" in out
    assert "| clinc-threshold | bot-lr |" in out and "| bot-lr |" in out
    # The goal table: each rule's threshold, chosen on val, applied to the test predictions.
    assert "| threshold-bot | both, widest margin on val |" in out
    assert "| threshold-bot | as deployed: chosen on train by cross-validation" in out


def test_smoke_run_of_the_pipeline_over_the_adapted_encoder(tmp_path: Path) -> None:
    # Eight intents: a batch of the adaptation holds one pair per intent, and needs eight. No
    # calibration (--folds 0): its folds adapted to themselves are `./baton train`'s own path, and
    # the other smoke run checks the "as deployed" figures.
    done = subprocess.run([sys.executable, "-m", "bench.nlu_benchmark", "--intents", "8", "--per-intent", "4",
                           "--eval-per-intent", "2", "--eval-oos", "4", "--epochs", "1", "--folds", "0",
                           "--out", str(tmp_path),
                           "--pipelines", "bot-adapted", "--tasks", "clinc-threshold"], cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    assert "| clinc-threshold | bot-adapted | 32 |" in done.stdout and " s adapting |" in done.stdout
    assert "| threshold-bot-adapted | both, widest margin on val |" in done.stdout
