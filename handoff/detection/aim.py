"""Who or what a message's anger is aimed at: the customer themselves, something elsewhere, or us.

The customer's state counts, not the words. "ugh, I'm an idiot, ordered the wrong colour" has an
insult and a groan, and nobody to hand over to; "the boots from the other shop were rubbish" has
an insult aimed at another shop. A message is cut into clauses (punctuation, "but", "though"),
and a clause that blames the customer (`data/self_blame.txt`) or is about something elsewhere
(`data/elsewhere.txt`) is set aside: the frustration signals read the rest. A short clause that
only points back at what came before ("this rain won't stop, sick of it") goes where that went.
`signals.py` also counts mild swearing and negative sentiment less in a message with self-blame.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from handoff.detection.lexicon import Lexicon

# A clause that names nothing of its own but "it", "this" or "that", nor the shop, its orders or
# the bot, and is short enough to be an afterthought of the clause before it.
_POINTS_BACK = re.compile(r"\b(it|this|that|them|these|those)\b")
_NAMES_US = re.compile(r"\b(you|your|yours|u|ur|bot|chat|assistant|shop|store|larkspur|site|website|app|order|orders|"
                       r"parcel|package|delivery|refund|return|support|service)\b")
AFTERTHOUGHT_WORDS = 6
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
    set_aside = False  # the clause before this one
    for clause in _CLAUSE.split(text):
        if not clause.strip():
            continue
        normalized = lexicon.spelling.normalize(clause)
        blamed = lexicon.self_blame.first_match(normalized)
        away = None if blamed else lexicon.elsewhere.first_match(normalized)
        if set_aside and not (blamed or away) and _afterthought(normalized):
            continue
        set_aside = bool(blamed or away)
        if blamed:
            self_blame = self_blame or blamed
        elif away:
            elsewhere = elsewhere or away
        else:
            kept.append(clause.strip())
    return Aim(rest=", ".join(kept), self_blame=self_blame, elsewhere=elsewhere)


def _afterthought(clause: str) -> bool:
    lowered = clause.lower()
    return (len(lowered.split()) <= AFTERTHOUGHT_WORDS and bool(_POINTS_BACK.search(lowered))
            and not _NAMES_US.search(lowered))
