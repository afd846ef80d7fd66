"""Questions plainly not about this shop, read by rule beside the domain classifier (issue 20, 11).

A piece of writing asked for ("write me a limerick about boots", "tell me a joke about jackets")
is about nothing a shop answers, whatever its subject; its subject is a shop word, so the
embeddings place it near the article it names (decision 0292).

"What's Nike's return window?", "does Patagonia do free returns?", "how long does Amazon take to
deliver?" and "how do I wash a jumper I bought somewhere else?" read to the embeddings like the
shop's own questions, and the help centre answered them with its own policy. A question is about
another shop when it names one (other_shops.txt) as the one that owns, acts or sells ("Nike's
...", "does Patagonia do ...", "Amazon or Zalando", "Uniqlo sizing", "bought at REI"), or says
the item came from elsewhere, and says nothing that turns it to this shop ("your", "do you",
"Larkspur").
A brand named as what the customer wants or owns ("do Nike trainers run small?", "my Patagonia
jacket leaks") is left to the search: the shop may sell it. A company of another trade
(other_trades.txt: an airline, a phone, a bank) is another's whenever it is named, as the shop
sells nothing of theirs ("How do I reset the password on my iPhone?" got the shop's password
reset), unless the question turns to this shop.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

# A verb of making or telling, then a kind of writing.
_WRITING = re.compile(
    r"\b(?:write|compose|make up|come up with|invent|generate|create|draft|give me|tell me|sing|rhyme)\s+"
    r"(?:me\s+|us\s+)?(?:a|an|some|another|one|the)?\s*(?:(?:short|little|quick|funny|silly|nice|good|cute|"
    r"sad|happy|romantic|\d+[- ]line)\s+)*"
    r"(?:poem|poems|haiku|haikus|limerick|limericks|sonnet|song|songs|lyrics|rap|story|stories|tale|fairy tale|"
    r"joke|jokes|riddle|riddles|essay|ode|verse|verses|rhyme|rhymes|pun|puns|slogan|jingle|tweet|bedtime story)\b",
    re.IGNORECASE,
)
NAMES_FILE = Path(__file__).resolve().parent / "other_shops.txt"
TRADES_FILE = Path(__file__).resolve().parent / "other_trades.txt"
# Questions are read up to here: a question about a shop says so in its first sentences.
MAX_CHARS = 1000

# What another shop does, said of it as the subject: "Amazon takes", "does Patagonia do".
_VERBS = (
    r"take|takes|ship|ships|deliver|delivers|offer|offers|do|does|have|has|charge|charges|accept|accepts|allow|"
    r"allows|give|gives|refund|refunds|let|lets|provide|provides|send|sends|sell|sells|price match|match|matches|"
    r"cost|costs|want|wants|need|needs|require|requires|handle|handles|use|uses|pay|pays"
)
# A shop's own policies and what a customer has with it, said with its name before them: "Uniqlo
# sizing", "Zara returns", "my Amazon package is late" (the parcel is the other shop's to trace). Not
# its gift cards or vouchers: "can I pay with an Amazon gift card?" is a question about paying here.
_POLICIES = (
    r"return|returns|return policy|shipping|delivery|deliveries|refund|refunds|warranty|guarantee|policy|policies|"
    r"sizing|size chart|customer service|support|price match|order|orders|package|packages|parcel|parcels|"
    r"account|app|prime|driver|courier|seller|sellers"
)
# Where an item was bought: "bought at REI", "ordered it from another shop".
_BOUGHT = r"\b(?:bought|purchased|ordered|got|picked up|gotten)\b[^.?!]{0,40}?"
_ELSEWHERE = re.compile(
    _BOUGHT + r"\b(?:somewhere else|elsewhere|"
    r"(?:at|from|in|on|with)\s+(?:another|a different|some other|other|a other)\s+"
    r"(?:shop|store|retailer|website|site|brand|company|place|seller|online shop|webshop))\b",
    re.IGNORECASE,
)
# Words that turn the question to this shop: "do you price match REI?", "is Larkspur cheaper than
# Zara?". Not "can you" alone: "can you tell me Nike's return window?" asks the bot about Nike.
_OURS = re.compile(
    r"\b(?:your|yours|ur|larkspur|from you|with you|you guys|y'all|(?:do|does|will|did)\s+(?:you|u)|"
    r"(?:you|u)\s+(?:sell|have|stock|carry|ship|offer|accept|price|match|do|take|deliver|charge))\b",
    re.IGNORECASE,
)


# The shop's own ways to pay and be reached, which a question may name beside a phone, an app or a
# bank: "can I use Apple Pay on my iPhone?", "can I pay with my Revolut card?", "your site won't load
# on my iPad" are the shop's questions.
_SHOP_SERVICES = re.compile(
    r"\b(?:apple pay|google pay|paypal|klarna|visa|mastercard|amex|american express|gift card|promo code|"
    r"(?:pay|paying|paid) (?:with|by|using)|payment method|confirmation|this chat|the chat|checkout|check out|"
    r"basket|cart|(?:your|this) (?:site|website|web site|app|page|shop|store))\b",
    re.IGNORECASE,
)


def asks_for_writing(text: str) -> bool:
    """Whether `text` asks for a piece of writing (a poem, a story, a joke) rather than asking
    about the shop."""
    return bool(_WRITING.search(text[:MAX_CHARS]))


def load_names(path: Path = NAMES_FILE) -> tuple[str, ...]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return tuple(dict.fromkeys(line.strip().lower() for line in lines if line.strip() and not line.startswith("#")))


@lru_cache(maxsize=8)
def _loaded(cls: type[OtherShops], path: Path, trades: Path | None) -> OtherShops:
    return cls(load_names(path), load_names(trades) if trades else ())


def _any_of(names: tuple[str, ...]) -> str:
    """One of `names` as a whole word or phrase; longest first: "zalando lounge" before "zalando"."""
    ordered = sorted(set(names), key=len, reverse=True)
    name = r"(?:" + "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in ordered) + r")"
    return rf"(?<![\w&'.]){name}(?![\w&+])"


class OtherShops:
    """Built once from the list of names, then `asked_about` per question."""

    def __init__(self, names: tuple[str, ...], other_trades: tuple[str, ...] = ()) -> None:
        shop = _any_of(names)
        self._other_trade = re.compile(_any_of(other_trades), re.IGNORECASE) if other_trades else None
        self._patterns = (
            re.compile(rf"{shop}(?:'s|s'|')(?=\s)", re.IGNORECASE),  # "Nike's return window"
            re.compile(rf"{shop}\s+(?:usually\s+|normally\s+|even\s+|still\s+|really\s+)?(?:{_VERBS})\b",
                       re.IGNORECASE),  # "Amazon takes", "does Patagonia do"
            re.compile(rf"{shop}\s*(?:,\s*|\s+)(?:or|vs\.?|versus|and)\s+{shop}", re.IGNORECASE),  # "Amazon or Zalando"
            re.compile(rf"{shop}\s+(?:{_POLICIES})\b", re.IGNORECASE),  # "Uniqlo sizing", "Zara returns"
            re.compile(rf"{_BOUGHT}\b(?:at|from|on|in|with)\s+(?:the\s+)?{shop}", re.IGNORECASE),  # "bought at REI"
        )

    @classmethod
    def load(cls, path: Path = NAMES_FILE, trades: Path | None = TRADES_FILE) -> OtherShops:
        """The shops of `path` and the companies of `trades`, read and compiled once per process:
        every index build (each reindex, each test's index) asks again, and the lists only change
        with the code."""
        return _loaded(cls, path, trades)

    def asked_about(self, text: str) -> bool:
        """Whether `text` asks about another shop, or an item from elsewhere, and not about this one."""
        text = text[:MAX_CHARS]
        if _OURS.search(text):
            return False
        if _ELSEWHERE.search(text):
            return True
        if self._other_trade and self._other_trade.search(text) and not _SHOP_SERVICES.search(text):
            return True
        return any(pattern.search(text) for pattern in self._patterns)
