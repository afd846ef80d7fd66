"""What the bot's words are taken to mean. Hand-over itself is never judged from words: only an
escalation counts (chat.EscalationWatch). Words decide the rest: whether the bot said a person
is coming, whether it gave a help-centre article, whether it started an order flow."""

from __future__ import annotations

import re

# The bot telling the customer a person is coming (not offering one: "I can bring in someone ...
# whenever you like", "or bring in a person", "just ask for one" are offers).
PROMISE = re.compile(
    r"\b(?:I'?m|I am|we'?re|we are) (?:now )?bringing in (?:a person|someone|a colleague|one of)"
    r"|\blet me (?:check|find|see) who from our (?:support )?team"
    r"|\bthis needs a person\b"
    r"|\b(?:a person|someone|a colleague|one of our (?:colleagues|agents|team))"
    r" from (?:our|the) (?:support )?team will\b"
    r"|\b(?:a person|a colleague|an agent|someone) (?:will be|is) with you\b"
    r"|\b(?:I'?ll|I will|I'?m going to|let me) (?:connect|transfer|put|pass) you (?:through )?(?:to|with|on)\b"
    r"|\b(?:connecting|transferring|handing) you (?:over )?to\b"
    r"|\ba person is (?:coming|on (?:their|the) way)\b",
    re.IGNORECASE,
)
# bot/actions/knowledge.py ends every served article with this line and the article's address.
ARTICLE = re.compile(r"More in our help centre|https?://\S*(?:help|support|faq|article)\S*", re.IGNORECASE)
# An order flow's first question.
FLOW = re.compile(
    r"\bwhat(?:'s| is) (?:your|the) order number\b"
    r"|\b(?:share|give|send|tell|type)(?: me| us)? (?:your|the) order number\b"
    r"|\border number\b[^.!\n]{0,60}\?",
    re.IGNORECASE,
)


def promised(replies: list[str]) -> list[str]:
    """The replies that say a person is coming."""
    return [r for r in replies if PROMISE.search(r)]


def gave_article(replies: list[str]) -> bool:
    return any(ARTICLE.search(r) for r in replies)


def started_flow(replies: list[str]) -> bool:
    return any(FLOW.search(r) for r in replies)


def fact_right(replies: list[str], facts: tuple[re.Pattern[str], ...]) -> bool | None:
    """Whether any of the alternative facts is in the reply; None when the item names none."""
    if not facts:
        return None
    text = "\n".join(replies)
    return any(f.search(text) for f in facts)
