"""Who or what a message's anger is aimed at: the customer themselves, something elsewhere, or us.

The customer's state counts, not the words. "ugh, I'm an idiot, ordered the wrong colour" has an
insult and a groan, and nobody to hand over to; "the boots from the other shop were rubbish" has
an insult aimed at another shop. A message is cut into clauses (punctuation, "but", "though"),
and a clause that blames the customer (`data/self_blame.txt`) or is about something elsewhere
(`data/elsewhere.txt`) is set aside: the frustration signals read the rest. `signals.py` also
counts mild swearing and negative sentiment less in a message with self-blame.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from handoff.detection.lexicon import Lexicon

_CLAUSE = re.compile(r"[.,;:!?\n()]+|\s[-\u2013\u2014]\s|\b(?:but|though|although|anyway)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Aim:
    rest: str  # the clauses aimed at the shop, the bot, or nobody in particular, joined
    self_blame: str | None = None  # what matched, if the customer blames themselves
    elsewhere: str | None = None  # what matched, if some anger is about something elsewhere


def aim_of(text: str, lexicon: Lexicon) -> Aim:
    kept: list[str] = []
    self_blame: str | None = None
    elsewhere: str | None = None
    for clause in _CLAUSE.split(text):
        if not clause.strip():
            continue
        normalized = lexicon.spelling.normalize(clause)
        blamed = lexicon.self_blame.first_match(normalized)
        away = None if blamed else lexicon.elsewhere.first_match(normalized)
        if blamed:
            self_blame = self_blame or blamed
        elif away:
            elsewhere = elsewhere or away
        else:
            kept.append(clause.strip())
    return Aim(rest=", ".join(kept), self_blame=self_blame, elsewhere=elsewhere)
