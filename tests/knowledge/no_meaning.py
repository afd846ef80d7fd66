"""An encoder whose every vector is zero, for search tests where only the words may count."""

from __future__ import annotations

import numpy as np


class NoMeaning:
    """Every vector is zero: the dense scores are left at zero, so the ranking is BM25's and the
    fit's alone."""

    name = "none"

    def known_words(self) -> set[str]:
        return set()

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return np.zeros((len(texts), 4))
