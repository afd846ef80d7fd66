"""Whether a message is keyboard mashing ("sdfkj", "qwpo zzx"), judged by the letters' shape.

The bot has no dictionary, and a word it does not know (a product name, another language) is
still a word, so the judgement is on shape: a message is nonsense when every word of three
letters or more in it is unpronounceable (no vowel, a run of five consonants or vowels, a letter
three times in a row, four keys of a keyboard row, a q without u). Digits, typed payloads and
common vowel-less text-speak are never nonsense. Standard library only: the NLU pipeline
(bot/components/nonsense_fallback.py) and the actions (bot/actions/not_understood.py) both use it.
"""

from __future__ import annotations

import re

_LETTERS = re.compile(r"[^\W\d_]+")
_VOWELS = "aeiouyàáâäãåæèéêëìíîïòóôöõøœùúûüÿ"
_CONSONANT_RUN = re.compile(rf"[^{_VOWELS}]{{5,}}")
_VOWEL_RUN = re.compile(rf"[{_VOWELS}]{{5,}}")
_REPEATED = re.compile(r"(.)\1\1")
_Q_WITHOUT_U = re.compile(r"q(?!u)")
_KEYBOARD_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_KEYBOARD_RUNS = frozenset(
    run for row in _KEYBOARD_ROWS for text in (row, row[::-1]) for run in (text[i:i + 4] for i in range(len(text) - 3))
)
# Text-speak without vowels that customers do type; never nonsense.
_SHORTHAND = frozenset({
    "hmm", "thx", "thnx", "pls", "plz", "msg", "txt", "pkg", "ppl", "cnt", "dnt", "nvm", "wtf", "brb", "lmk", "tbh",
    "smh", "ffs", "grr", "hrs", "wks", "mths", "yrs",
})


def _unpronounceable(word: str) -> bool:
    if not any(letter in _VOWELS for letter in word):
        return True
    if _CONSONANT_RUN.search(word) or _VOWEL_RUN.search(word) or _REPEATED.search(word):
        return True
    if _Q_WITHOUT_U.search(word):
        return True
    return any(run in word for run in _KEYBOARD_RUNS)


def looks_like_nonsense(text: str) -> bool:
    """Whether `text` is keyboard mashing: it has words of three letters or more and none of
    them could be a word. Typed payloads ("/affirm") and messages with digits are never nonsense
    (an order number, a postcode, a size)."""
    text = (text or "").strip().lower()
    if not text or text.startswith("/") or any(char.isdigit() for char in text):
        return False
    words = [w for w in _LETTERS.findall(text) if len(w) >= 3 and w not in _SHORTHAND]
    return bool(words) and all(_unpronounceable(word) for word in words)
