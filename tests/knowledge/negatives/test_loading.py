"""The other domains' examples for the domain classifier alone (knowledge/negatives/domain)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from knowledge.evaluation import load_questions
from knowledge.negatives import (
    DOMAIN_DIR,
    NEGATIVES_DIR,
    load_domain_only,
    load_negatives,
    load_off_domain,
    load_shop_negatives,
)

CUSTOMER_SET = Path(__file__).resolve().parents[3] / "bench" / "customer_eval" / "questions.jsonl"


def test_the_domain_folder_is_outside_the_article_classifiers_files(tmp_path: Path) -> None:
    (tmp_path / "clinc150.txt").write_text("# a header\nbook a flight\nset a timer\n")
    (tmp_path / "not_covered.txt").write_text("do you sell gift wrap\n")
    (tmp_path / DOMAIN_DIR).mkdir()
    (tmp_path / DOMAIN_DIR / "b.txt").write_text("set a timer\nplay some jazz\n")
    (tmp_path / DOMAIN_DIR / "a.txt").write_text("# a header\nplay some jazz\nhow tall is everest\n\n")
    # Each once, in the files' order, none of clinc150.txt's.
    assert load_domain_only(tmp_path) == ["play some jazz", "how tall is everest"]
    assert sorted(load_negatives(tmp_path)) == ["book a flight", "do you sell gift wrap", "set a timer"]
    assert load_shop_negatives(tmp_path) == ["do you sell gift wrap"]


def test_without_the_domain_folder_there_are_none(tmp_path: Path) -> None:
    (tmp_path / "clinc150.txt").write_text("book a flight\n")
    assert load_domain_only(tmp_path) == [] and load_off_domain(tmp_path) == ["book a flight"]


def test_the_shipped_domain_examples_are_many_and_new() -> None:
    lines = load_domain_only()
    assert len(lines) > 5000, "the domain classifier's examples: run knowledge.negatives.extract_clinc150"
    assert not set(lines) & set(load_negatives(NEGATIVES_DIR))


def test_no_evaluation_question_is_among_the_domain_examples() -> None:
    """Neither knowledge/eval's questions nor the customer set's (bench/customer_eval) may be
    learnt from: the benchmarks would measure memory."""
    def plain(text: str) -> str:
        return " ".join(re.sub(r"[^\w]+", " ", text.lower()).split())

    examples = {plain(line) for line in load_domain_only()}
    asked = [plain(q.text) for q in load_questions("all")]
    asked += [plain(json.loads(line)["question"]) for line in CUSTOMER_SET.read_text().splitlines() if line.strip()]
    assert len(asked) > 500 and not [q for q in asked if q in examples]
