"""Reading a return request in the customer's own words: which items ("the boots", "both"),
why ("they hurt" is a fit problem), and which size or colour an exchange is for ("a medium",
"US 9", "navy")."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from bot.actions.own_case import OWN_WRONG_CHOICE
from orders.models import Item, Variant

# What customers call the shop's products (the names in orders/demo_seed.py). The entity ruler's
# product_type patterns (bot/nlp/entity_patterns.jsonl) use the same words.
PRODUCT_WORDS: dict[str, tuple[str, ...]] = {
    "trail runners": ("trail runners", "runners", "running shoes", "trainers", "sneakers", "shoes"),
    "rain jacket": ("rain jacket", "jacket", "raincoat", "rain coat"),
    "wool sweater": ("wool sweater", "sweater", "jumper", "pullover"),
    "hiking boots": ("hiking boots", "boots", "boot"),
    "swimsuit": ("swimsuit", "swimming costume", "bathing suit", "swimwear", "swim suit"),
    "sun hat": ("sun hat", "hat"),
    "down parka": ("down parka", "parka", "coat"),
    "backpack 30L": ("backpack", "rucksack", "pack", "bag"),
    "fleece": ("fleece",),
    "beanie": ("beanie",),
    "running tights": ("running tights", "tights", "leggings"),
    "t-shirt": ("t-shirts", "t-shirt", "tshirt", "tshirts", "tees", "tee", "shirts", "shirt"),
}
ALL_WORDS = re.compile(r"\b(all|both|everything|all of them|the lot|whole order)\b", re.IGNORECASE)

# Reason categories: (key, button title, words that reveal it). Order matters: damage and wrong
# items are checked first because they go to a person whatever else is said.
REASONS: list[tuple[str, str, tuple[str, ...]]] = [
    ("damaged", "It arrived damaged", ("damaged", "broken", "broke", "torn", "tear", "ripped", "rip", "stain",
                                      "stained", "stains", "hole", "holes", "defective", "defect", "faulty",
                                      "crushed", "smashed", "snapped", "cracked", "dented", "scuffed", "scratched",
                                      "ruined", "frayed", "peeling", "leaking", "falling apart", "came apart",
                                      "came undone", "stopped working", "doesn't work", "does not work")),
    ("wrong_item", "I got the wrong item", ("wrong item", "sent me the wrong", "sent the wrong", "not what i ordered",
                                            "wrong one", "different item", "wrong colour sent", "wrong size sent")),
    ("fit", "It doesn't fit", ("fit", "too small", "too big", "too large", "too tight", "too loose", "too short",
                               "too long", "hurt", "pinch", "narrow", "size", "small", "big", "tight", "loose")),
    ("not_as_described", "Not as described", ("not as described", "looks different", "not what i expected",
                                              "quality", "picture", "photo", "expected")),
    ("changed_mind", "I changed my mind", ("changed my mind", "don't need", "dont need", "don't want", "dont want",
                                           "don't like", "dont like", "not for me", "by mistake", "don't suit",
                                           "doesn't suit", "no longer", "found it cheaper")),
]
REASON_TITLES = {key: title for key, title, _words in REASONS}
HANDOVER_REASONS = frozenset({"damaged", "wrong_item"})

SIZE_WORDS = {"extra small": "XS", "small": "S", "medium": "M", "large": "L", "extra large": "XL"}
_SIZE = re.compile(r"\b(?:(?:us|uk|eu|size)\s*)?(\d{1,2}(?:\.5)?)\b|\b(XXL|XL|XS|S|M|L)\b", re.IGNORECASE)


def _contains(text: str, word: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text) is not None


def words_for(item: Item) -> tuple[str, ...]:
    return PRODUCT_WORDS.get(item.name, (item.name.lower(),))


def items_named(text: str, entities: Iterable[str], items: Sequence[Item]) -> list[Item]:
    """The items the customer names, from product_type entities or the words of the text."""
    said = " ".join([text, *entities]).lower()
    if ALL_WORDS.search(said):
        return list(items)
    return [item for item in items if any(_contains(said, word) for word in words_for(item))]


# The shop sent something other than what was ordered (issue 20, class 7): the shop's mistake, a
# person's case, even when it is only a size ("you sent me an S, I ordered an M"), which the
# word lists would read as fit. A customer's own wrong choice ("I ordered the wrong size") is not.
_SHOP_SENT_WRONG = re.compile(
    # Not the customer's own giving: "I gave the wrong address".
    r"(?<!\bi )(?<!\bwe )\b(?:sent|send|sending|shipped|gave)\s+(?:me\s+|us\s+)?(?:the\s+|a\s+|an\s+)?"
    r"(?:wrong|different|another)\b"
    r"|\b(?:sent|shipped|received|got|came|arrived|delivered)\b.*\b(?:instead of|rather than)\b"
    r"|\bi (?:had )?ordered\b[^.]*?\bbut\b[^.]*?\b(?:sent|received|got)\b"
    r"|\b(?:sent|sending|received|got|shipped|delivered)\b[^.]*?(?:[,;]|\bbut|\bwhen|\bthough|\bwhile|\bwhereas)"
    r"\s*i (?:had )?ordered\b"
    r"|\b(?:isn't|is not|wasn't|was not|aren't|are not|not) (?:what|the (?:one|item|size|colour|color)s?) i ordered\b"
    r"|\bsomeone else'?s\b"
    r"|\b(?:wrong|different) (?:item|product|thing|order)s? (?:in|inside) the (?:box|parcel|package)\b"
    r"|\b(?:wrong|different) (?:colou?r|size|item|product|thing|one|model|style|pair)s?(?:\s+of\s+\w+)? "
    r"(?:turned up|came|arrived|showed up|was (?:sent|delivered)|got delivered)\b",
    re.IGNORECASE,
)
_OWN_CHOICE = re.compile(rf"\b(?:i|we) {OWN_WRONG_CHOICE}\b", re.IGNORECASE)


def reason_category(text: str) -> str | None:
    lowered = text.lower().replace("’", "'")
    for key, title, words in REASONS:
        if lowered.strip(" .!") == title.lower() or any(_contains(lowered, word) for word in words):
            return key
        if key == "damaged" and _SHOP_SENT_WRONG.search(lowered) and not _OWN_CHOICE.search(lowered):
            return "wrong_item"
    return None


def sizes_in(text: str) -> set[str]:
    lowered = text.lower()
    found = {size for word, size in SIZE_WORDS.items() if _contains(lowered, word)}
    if "extra large" in lowered:
        found.discard("L")
    if "extra small" in lowered:
        found.discard("S")
    for number, letter in _SIZE.findall(text):
        # A bare "S"/"M"/"L" counts only in capitals, so "I'm" or "a l" is not a size.
        if letter and (letter.isupper() or len(letter) > 1):
            found.add(letter.upper())
        elif number:
            found.add(number)
    return found


def _size_key(size: str) -> str:
    return re.sub(r"^(us|uk|eu)\s*", "", size.strip().lower()).upper()


def variant_named(text: str, variants: Sequence[Variant]) -> list[Variant]:
    """The variants that fit every size and colour the customer mentions (all of them if none)."""
    lowered = text.lower()
    sizes = {_size_key(s) for s in sizes_in(text)}
    colours = {v.colour for v in variants if _contains(lowered, v.colour.lower())}
    return [
        v for v in variants
        if (not sizes or _size_key(v.size) in sizes) and (not colours or v.colour in colours)
    ] if sizes or colours else []
