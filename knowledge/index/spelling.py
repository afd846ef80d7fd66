"""Correcting customers' misspellings against the help centre's own words.

"how do i retrun my oder" finds nothing in BM25 (no stem matches) and drifts in the embedding
space. A word the help centre never uses, one edit (a letter dropped, added, changed or two
swapped) away from words it does use, is replaced by the most frequent of them; a long word
with no such neighbour may be two edits away ("underware"), from the help centre's words only.
Short words and words the help centre knows are left alone, so a correct query is never changed.
The articles' customer phrasings hold typos on purpose: a word of theirs that the help centre
never writes, one slip from a word it writes more often, is mended too ("retrun"), while the
customers' own words stay ("parka", more often written than "parma").

Two kinds of short word are mended all the same: chat shorthand ("hw", "u", "4"), written out
first by contract/text_speak.py, and words typed without their vowels ("lng", "mch", "pswrd"),
which are matched by their consonants to the help centre's words (the most frequent one with
the same first letter and the same consonants, doubled letters counted once). A vowelless word
the model's vocabulary knows ("nyc", "pm", "xl") is left alone. A word ending in "in" may have
dropped its "g" as speech does ("opnin" is "opening" with two slips, one of them the "g").

A word English writers use often is a word, not a slip, even where the help centre never writes
it: "my wifi keeps dropping" was mended to "my wife keeps dropping" and "router" to "routes", and
a question about another domain became one about the shop (decision 0298). English word
frequencies come from wordfreq.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

from wordfreq import iter_wordlist, zipf_frequency

from contract.text_speak import expand

_WORD = re.compile(r"[a-z]+")
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
# Shorter words have too many neighbours one edit away ("cot" -> "cost", "not", "cut"...).
_MIN_LENGTH = 4
# Two edits only for long words: a six-letter one has too many neighbours two edits away.
_TWO_EDITS_MIN_LENGTH = 7
# Longer "words" are not misspellings but pasted codes or keyboard mashing, and their
# neighbours cost the square of their length (a 2,000-letter one: millions of strings).
_MAX_LENGTH = 24
_VOWELS = re.compile(r"[aeiou]")
# About once per million words of English or more (Zipf 3): "wifi" 3.9, "router" 3.5, "cloths"
# 3.1; below it the everyday slips "recieve" 2.8, "adress" 2.4, "shiping" 1.5.
EVERYDAY_ZIPF = 3.0
_DOUBLES = re.compile(r"(.)\1+")


def skeleton(word: str) -> str:
    """The word's consonants in order, doubled letters once: "shipping" -> "shpng"."""
    return _DOUBLES.sub(r"\1", word[0] + _VOWELS.sub("", word[1:]))


def _one_edit(word: str) -> set[str]:
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = {a + b[1:] for a, b in splits if b}
    swaps = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    replaces = {a + c + b[1:] for a, b in splits if b for c in _LETTERS}
    inserts = {a + c + b for a, b in splits for c in _LETTERS}
    return deletes | swaps | replaces | inserts


def _deletions(word: str, depth: int) -> set[str]:
    """The word and every string made from it by deleting up to `depth` letters."""
    found, edge = {word}, {word}
    for _ in range(depth):
        edge = {w[:i] + w[i + 1 :] for w in edge for i in range(len(w))}
        found |= edge
    return found


def edit_distance(a: str, b: str) -> int:
    """Letters dropped, added or changed, and neighbours swapped (optimal string alignment)."""
    rows = [list(range(len(b) + 1))]
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            row[j] = min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], rows[-2][j - 2] + 1)
        rows.append(row)
    return rows[-1][len(b)]


def _by_skeleton(counts: Counter[str]) -> dict[str, str]:
    """The most frequent word of each consonant skeleton, for words typed without vowels."""
    found: dict[str, str] = {}
    for word, _ in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        if len(word) >= 3 and _VOWELS.search(word):
            found.setdefault(skeleton(word), word)
    return found


@lru_cache(maxsize=2)
def everyday_words(min_zipf: float = EVERYDAY_ZIPF) -> frozenset[str]:
    """English words written at least `min_zipf` often (about 29,000 at Zipf 3), lower case,
    letters only: read once per process."""
    found = set()
    for word in iter_wordlist("en"):  # most frequent first
        if zipf_frequency(word, "en") < min_zipf:
            break
        if word.isalpha():
            found.add(word)
    return frozenset(found)


