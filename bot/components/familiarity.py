"""How like the training examples a message is: the cosine similarity of its sentence embedding
to the nearest one.

A softmax over the known intents sums to one whatever the message, so a request no intent
covers can still get a confident intent when it happens to sit on one side of the classes'
boundaries. Its distance to everything the model was taught says what the softmax cannot:
nothing near it was ever seen. The linear classifier multiplies its probabilities by this
similarity raised to a power (linear_intent_classifier.py, `familiarity_power`); on CLINC150's
validation queries that separates out-of-scope requests better than either score alone
(docs/benchmarks.md).
"""

from __future__ import annotations

import numpy as np

# Similarities are computed in blocks of this many stored examples: CLINC150's 15,000 at once
# would be a 15,000-wide matrix per batch of messages, which is fine, but a shop's data grows.
BLOCK = 8192


def unit_rows(rows: np.ndarray) -> np.ndarray:
    rows = np.asarray(rows, dtype=np.float32)
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return rows / np.where(norms > 0, norms, 1.0)


class Familiarity:
    """The training examples' unit-length embeddings, and each new message's nearest similarity."""

    def __init__(self, examples: np.ndarray) -> None:
        if examples.ndim != 2 or len(examples) == 0:
            raise ValueError("Familiarity needs a non-empty (examples, dimensions) array")
        self.examples = unit_rows(examples)

    @property
    def dimensions(self) -> int:
        return int(self.examples.shape[1])

    def nearest(self, embeddings: np.ndarray) -> np.ndarray:
        """For each row, the cosine similarity to the nearest training example, in [-1, 1]; a
        zero row (no text) gets 0."""
        queries = unit_rows(np.atleast_2d(embeddings))
        if queries.shape[1] != self.dimensions:
            raise ValueError(f"embeddings of {queries.shape[1]} dimensions; the examples have {self.dimensions}")
        best = np.full(len(queries), -1.0, dtype=np.float32)
        for start in range(0, len(self.examples), BLOCK):
            block = self.examples[start:start + BLOCK]
            best = np.maximum(best, (queries @ block.T).max(axis=1))
        best[~queries.any(axis=1)] = 0.0
        return best

    def factor(self, embeddings: np.ndarray, power: float) -> np.ndarray:
        """What the probabilities are multiplied by: the similarity, floored at 0, to `power`."""
        return np.clip(self.nearest(embeddings), 0.0, 1.0) ** power
