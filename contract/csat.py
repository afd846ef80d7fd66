"""The customer's satisfaction rating, read one way on both sides: the bot's survey form
(bot/actions/handoff.py) and the handoff service that stores it (handoff/engine/engine.py,
handoff/escalations/service.py). A value one side accepts the other stores as the same number.

A rating is a whole number from 1 to 5: a button's value, or what the customer typed ("4",
"four", "4/5", "4 out of 5", "⭐⭐⭐⭐"). Anything else is not a rating, a fraction ("4.5") and
two different numbers ("4 or 5") included: the survey does not guess, it moves on.
"""

from __future__ import annotations

import re
from typing import Any

WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5}
_DIGIT = re.compile(r"(?<![\d.])([1-5])(?:\s*(?:/|out of)\s*5)?(?![\d.])")
_WORD = {word: re.compile(rf"\b{word}\b") for word in WORDS}
# A customer's message is short; a longer text is not a rating, and is not scanned whole.
MAX_RATING_CHARS = 200


def parse_rating(value: Any) -> int | None:
    """1..5 from a button's value, a stored slot or what the customer typed; None if it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return int(value) if float(value).is_integer() and 1 <= value <= 5 else None
    if not isinstance(value, str) or len(value) > MAX_RATING_CHARS:
        return None
    text = value.strip().lower()
    if not text or text.startswith("/"):
        return None
    stars = text.count("⭐") or text.count("★")
    if stars:
        return stars if stars <= 5 else None
    found = {int(match) for match in _DIGIT.findall(text)}
    found |= {number for word, number in WORDS.items() if _WORD[word].search(text)}
    return found.pop() if len(found) == 1 else None
