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
reset), unless the question turns to this shop. Its own card, code or account stays its own
beside the shop's words: "my Steam gift card code says invalid" is Steam's, though "gift card" is
the shop's too; "can I pay with a Steam gift card?" is the shop's. So is another shop's gift card
or loyalty scheme ("my Amazon gift card balance", "Nike membership points").

Three kinds of question name nothing of another's list and still are not the shop's: a payment
provider's own matter with the customer ("why is my PayPal account limited?", not "my PayPal
payment to you failed"), the hours, queues and counters of someone else's office ("what time does
the post office close on Christmas Eve?", not "can I return at the post office?"), and another
shop's opening hours ("what time does Costco close?").
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
# Another shop's own cards and schemes, said with its name before them: "my Amazon gift card code",
# "Costco membership". Read like another trade's name ("can I pay with an Amazon gift card?" stays
# the shop's), not like a policy.
_SHOPS_OWN = (
    r"(?:e-?gift|gift)\s*(?:cards?|codes?|vouchers?|certificates?)|giftcards?|store\s+credit|vouchers?|"
    r"membership|members|rewards?(?:\s+(?:card|points|program|programme))?|points|loyalty(?:\s+\w+)?|"
    r"club\s*card|clubcard"
)
# What a company of another trade holds for the customer, after its name: "Steam wallet",
# "PlayStation gift card code", "Netflix account". Taken out with the name before the shop's own
# words are looked for, since "gift card" or "app" there is the other company's.
_TRADES_OWN = (
    r"(?:(?:e-?gift|gift)\s*(?:cards?|codes?|vouchers?)|giftcards?|cards?|codes?|keys?|vouchers?|credit|"
    r"balance|wallet|account|accounts|login|password|points|rewards|membership|subscription|app|order|orders)"
    r"(?:\s+(?:codes?|numbers?|balance|pins?))?"
)
# An opening hour said of another shop: "what time does Costco close?", "is Walmart open on Sunday".
# The time words after "open" keep "Nike open-toe sandals" and "open the Zara app" out.
_OPEN_OR_SHUT = (
    r"(?:store\s+|shop\s+)?(?:hours|opening\s+(?:hours|times))\b|"
    r"(?:open|opens|close|closes|closed|shut|shuts)(?=\s*(?:[?.!,]|$)|\s+(?:on|at|today|tonight|tomorrow|now|rn|"
    r"until|till|til|late|early|over|during|for|this|christmas|new\s+year|\d))"
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
    r"\b(?:apple pay|google pay|samsung pay|paypal|klarna|visa|mastercard|amex|american express|gift card|promo code|"
    r"(?:pay|paying|paid) (?:with|by|using)|payment method|confirmation|this chat|the chat|checkout|check out|"
    r"basket|cart|(?:your|this) (?:site|website|web site|app|page|shop|store)|is there an? (?:mobile )?app|"
    # A return handed in where another company keeps a counter: "can I drop my return off at Asda?"
    r"(?:my|the|a|this) return|return (?:label|parcel|package|slip)|return (?:it |them )?at|drop[- ]off point|"
    r"parcel (?:shop|locker|point)|lockers?|"
    # The shop's parcel left at another company's counter: "my package was left at the CVS".
    r"(?:my|the|a|our) (?:package|parcel)|tracking|"
    r"(?:use|using|spend|spending|redeem|redeeming)\b[^.?!]{0,40}?\b(?:here|at checkout|to pay|on (?:an?|my|this|the) "
    r"order|for (?:an?|my|this|the) (?:order|purchase)))\b",
    re.IGNORECASE,
)

# A payment provider named as the customer's own account with it, and that account's own trouble:
# "why is my PayPal account limited?", "how do I contact Klarna about a late fee". The shop takes
# some of them (knowledge/articles/payment-methods.md), so paying the shop with one ("my PayPal
# payment to you failed", "refund to my PayPal", "can I pay with PayPal") stays the shop's.
_PROVIDERS = re.compile(
    r"\b(?:pay\s*pal|klarna|venmo|cash\s*app|zelle|afterpay|clearpay|affirm|sezzle|"
    r"apple\s+(?:pay|cash|wallet)|google\s+(?:pay|wallet)|samsung\s+pay)\b",
    re.IGNORECASE,
)
_PROVIDERS_OWN = re.compile(
    r"\b(?:limited|limitation|locked|lock|unlock|unlocked|suspend|suspended|suspension|frozen|freeze|"
    r"unfreeze|restricted|restriction|banned|hacked|compromised|deactivated|disabled|reactivate|reinstate|"
    r"verify|verified|verification|identity|2fa|two[- ]factor|log\s*in|log\s*into|logging\s+in|logged\s+out|login|"
    r"sign\s*in|sign\s*into|password|"
    r"fee|fees|withdraw|withdrawal|transfer|transfers|cash\s+out|send\s+money|sent\s+money|balance|dispute|"
    r"chargeback|resolution\s+cent(?:re|er)|claim|close|closed|delete|deleted|credit\s+score|interest|"
    r"statement|customer\s+(?:service|support)|support\s+(?:team|number|line)|helpline|phone\s+number|contact|app|"
    r"scam|phishing)\b",
    re.IGNORECASE,
)
# A payment to the shop, its refund or its order: the provider is then how the customer pays here.
_PAYING_THE_SHOP = re.compile(
    # "A charge on my PayPal statement" is the shop's; "PayPal charged me a fee" is PayPal's.
    r"\b(?:orders?|ordered|refunds?|refunded|payments?|pay|paying|paid|purchases?|purchased|buy|buying|bought|"
    r"use|using|charge[sd]?(?!\s+(?:me\s+)?(?:an?\s+)?(?:\w+\s+)?fees?\b)|"
    r"checkout|check\s*out|basket|cart|returns?|returned|returning|items?|parcels?|packages?|delivery|"
    r"gift\s*cards?|promo|discount|larkspur)\b",
    re.IGNORECASE,
)

