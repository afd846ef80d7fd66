"""What a question asks for (a price, a number of days, a time of day, a weight) and for where,
so the answer passage carries that quantity for that place.

The help centre states its rules per region (the US, Canada, the UK, the EU), and customers name
a state, a province, a country or a city instead: "how long to ship to Texas?" is about the US,
"what does a return from Berlin cost?" about the EU. Meaning alone ranks the neighbouring rule
about as high ("Shipping to the UK and the EU" for Texas; a section on delivery times for a
question about a price), so the search (knowledge/index/hybrid.py) uses these signals: an article
about another region drops, one about the named region rises, and within an article the section
that carries the quantity asked for, for that region, is the one shown.

The places are geography, not topics: the regions' own names and demonyms, the US states, the
Canadian provinces and territories, the UK's nations, the EU's member states, and large cities.
"""

from __future__ import annotations

import re
from typing import Final

REGIONS: Final = ("US", "Canada", "UK", "EU")
KINDS: Final = ("price", "time", "duration", "weight")

# How the help centre names each region in its text (case matters for "US", not the pronoun "us").
_REGION_IN_TEXT: Final = {
    "US": re.compile(r"\b(?:US|U\.S\.|USA|United States|America)\b"),
    "Canada": re.compile(r"\bCanad(?:a|ian|ians)\b", re.IGNORECASE),
    "UK": re.compile(r"\b(?:UK|U\.K\.|United Kingdom|Great Britain|Britain|British)\b"),
    "EU": re.compile(r"\b(?:EU|European Union|Europe|European)\b"),
}

_US: Final = (
    "alabama, alaska, arizona, arkansas, california, colorado, connecticut, delaware, florida, georgia, "
    "hawaii, idaho, illinois, indiana, iowa, kansas, kentucky, louisiana, maine, maryland, "
    "massachusetts, michigan, minnesota, mississippi, missouri, montana, nebraska, nevada, "
    "new hampshire, new jersey, new mexico, new york, north carolina, north dakota, ohio, oklahoma, "
    "oregon, pennsylvania, rhode island, south carolina, south dakota, tennessee, texas, utah, vermont, "
    "virginia, washington, west virginia, wisconsin, wyoming, puerto rico, district of columbia, "
    "los angeles, san francisco, chicago, houston, phoenix, philadelphia, san antonio, san diego, "
    "dallas, austin, seattle, denver, boston, miami, atlanta, portland, las vegas, detroit, nashville, "
    "brooklyn, manhattan, nyc, usa, united states, america, american, americans, stateside"
)
_CANADA: Final = (
    "canada, canadian, canadians, ontario, quebec, british columbia, alberta, manitoba, saskatchewan, "
    "nova scotia, new brunswick, newfoundland, labrador, prince edward island, yukon, nunavut, "
    "northwest territories, toronto, montreal, vancouver, calgary, edmonton, ottawa, winnipeg, halifax"
)
_UK: Final = (
    "uk, united kingdom, britain, great britain, british, england, scotland, wales, northern ireland, "
    "london, manchester, birmingham, glasgow, edinburgh, liverpool, leeds, bristol, cardiff, belfast"
)
_EU: Final = (
    "eu, european union, europe, austria, belgium, bulgaria, croatia, cyprus, czechia, czech republic, "
    "denmark, estonia, finland, france, germany, greece, hungary, ireland, italy, latvia, lithuania, "
    "luxembourg, malta, netherlands, holland, poland, portugal, romania, slovakia, slovenia, spain, "
    "sweden, vienna, brussels, sofia, zagreb, nicosia, prague, copenhagen, tallinn, helsinki, paris, "
    "berlin, athens, budapest, dublin, rome, riga, vilnius, valletta, amsterdam, rotterdam, warsaw, "
    "lisbon, bucharest, bratislava, ljubljana, madrid, barcelona, stockholm, munich, hamburg, frankfurt, "
    "milan, lyon, marseille, cologne, austrian, belgian, french, german, germans, greek, irish, italian, "
    "italians, dutch, polish, portuguese, spanish, swedish, danish, finnish"
)
# Each name once, its region; longer names are tried first, so "new york" is not read as "york"
# and "northern ireland" not as "ireland".
_PLACES: Final = {name.strip(): region for region, names in (("US", _US), ("Canada", _CANADA), ("UK", _UK),
                                                           ("EU", _EU)) for name in names.split(",")}
# Names searched as written: the regions' own names, and demonyms (also languages, or words:
# "polish").
_AS_WRITTEN: Final = frozenset((
    "usa", "united states", "america", "stateside", "canada", "uk", "united kingdom", "britain", "great britain",
    "eu", "european union", "europe",
    "american", "americans", "canadian", "canadians", "british", "austrian", "belgian", "french", "german",
    "germans", "greek", "irish", "italian", "italians", "dutch", "polish", "portuguese", "spanish", "swedish",
    "danish", "finnish",
))
# Places that are also given names, and the words that make them a place.
_ALSO_GIVEN_NAMES: Final = frozenset(("sofia", "austin", "georgia", "virginia", "phoenix", "dallas", "paris",
                                      "washington"))
