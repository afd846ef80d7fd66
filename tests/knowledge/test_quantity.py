"""What a question asks for and for where, and the search's use of it, on the real help centre
with BM25 alone (no model: the dense scores are left at zero, so only words and the fit count)."""

from __future__ import annotations

import numpy as np
import pytest

from knowledge.articles import load_articles
from knowledge.index.hybrid import FusionConfig, HybridIndex
from knowledge.index.quantity import carries, quantities_asked, regions_in, regions_named
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
    ],
)
def test_places_are_read_as_the_help_centres_regions(question: str, regions: set[str]) -> None:
    assert regions_named(question) == regions


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
    for question, article, fact in (("how many days for a parcel to reach Madrid", "shipping-uk-eu", "6 to 10"),
                                    ("what's the delivery charge to Toronto", "shipping-canada", "$9.95")):
        top = fitted.search(question, k=1).hits[0]
        assert top.passage.article_id == article and fact in top.passage.text
        # Words alone give the neighbouring rule (express times; return labels).
        assert plain.search(question, k=1).hits[0].passage.article_id != article
