"""Writing the other domains' examples from CLINC150: which of its queries each file takes."""

from __future__ import annotations

import json
from pathlib import Path

from knowledge.negatives.extract_clinc150 import SHOP_LIKE, evaluation_questions, extract, extract_for_domain, plain


def _clinc(folder: Path) -> Path:
    """A CLINC150-shaped data_full.json: two other-domain intents, one shop-like, out of scope."""
    shop_like = sorted(SHOP_LIKE)[0]
    data = {
        "train": [[f"weather {n}", "weather"] for n in range(5)] + [[f"recipe {n}", "recipe"] for n in range(3)]
        + [[f"shop {n}", shop_like] for n in range(5)],
        "oos_train": [["oos train", "oos"]], "oos_val": [["oos val", "oos"]], "oos_test": [["oos test", "oos"]],
        "val": [["weather val", "weather"]], "test": [["weather test", "weather"]],
    }
    (folder / "data_full.json").write_text(json.dumps(data))
    return folder


def test_the_domain_file_takes_training_queries_of_other_domains_only(tmp_path: Path) -> None:
    lines = extract_for_domain(_clinc(tmp_path), per_intent=4)
    assert "oos train" in lines
    assert not [line for line in lines if line.startswith("shop") or "val" in line or "test" in line], lines
    assert sum(line.startswith("weather") for line in lines) == 4  # at most per_intent of an intent
    assert sum(line.startswith("recipe") for line in lines) == 3  # fewer when the intent has fewer
    assert lines == sorted(lines) == extract_for_domain(tmp_path, per_intent=4)  # the same file each time


def test_evaluation_questions_are_left_out_of_the_domain_file(tmp_path: Path) -> None:
    asked = evaluation_questions()
    assert len(asked) > 500 and plain("Where's my ORDER?!") == "where s my order"
    lines = extract_for_domain(_clinc(tmp_path), per_intent=5, leave_out=frozenset({plain("Recipe  1!")}))
    assert "recipe 1" not in lines and "recipe 0" in lines


def test_the_article_classifiers_file_keeps_the_out_of_scope_validation_queries(tmp_path: Path) -> None:
    lines = extract(_clinc(tmp_path), per_intent=2)
    assert {"oos train", "oos val"} <= set(lines)
    assert not [line for line in lines if line.startswith("shop") or "test" in line], lines
