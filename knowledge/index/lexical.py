"""BM25 over passages, with bm25s and the Snowball English stemmer."""

from __future__ import annotations

import bm25s
import numpy as np
import Stemmer
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from knowledge.articles import Passage

_STEMMER = Stemmer.Stemmer("english")
# bm25s's own English list is short ("where", "my" stay in); content words need the longer one.
_STOP_WORDS = sorted(ENGLISH_STOP_WORDS)


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

    def unknown_share(self, query: str) -> float:
        """Share of the query's content words (stop words aside) that no passage uses:
        "student discount" or "my Gmail password" name something the help centre never mentions."""
        words = bm25s.tokenize(
            [query], stopwords=_STOP_WORDS, stemmer=_STEMMER, return_ids=False, show_progress=False
        )[0]
        if not words:
            return 0.0
        return sum(w not in self.vocab for w in words) / len(words)

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every passage for the query (zeros when no word matches)."""
        words = [w for w in tokenize([query])[0] if w in self.vocab]
        if not words:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self.bm25.get_scores(words), dtype=np.float32)