_BEFORE_A_PLACE: Final = re.compile(r"\b(?:in|to|from|near|at|around|outside|of)\s+$", re.IGNORECASE)
# How a region is written in a question searched with its places as regions.
_REGION_NAMES: Final = {"US": "the US", "Canada": "Canada", "UK": "the UK", "EU": "the EU"}
_PLACE: Final = re.compile(
    r"\b(?:" + "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in sorted(_PLACES, key=len, reverse=True))
    + r")\b", re.IGNORECASE)

# What is asked for, and what a passage that carries it contains.
_ASKED: Final = {
    "price": re.compile(r"\bhow much\b|\bcosts?\b|\bprice\b|\bfees?\b|\bcharge[sd]?\b|\bpay\b|\bspend\b"
                        r"|\bminimum\b|\bthreshold\b|\$\s?\d", re.IGNORECASE),
    "time": re.compile(r"\bwhat time\b|\bby when\b|\bby what time\b|\bcut-?off\b|\bopen\b|\bhours\b",
                       re.IGNORECASE),
    "duration": re.compile(r"\bhow (?:long|soon|quick(?:ly)?|fast"
                           r"|many (?:business |working )?(?:days|weeks|hours|minutes))\b"
                           r"|\bhow far back\b|\bwithin how\b|\bdeadline\b|\bshipping times?\b"
                           r"|\bdelivery times?\b|\bwhen (?:will|does|do|can|is)\b"
                           # "When does a delivery count as late?" asks for a condition, not a time.
                           r"(?![^?.!]{0,40}\b(?:count|counts|counted|considered|qualify|qualifies|treated|deemed"
                           r"|classed|classified|become|becomes)\b)", re.IGNORECASE),
    "weight": re.compile(r"\bweigh(?:t|s)?\b|\bheavy\b|\b(?:kg|lbs?|pounds)\b", re.IGNORECASE),
}
_CARRIED: Final = {
    "price": re.compile(r"\$\s?\d|\bfree\b", re.IGNORECASE),
    "time": re.compile(r"\b\d{1,2}(?::\d\d)?\s?(?:am|pm|a\.m\.|p\.m\.)", re.IGNORECASE),
    "duration": re.compile(r"\b(?:\d+|one|two|three|four|five|six|seven|ten|fourteen|thirty)"
                           r"(?:\s*(?:to|-|–)\s*\d+)?[- ](?:business |working |calendar )?"
                           r"(?:days?|weeks?|hours?|minutes?|months?|years?)\b", re.IGNORECASE),
    "weight": re.compile(r"\b\d+(?:\.\d+)?\s?(?:kg|g|lbs?|pounds|ounces|oz)\b", re.IGNORECASE),
}


def _places(text: str) -> list[re.Match[str]]:
    """The places `text` names; a place that is also a given name ("I'm Sofia", "this is Austin")
    only after a word that makes it a place: "in Sofia", "to Austin"."""
    return [m for m in _PLACE.finditer(text)
            if _name(m) not in _ALSO_GIVEN_NAMES or _BEFORE_A_PLACE.search(text, 0, m.start())]


def _name(match: re.Match[str]) -> str:
    return " ".join(match.group(0).lower().split())


def regions_named(text: str) -> frozenset[str]:
    """The regions of the places a question names (a state, a province, a country, a city)."""
    return frozenset(_PLACES[_name(m)] for m in _places(text)) | regions_in(text)


def places_as_regions(text: str) -> str:
    """`text` with each place it names by a name of its own (a state, a province, a country, a
    city) written as its region, as the help centre states its rules.
    The place's own words decided otherwise: "Is there a charge for returns if I live in Quebec?"
    got "Shipping to Canada", whose customer phrasings name Quebec and Montreal, where the same
    question with "Canada" gets the article that answers it."""
    parts, end = [], 0
    for m in _places(text):
        if _name(m) not in _AS_WRITTEN:
            parts += [text[end:m.start()], _REGION_NAMES[_PLACES[_name(m)]]]
            end = m.end()
    return "".join(parts) + text[end:]


def regions_in(text: str) -> frozenset[str]:
    """The regions the help centre's own text names."""
    return frozenset(region for region, pattern in _REGION_IN_TEXT.items() if pattern.search(text))


def quantities_asked(text: str) -> frozenset[str]:
    """What the question asks for: price, time (of day), duration, weight; empty for none."""
    return frozenset(kind for kind, pattern in _ASKED.items() if pattern.search(text))


def carries(text: str, kind: str) -> bool:
    """Whether a passage states a quantity of that kind."""
    return _CARRIED[kind].search(text) is not None
