"""BM25 over passages, with bm25s and the Snowball English stemmer."""

from __future__ import annotations

import bm25s
import numpy as np
import Stemmer

from knowledge.articles import Passage

_STEMMER = Stemmer.Stemmer("english")


def _text(passage: Passage) -> str:
    # Tags are the words customers use for a topic ("refund", "tracking number").
    return f"{passage.search_text} {' '.join(passage.tags)}"


def tokenize(texts: list[str]) -> list[list[str]]:
    return bm25s.tokenize(texts, stemmer=_STEMMER, return_ids=False, show_progress=False)


class LexicalIndex:
    def __init__(self, passages: list[Passage]) -> None:
        self.size = len(passages)
        self.bm25 = bm25s.BM25()
        self.bm25.index(tokenize([_text(p) for p in passages]), show_progress=False)
        self.vocab = set(self.bm25.vocab_dict)

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every passage for the query (zeros when no word matches)."""
        words = [w for w in tokenize([query])[0] if w in self.vocab]
        if not words:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self.bm25.get_scores(words), dtype=np.float32)
