"""Correcting customers' misspellings against the help centre's own words.

"how do i retrun my oder" finds nothing in BM25 (no stem matches) and drifts in the embedding
space. A word the help centre never uses, one edit (a letter dropped, added, changed or two
swapped) away from words it does use, is replaced by the most frequent of them. Short words
and words the help centre knows are left alone, so a correct query is never changed.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

_WORD = re.compile(r"[a-z]+")
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
# Shorter words have too many neighbours one edit away ("cot" -> "cost", "not", "cut"...).
_MIN_LENGTH = 4


def _one_edit(word: str) -> set[str]:
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = {a + b[1:] for a, b in splits if b}
    swaps = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    replaces = {a + c + b[1:] for a, b in splits if b for c in _LETTERS}
    inserts = {a + c + b for a, b in splits for c in _LETTERS}
    return deletes | swaps | replaces | inserts


class SpellingCorrector:
    def __init__(self, texts: Iterable[str], extra_words: Iterable[str] = ()) -> None:
        self.counts: Counter[str] = Counter()
        for text in texts:
            self.counts.update(_WORD.findall(text.lower()))
        # Everyday words that a help centre may never write but customers do: never "correct" them.
        self.counts.update({w: 1 for w in extra_words})

    def correct_word(self, word: str) -> str:
        lower = word.lower()
        if len(lower) < _MIN_LENGTH or lower in self.counts or not lower.isalpha():
            return word
        candidates = [w for w in _one_edit(lower) if w in self.counts and len(w) >= _MIN_LENGTH - 1]
        if not candidates:
            return word
        return max(candidates, key=lambda w: (self.counts[w], w))

    def correct(self, text: str) -> str:
        return re.sub(r"[A-Za-z]+", lambda m: self.correct_word(m.group(0)), text)