class SpellingCorrector:
    def __init__(self, texts: Iterable[str], extra_words: Iterable[str] = (),
                 customer_texts: Iterable[str] = (), everyday: Iterable[str] = ()) -> None:
        """`texts`: the help centre's own writing. `extra_words`: everyday words never corrected
        (the model's vocabulary), never a target. `customer_texts`: the ways customers ask (the
        articles' phrasings), typos written on purpose among them ("retrun", "shiping"): their
        words are targets and never corrected, like the help centre's, unless they are a slip of
        the help centre's own, which they would otherwise shield in every query. `everyday`:
        frequent English words (`everyday_words()`), never corrected when written out with their
        vowels, never a target; unlike `extra_words` they do not shield chat shorthand and
        vowelless words ("hw" and "lng" are frequent as abbreviations)."""
        self.everyday = frozenset(everyday)
        own = Counter(w for text in texts for w in _WORD.findall(text.lower()))
        customers = Counter(w for text in customer_texts for w in _WORD.findall(text.lower()))
        targets = own + customers
        self.counts: Counter[str] = Counter(targets)
        # Two edits are looked up through deletions on both sides (the symmetric-delete method),
        # so a query never spells out the hundreds of thousands of strings two edits away.
        self._by_deletion: dict[str, set[str]] = {}
        for word in targets:
            if len(word) >= _TWO_EDITS_MIN_LENGTH - 2:
                for key in _deletions(word, 2):
                    self._by_deletion.setdefault(key, set()).add(word)
        self._by_skeleton = _by_skeleton(targets)
        # Everyday words that a help centre may never write but customers do: never "correct" them.
        extra = set(extra_words)
        self.counts.update({w: 1 for w in extra})
        # A customer word the help centre never writes, one slip from a word it writes more often
        # than customers write this one, is a typo on purpose ("retrun"); a word of the customers'
        # own ("parka", "dryer") is written more often than its neighbour ("parma", "dyer").
        slips = []
        for word, seen in customers.items():
            if word in own or word in extra:
                continue
            del self.counts[word]
            target = self.correct_word(word)
            self.counts[word] = seen
            if target != word and own[target] > seen:
                slips.append(word)
        # Taken out of the lookups they were put in, never a target again.
        for word in slips:
            del self.counts[word], targets[word]
            if len(word) >= _TWO_EDITS_MIN_LENGTH - 2:
                for key in _deletions(word, 2):
                    self._by_deletion[key].discard(word)
        if slips:
            self._by_skeleton = _by_skeleton(targets)

    def _by_consonants(self, lower: str) -> str | None:
        found = self._by_skeleton.get(skeleton(lower))
        # Not much longer than what was typed: "ps" is not "pieces".
        return found if found and len(found) <= 2 * len(lower) + 2 else None

    def correct_word(self, word: str) -> str:
        lower = word.lower()
        if not lower.isalpha() or len(lower) > _MAX_LENGTH or lower in self.counts:
            return word
        if len(lower) >= 2 and not _VOWELS.search(lower):
            # No vowel at all and no word anyone knows ("nyc", "pm" are): typed in a hurry.
            return self._by_consonants(lower) or word
        if len(lower) < _MIN_LENGTH or lower in self.everyday:
            return word
        candidates = [w for w in _one_edit(lower) if w in self.counts and len(w) >= _MIN_LENGTH - 1]
        if candidates:
            return max(candidates, key=lambda w: (self.counts[w], w))
        if lower.endswith("in") and len(lower) >= _MIN_LENGTH + 1:
            # The "g" dropped as it is in speech ("opnin", "shippin"), and one more slip beside it.
            with_g = lower + "g"
            if with_g in self.counts:
                return with_g
            candidates = [w for w in _one_edit(with_g) if w in self.counts and w.endswith("ing")]
            if candidates:
                return max(candidates, key=lambda w: (self.counts[w], w))
        if len(lower) >= _TWO_EDITS_MIN_LENGTH:
            near = {w for key in _deletions(lower, 2) for w in self._by_deletion.get(key, ())}
            two = [w for w in near if edit_distance(lower, w) <= 2]
            if two:
                return max(two, key=lambda w: (self.counts[w], w))
        return word

    def correct(self, text: str) -> str:
        return re.sub(r"[A-Za-z]+", lambda m: self.correct_word(m.group(0)), expand(text))
