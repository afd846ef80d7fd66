"""How long ago the customer says something happened: "bought it 3 weeks ago", "got it last week".

Why: an article may apply only after a number of days (front matter `applies_after_days`:
"Returns after 30 days" is for customers past the 30-day window). A question that states an
age well inside that ("Bought a jacket 3 weeks ago and it's too big, what now") reads to any
sentence model as "is it too late to return", and the search would send a customer who is in
time to the page about exceptions. Only what plainly states days or weeks is read; months are
left alone (is "a month ago" 28 days or 31?), and so is anything the phrase does not date.
"""

from __future__ import annotations

import re

_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "couple": 2, "few": 3,
}
_UNIT_DAYS = {"day": 1, "week": 7, "wk": 7}
_COUNT = r"(\d{1,3}|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|(?:a\s+)?(?:couple|few))"
# "3 weeks ago", "two days back", "a couple of weeks ago", "it's been 10 days", "for 5 days now".
_AGO = re.compile(rf"\b{_COUNT}\s+(?:of\s+)?(days?|weeks?|wks?)\s+(?:ago|back)\b", re.IGNORECASE)
_HEDGE = r"(?:about\s+|like\s+|only\s+|just\s+)?"
_BEEN = re.compile(rf"\b(?:it'?s|it\s+has|its)\s+been\s+{_HEDGE}{_COUNT}\s+(?:of\s+)?(days?|weeks?|wks?)\b",
                   re.IGNORECASE)
_FIXED = {
    re.compile(r"\b(?:yesterday|today|this\s+morning)\b", re.IGNORECASE): 1,
    re.compile(r"\blast\s+week\b", re.IGNORECASE): 7,
}


def _count(word: str) -> int:
    word = word.lower().replace("a ", "").strip()
    return int(word) if word.isdigit() else _NUMBERS[word]


def stated_days(text: str) -> int | None:
    """The longest age in days the text states, or None when it states none."""
    found = [_count(m.group(1)) * _UNIT_DAYS[m.group(2).lower().rstrip("s")] for m in _AGO.finditer(text)]
    found += [_count(m.group(1)) * _UNIT_DAYS[m.group(2).lower().rstrip("s")] for m in _BEEN.finditer(text)]
    found += [days for pattern, days in _FIXED.items() if pattern.search(text)]
    return max(found) if found else None