# Someone else's office or counter, and its hours, queues or services: "what time does the post
# office close on Christmas Eve?", "is the bank open Saturday", "can I renew my passport at the
# post office". Not "bank holiday" (the shop's own hours) and not carriers alone: the shop's
# carriers and drop-off points are its own (knowledge/articles/returns-drop-off.md).
_PLACES = re.compile(
    r"\b(?:post\s*office|postoffice|usps\s+(?:office|location|branch|store)|ups\s+store|"
    r"fedex\s+(?:office|store|location)|sorting\s+office|delivery\s+office|bank(?!\s+holidays?)|banks|"
    r"dmv|passport\s+office|town\s+hall|city\s+hall|council\s+offices?|library|pharmacy|chemist|"
    r"supermarket|grocery\s+store|mall|shopping\s+(?:centre|center|mall)|doctor'?s|dentist|embassy|"
    r"consulate|police\s+station|gas\s+station|petrol\s+station|job\s*centre|court\s*house)\b",
    re.IGNORECASE,
)
_THEIR_HOURS_OR_SERVICES = re.compile(
    r"\b(?:what\s+time|hours|opening\s+times|open|opens|close|closes|closing|closed|shut|queues?|"
    r"lines?\s+(?:at|in)|wait(?:ing)?\s+times?|busy|stamps?|passports?|money\s+orders?|postal\s+orders?|"
    r"notary|notari[sz]e\w*|licen[cs]e|pension|tax\s+forms?|w-?2|atm|deposit|withdraw|cash\s+a\s+(?:check|cheque)|"
    r"bills?)\b",
    re.IGNORECASE,
)
# The shop's return, parcel or order at that counter: "can I return at the post office?",
# "my parcel is at the post office, when does it close?", "do you ship to a PO box".
_THE_SHOPS_PARCEL = re.compile(
    r"\b(?:returns?|returning|returned|send(?:ing)?\s+(?:it|them|this|back)|sent\s+back|labels?|"
    r"drop(?:ped|ping)?[\s-]*(?:it\s+|them\s+)?off|parcels?|packages?|pkg|orders?|ordered|ship|shipping|shipped|"
    r"deliver\w*|p\.?\s*o\.?\s*box|box|mail|mailbox|refunds?|exchanges?|customs|dut(?:y|ies)|track\w*|"
    r"pick(?:ed)?\s*(?:it\s+|them\s+)?up|collect\w*|pay|paid|payments?|charged?|card|pending)\b",
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
        theirs = [rf"{shop}(?:'s|s')?\s+(?:{_SHOPS_OWN})\b"]
        if other_trades:
            # Not its way to pay: "is Samsung Pay accepted?" asks how to pay the shop.
            theirs.append(rf"{_any_of(other_trades)}(?!\s+pay\b)(?:'s)?(?:\s+{_TRADES_OWN}\b)?")
        # A company's name with what it holds for the customer: another trade's, named at all, or
        # another shop's card or scheme.
        self._theirs = re.compile("|".join(theirs), re.IGNORECASE)
        self._patterns = (
            re.compile(rf"{shop}(?:'s|s'|')(?=\s)", re.IGNORECASE),  # "Nike's return window"
            re.compile(rf"{shop}\s+(?:usually\s+|normally\s+|even\s+|still\s+|really\s+)?(?:{_VERBS})\b",
                       re.IGNORECASE),  # "Amazon takes", "does Patagonia do"
            re.compile(rf"{shop}\s*(?:,\s*|\s+)(?:or|vs\.?|versus|and)\s+{shop}", re.IGNORECASE),  # "Amazon or Zalando"
            re.compile(rf"{shop}\s+(?:{_POLICIES})\b", re.IGNORECASE),  # "Uniqlo sizing", "Zara returns"
            # "the shipping time from Amazon", "returns at Zara"
            re.compile(rf"\b(?:{_POLICIES})(?:\s+(?:times?|costs?|fees?|window|speed|rules?))?\s+(?:from|at|with)\s+"
                       rf"(?:the\s+)?{shop}", re.IGNORECASE),
            re.compile(rf"{_BOUGHT}\b(?:at|from|on|in|with)\s+(?:the\s+)?{shop}", re.IGNORECASE),  # "bought at REI"
            re.compile(rf"{shop}(?:'s|s')?\s+(?:{_OPEN_OR_SHUT})", re.IGNORECASE),  # "what time does Costco close?"
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
        rest = self._theirs.sub(" ", text)
        if rest != text and not _SHOP_SERVICES.search(rest):
            return True
        if _a_providers_own_matter(text) or _someone_elses_counter(text):
            return True
        return any(pattern.search(text) for pattern in self._patterns)


def _a_providers_own_matter(text: str) -> bool:
    if not _PROVIDERS.search(text):
        return False
    # Without the providers' names: "pay" in "Apple Pay" is not a payment to the shop.
    rest = _PROVIDERS.sub(" ", text)
    return bool(_PROVIDERS_OWN.search(rest)) and not _PAYING_THE_SHOP.search(rest)


def _someone_elses_counter(text: str) -> bool:
    return bool(
        _PLACES.search(text) and _THEIR_HOURS_OR_SERVICES.search(text) and not _THE_SHOPS_PARCEL.search(text)
    )
