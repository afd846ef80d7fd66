"""The first question of a message that asks several, or tells a story before asking.

"How long do refunds take? Or could I exchange it instead?" is about refunds first: customers
put the question they most want answered first, and the bot answers one article. "I mailed
my pants back two weeks ago. Tracking says you got them. When do I get my money?" asks its
question last, after the story. The search scores the whole message and, beside it, this
focus, so neither the second topic nor the story's words outvote the question. An apology or
a wind-up before the question ("sorry if this is a silly question but", "quick question:") is
no part of it: the focus is the question after it.
"""

from __future__ import annotations

import re

_QUESTION_WORD = (
    r"(?:can|could|do|does|did|is|are|was|will|would|should|how|what|when|where|which|who|why|may|have|has)"
)
_SENTENCE_END = re.compile(r"(?<=[.?!])\s+")
# "..., and can I ...", "... also how do I ...": a second question joined to the first.
_JOINED_QUESTION = re.compile(
    rf"(?:,\s*|\s+)(?:and\s+also|and|also|or|plus)\s*,?\s+(?={_QUESTION_WORD}\b|i\b|my\b)", re.IGNORECASE
)
_PREAMBLE = re.compile(
    r"^\W*(?:(?:hi|hello|hey)\W+)?(?:(?:sorry|apologies)(?: to bother you| to trouble you| to ask)?(?: if| for)?"
    r"(?: this is| this sounds| it's| its| asking)?"
    r"(?: such)?(?: a| an)?(?: silly| stupid| dumb| daft| basic| obvious| simple| odd| weird)?(?: question)?|"
    r"(?:this|it) (?:might|may) (?:be|sound) (?:a )?(?:silly|stupid|dumb|daft|basic|obvious) (?:question)?|"
    r"(?:a )?(?:quick|silly|stupid|dumb|basic) question|i was (?:just )?wondering|just wondering)"
    r"\s*(?:[,:;.!-]+\s*|\s+)(?:but\s+|so\s+)?",
    re.IGNORECASE,
)
_STARTS_AS_QUESTION = re.compile(rf"\s*{_QUESTION_WORD}\b", re.IGNORECASE)


def parts(text: str) -> list[str]:
    """The message's sentences, with joined questions split apart."""
    found: list[str] = []
    for sentence in _SENTENCE_END.split(text.strip()):
        found.extend(part.strip() for part in _JOINED_QUESTION.split(sentence) if part.strip())
    return found


def focus(text: str) -> str | None:
    """The first part that is a question, or the first part when none is; None for a message
    of one part, where the focus is the whole message."""
    asked = _PREAMBLE.sub("", text, count=1)
    found = parts(asked)
    if len(found) < 2:
        return (asked.strip() or None) if asked != text else None
    questions = [p for p in found if p.endswith("?") or _STARTS_AS_QUESTION.match(p)]
    return (questions or found)[0]
