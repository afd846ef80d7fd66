"""The nearest-example similarity the linear classifier scales its probabilities by."""

from __future__ import annotations

import numpy as np
import pytest

from bot.components import familiarity as module
from bot.components.familiarity import Familiarity


def test_nearest_is_the_best_cosine_over_all_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(0)
    examples = rng.normal(size=(50, 8))
    queries = rng.normal(size=(5, 8))
    expected = (queries / np.linalg.norm(queries, axis=1, keepdims=True)) @ (
        examples / np.linalg.norm(examples, axis=1, keepdims=True)).T
    monkeypatch.setattr(module, "BLOCK", 7)  # several blocks, the last one short
    found = Familiarity(examples).nearest(queries)
    assert np.allclose(found, expected.max(axis=1), atol=1e-6)
    assert Familiarity(examples).nearest(examples[3] * 5.0)[0] == pytest.approx(1.0, abs=1e-6)  # scale-free


def test_factor_floors_at_zero_and_a_blank_message_gets_zero() -> None:
    familiarity = Familiarity(np.array([[1.0, 0.0], [0.0, 1.0]]))
    factors = familiarity.factor(np.array([[1.0, 1.0], [-1.0, -1.0], [0.0, 0.0]]), power=2)
    assert np.allclose(factors, [0.5, 0.0, 0.0], atol=1e-6)  # cos 45° squared; opposite; nothing
    assert np.allclose(familiarity.factor(np.array([[1.0, 1.0]]), power=0), [1.0])


def test_bad_shapes_are_refused() -> None:
    with pytest.raises(ValueError, match="non-empty"):
        Familiarity(np.zeros((0, 4)))
    with pytest.raises(ValueError, match="3 dimensions; the examples have 2"):
        Familiarity(np.eye(2)).nearest(np.ones((1, 3)))
