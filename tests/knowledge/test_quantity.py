"""What a question asks for and for where, and the search's use of it, on the real help centre
with BM25 alone (no model: the dense scores are left at zero, so only words and the fit count)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from knowledge.articles import load_articles
from knowledge.index.hybrid import FusionConfig, HybridIndex
from knowledge.index.quantity import carries, places_as_regions, quantities_asked, regions_in, regions_named
from knowledge.settings import PACKAGE_DIR
from tests.knowledge.no_meaning import NoMeaning


@pytest.mark.parametrize(
    ("question", "regions"),
    [
        ("how long does it take to ship to Oregon", {"US"}),
        ("shipping to new york state?", {"US"}),
        ("returning from Lyon, what does it cost", {"EU"}),
        ("I'm in Northern Ireland", {"UK"}),
        ("delivery to Saskatchewan", {"Canada"}),
        ("I live in the US", {"US"}),
        ("can you help us with this", set()),  # the pronoun is no place
        ("Hi, I'm Sofia, where is my parcel", set()),  # a given name is no place...
        ("I'm in Sofia, where is my parcel", {"EU"}),  # ...but after "in" it is
    ],
)
def test_places_are_read_as_the_help_centres_regions(question: str, regions: set[str]) -> None:
    assert regions_named(question) == regions


@pytest.mark.parametrize(
    ("question", "searched"),
    [
        ("Is there a charge for returns if I live in Quebec?", "Is there a charge for returns if I live in Canada?"),
        ("returning from New  York and Lyon", "returning from the US and the EU"),
        # The regions' own names, demonyms (languages too) and given names stay as written.
        ("i live in the uk, any polish or dutch speakers?", "i live in the uk, any polish or dutch speakers?"),
        ("This is Austin, shipping to Austin?", "This is Austin, shipping to the US?"),
    ],
)
def test_a_place_is_searched_as_its_region(question: str, searched: str) -> None:
    assert places_as_regions(question) == searched


def test_what_is_asked_for_and_what_a_passage_carries() -> None:
    assert quantities_asked("How much is a return label?") == {"price"}
    assert quantities_asked("how many business days until it arrives") == {"duration"}
    assert quantities_asked("What time do you close on Saturday") == {"time"}
    assert quantities_asked("Do you sell wool socks?") == frozenset()
    assert quantities_asked("when will my parcel arrive") == {"duration"}
    # A condition asked for, not a time: "when does it count as late" carries no number.
    assert quantities_asked("When does a delivery count as late?") == frozenset()
    assert quantities_asked("when is a parcel considered lost") == frozenset()
    assert carries("It costs $6.95.", "price") and not carries("It is free of charge in many cases", "duration")
    assert carries("It arrives in 5 to 8 business days.", "duration")
    assert regions_in("Shipping to the UK and the EU") == {"UK", "EU"} and regions_in("contact us") == frozenset()



def index(fusion: FusionConfig) -> HybridIndex:
    articles = load_articles(PACKAGE_DIR / "articles")
    count = sum(len(a.passages) for a in articles)
    return HybridIndex(articles, NoMeaning(), np.zeros((count, 4)), fusion)  # type: ignore[arg-type]


def test_a_named_place_brings_its_regions_rule_and_the_section_with_the_quantity() -> None:
    fitted, plain = index(FusionConfig()), index(FusionConfig(region_weight=0.0, quantity_weight=0.0))
    for question, article, fact in (("how fast is delivery to Berlin", "shipping-uk-eu", "6 to 10"),
                                    ("what does it cost to send a parcel to Texas", "shipping-standard-us", "$5.95")):
        top = fitted.search(question, k=1).hits[0]
        assert top.passage.article_id == article and fact in top.passage.text
        # Words alone give the neighbouring rule (express times; return labels).
        assert plain.search(question, k=1).hits[0].passage.article_id != article


RETURNS_ABROAD = """---
id: returns-abroad
title: Returns from the UK and the EU
category: returns
tags: [returns]
updated: 2026-12-01
url: https://larkspur.example/help/returns-abroad
questions:
  - "I live in Germany and want to send a jacket back. Is there a charge for that?"
---
Return shipping from the UK and the EU costs $6.95, taken from your refund.
"""
RETURN_LABELS = """---
id: return-labels
title: Return labels
category: returns
tags: [returns]
updated: 2026-12-01
url: https://larkspur.example/help/return-labels
---
Return labels are free in the US and Canada: sending a return back costs nothing.
"""


def test_a_customer_phrasing_about_another_region_does_not_speak_for_the_question(tmp_path: Path) -> None:
    (tmp_path / "returns-abroad.md").write_text(RETURNS_ABROAD)
    (tmp_path / "return-labels.md").write_text(RETURN_LABELS)
    articles = load_articles(tmp_path)
    count = sum(len(a.passages) for a in articles)
    # Without the title's region, so that only the phrasing's place decides.
    search = HybridIndex(articles, NoMeaning(), np.zeros((count, 4)),  # type: ignore[arg-type]
                         FusionConfig(region_weight=0.0, quantity_weight=0.0)).search
    ohio = "I live in Ohio and want to send a jacket back. Is there a charge for that?"
    assert search(ohio, k=1).hits[0].passage.article_id == "return-labels"
    # The same phrasing still speaks for a question about its own region, and one naming no place.
    assert search(ohio.replace("Ohio", "Austria"), k=1).hits[0].passage.article_id == "returns-abroad"
    assert search(ohio.replace(" in Ohio", ""), k=1).hits[0].passage.article_id == "returns-abroad"
