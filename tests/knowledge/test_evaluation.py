"""The decision figures computed from the two models' judgements: what the benchmark reports and what the
tuning chooses its thresholds on."""

from __future__ import annotations

import pytest

from knowledge.evaluation import Question, Searched, figures_at, load_questions, split_of
from knowledge.index.decision import Judgement, RetrievalConfig


def searched(article: str | None, top3: list[str]) -> Searched:
    return Searched(Question(f"q-{article}-{top3}", "text", article, "plain"), [0.0] * 9, top3)


def test_figures_count_no_match_confident_and_unsure_decisions() -> None:
    config = RetrievalConfig(answer_threshold=0.7, answerable_threshold=0.3)
    cases = [
        (searched(None, ["a", "b"]), Judgement(0.9, 0.1)),  # unanswerable, told "I don't know": right
        (searched(None, ["a", "b"]), Judgement(0.2, 0.5)),  # unanswerable, offered buttons anyway
        (searched("a", ["b", "c"]), Judgement(0.2, 0.2)),  # answerable, told "I don't know": wrong
        (searched("a", ["a", "b"]), Judgement(0.9, 0.9)),  # answered outright, right
        (searched("b", ["a", "b"]), Judgement(0.8, 0.9)),  # answered outright, wrong
        (searched("c", ["a", "b", "c"]), Judgement(0.4, 0.9)),  # unsure, the buttons hold it
        (searched("d", ["a", "b", "c"]), Judgement(0.4, 0.6)),  # unsure, they do not
    ]
    figures = figures_at([one for one, _ in cases], [c for _, c in cases], config)
    assert figures.no_match_precision == pytest.approx(1 / 2)
    assert figures.no_match_recall == pytest.approx(1 / 2)
    assert figures.confident_accuracy == pytest.approx(1 / 2)
    assert figures.confident_share == pytest.approx(2 / 5)
    assert figures.unsure_hit_at_3 == pytest.approx(1 / 2)


def test_figures_need_one_judgement_per_search() -> None:
    with pytest.raises(ValueError):
        figures_at([searched(None, [])], [Judgement(0.1, 0.1), Judgement(0.2, 0.2)], RetrievalConfig())


def test_a_search_with_no_hits_is_never_right() -> None:
    assert not searched("a", []).top_right
    assert not searched(None, ["a"]).top_right
    assert searched("a", []).answerable and not searched(None, ["a"]).answerable


def test_the_halves_split_the_eval_set_and_both_hold_unanswerable_questions() -> None:
    dev, test = load_questions("dev"), load_questions("test")
    assert {q.id for q in dev}.isdisjoint(q.id for q in test)
    assert len(dev) + len(test) == len(load_questions("all"))
    assert all(split_of(q.id) == "dev" for q in dev)
    assert sum(q.article is None for q in dev) >= 30 and sum(q.article is None for q in test) >= 30


def test_figures_keep_the_counts_behind_the_no_match_shares() -> None:
    config = RetrievalConfig(answer_threshold=0.7, answerable_threshold=0.3)
    cases = [searched(None, ["a"]), searched(None, ["a"]), searched("a", ["b"])]
    figures = figures_at(cases, [Judgement(0.1, 0.1), Judgement(0.5, 0.5), Judgement(0.2, 0.2)], config)
    assert (figures.no_match_right, figures.no_match_said, figures.unanswerable) == (1, 2, 2)


def test_wilson_interval_brackets_the_share_and_narrows_with_more_trials() -> None:
    from knowledge.evaluation import wilson_interval

    low, high = wilson_interval(32, 39)
    assert low == pytest.approx(0.674, abs=0.002) and high == pytest.approx(0.911, abs=0.002)
    wide, narrow = wilson_interval(8, 10), wilson_interval(800, 1000)
    assert wide[0] < narrow[0] < 0.8 < narrow[1] < wide[1]
    assert wilson_interval(5, 5)[1] == 1.0 and wilson_interval(0, 5)[0] == 0.0
    assert wilson_interval(0, 0) == (0.0, 1.0)
