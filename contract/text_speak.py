"""Text-speak written out: "hw lng 4 shiping 2 canada pls" -> "how lng for shiping to canada please".

Customers in a hurry type chat shorthand, which neither the intent classifier nor the help
centre's search has seen. This rewrites the common shorthand of English chat into the words it
stands for, before either reads the message; misspellings are left to the spelling corrector
(knowledge/index/spelling.py), which knows the help centre's words. Standard library only: the
bot and the knowledge service both import it.

Digits that stand for words ("2" for "to", "4" for "for") are rewritten only between two words
and never before a unit or a plural ("2 shirts", "4 days", "2 day shipping" keep their number).
"""

from __future__ import annotations

import re
from typing import Final

# Whole tokens of chat shorthand, lower case, and what they stand for. General English chat
# usage, not any topic of the shop.
SHORTHAND: Final[dict[str, str]] = {
    "u": "you", "ya": "you", "yu": "you", "ur": "your", "urs": "yours", "r": "are", "y": "why",
    "pls": "please", "plz": "please", "plse": "please", "thx": "thanks", "thnx": "thanks", "tnx": "thanks",
    "ty": "thank you", "tyvm": "thank you very much",
    "b4": "before", "sum1": "someone", "some1": "someone", "any1": "anyone", "every1": "everyone",
    "no1": "no one", "gr8": "great", "l8r": "later", "l8": "late", "w8": "wait", "str8": "straight",
    "2day": "today", "2moro": "tomorrow", "2morrow": "tomorrow", "tmrw": "tomorrow", "tmr": "tomorrow",
    "2nite": "tonight", "tonite": "tonight",
    "abt": "about", "bc": "because", "b/c": "because", "cuz": "because", "coz": "because", "bcoz": "because",
    "wat": "what", "wut": "what", "wht": "what", "wot": "what",
    "wots": "what's", "wats": "what's", "wuts": "what's", "hw": "how", "wen": "when", "wher": "where",
    "wer": "where", "whr": "where", "cn": "can", "cud": "could", "wud": "would", "shud": "should",
    "dnt": "don't", "dont": "don't", "doesnt": "doesn't", "didnt": "didn't", "cant": "can't", "wont": "won't",
    "isnt": "isn't", "wasnt": "wasn't", "havent": "haven't", "im": "I'm", "ive": "I've",
    "idk": "I don't know", "dunno": "don't know", "wanna": "want to", "gonna": "going to", "gotta": "have to",
    "hav": "have", "hv": "have", "hve": "have", "nd": "and", "n": "and", "frm": "from", "wid": "with",
    "w/": "with", "w/o": "without", "msg": "message", "txt": "text", "pkg": "package", "ppl": "people",
    "acct": "account", "addr": "address", "rcvd": "received", "recd": "received", "qty": "quantity",
    "amt": "amount", "smth": "something", "sth": "something", "pic": "picture", "pics": "pictures",
    "asap": "as soon as possible", "rn": "right now", "atm": "at the moment", "tho": "though",
    "thru": "through", "k": "okay", "kk": "okay", "luv": "love", "nite": "night",
    "pts": "points", "avail": "available",
    "hrs": "hours", "hr": "hour", "mins": "minutes", "yr": "year", "yrs": "years", "wk": "week", "wks": "weeks",
}
# Digits standing for a word between two words.
DIGIT_WORDS: Final[dict[str, str]] = {"2": "to", "4": "for"}
# After these a digit is a number: "2 day shipping", "4 business days".
_UNITS: Final = frozenset({
    "day", "days", "week", "weeks", "hour", "hours", "hr", "hrs", "minute", "minutes", "min", "mins", "month",
    "months", "year", "years", "business", "working", "pair", "pairs", "item", "items", "piece", "pieces",
    "times", "dollar", "dollars", "pound", "pounds", "euro", "euros", "of", "more", "or", "and", "x",
})
_TOKEN = re.compile(r"[A-Za-z0-9/]+(?:'[A-Za-z]+)?")
_WORD = re.compile(r"[A-Za-z][A-Za-z']*")


def _is_word(token: str | None) -> bool:
    return token is not None and _WORD.fullmatch(token) is not None


def expand(text: str) -> str:
    """The text with chat shorthand written out; everything else kept as it was typed."""
    tokens = list(_TOKEN.finditer(text))
    out: list[str] = []
    last = 0
    for n, match in enumerate(tokens):
        token = match.group(0)
        lower = token.lower()
        before = tokens[n - 1].group(0) if n else None
        after = tokens[n + 1].group(0) if n + 1 < len(tokens) else None
        replacement = SHORTHAND.get(lower)
        # The neighbours as they will read: "talk 2 sum1" is "talk to someone".
        before = SHORTHAND.get(before.lower(), before) if before else None
        after = SHORTHAND.get(after.lower(), after) if after else None
        if replacement is None and lower in DIGIT_WORDS and _is_word(before) and _is_word(after):
            follower = after.lower() if after else ""
            # A plural or a unit after it: a quantity ("2 shirts"), not a word.
            if follower not in _UNITS and not (follower.endswith("s") and len(follower) > 3):
                replacement = DIGIT_WORDS[lower]
        if replacement is not None and token.isupper() and len(token) > 1 and replacement.islower():
            replacement = replacement.upper()
        out.append(text[last:match.start()])
        out.append(replacement if replacement is not None else token)
        last = match.end()
    out.append(text[last:])
    return "".join(out)
