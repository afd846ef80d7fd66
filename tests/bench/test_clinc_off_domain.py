"""Smoke run of the CLINC150 off-domain benchmark on a few queries in CLINC150's own format: it
runs, sorts the shop-like intents apart and prints its table. Figures: docs/benchmarks.md."""

from __future__ import annotations

import json
from pathlib import Path

from bench.clinc_off_domain import held_out, load_queries
from tests.bench.test_knowledge_eval import run

DATA = {
    "test": [["transfer 200 dollars from checking to savings", "transfer"],
             ["how do i make pad thai", "recipe"],
             ["my card got declined at the register", "card_declined"],
             ["tell me a joke", "tell_joke"]],
    "oos_test": [["how tall is the eiffel tower", "oos"], ["who painted the mona lisa", "oos"]],
    "val": [["what's the weather like", "weather"]], "oos_val": [["what is the speed of light", "oos"]],
}
DOMAINS = {"banking": ["transfer"], "credit_cards": ["card_declined"], "kitchen_and_dining": ["recipe"],
           "home": [], "auto_and_commute": [], "travel": [], "utility": ["weather"], "work": [],
           "small_talk": ["tell_joke"], "meta": []}


def clinc(folder: Path) -> Path:
    folder.mkdir()
    (folder / "data_full.json").write_text(json.dumps(DATA))
    (folder / "domains.json").write_text(json.dumps(DOMAINS))
    return folder


def test_queries_are_the_out_of_scope_and_the_other_domains_with_shop_like_intents_marked(tmp_path: Path) -> None:
    queries = load_queries(clinc(tmp_path / "clinc"), "test")
    assert [q.intent for q in queries] == ["oos", "oos", "transfer", "recipe", "card_declined"]  # no small talk
    assert [q.text for q in queries if q.shop_like] == ["my card got declined at the register"]


def test_the_bench_prints_the_share_given_an_article(tmp_path: Path) -> None:
    out = run("bench.clinc_off_domain", "--data", str(clinc(tmp_path / "clinc")), cache=tmp_path / "cache")
    assert "| all but shop-like | 4 |" in out
    assert "get an article:" in out and "goal under 2 %" in out
    assert "shop-like intents (SHOP_LIKE), counted apart:" in out and "of 1 get an article" in out


def test_the_bars_are_chosen_on_queries_the_domain_classifier_did_not_learn_from(tmp_path: Path) -> None:
    queries = load_queries(clinc(tmp_path / "clinc"), "val")
    assert [q.text for q in queries] == ["what is the speed of light", "what's the weather like"]
    kept = held_out(queries, ["what is the speed of light", "how do i bake bread"])
    assert [q.text for q in kept] == ["what's the weather like"]
    assert held_out(queries, []) == queries
