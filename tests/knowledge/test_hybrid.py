"""Which passage of the top article the search shows, with BM25 alone (no model: the dense
scores are zero, so only the words count)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from knowledge.articles import load_articles
from knowledge.index.hybrid import FusionConfig, HybridIndex
from tests.knowledge.no_meaning import NoMeaning

ARTICLE = """---
id: gift-wrap
title: Gift wrapping
category: orders
tags: [gift]
updated: 2026-11-01
url: https://larkspur.example/help/gift-wrap
---
Gift wrapping costs $4 per order, and a gift note is free.

## How to ask for gift wrapping
Tick the gift box at checkout and write your note: the note is printed on a card.

## Gift wrapping for returns
A gift that was wrapped can be returned like any other item; the $4 is not refunded.
"""



def index(tmp_path: Path, lead_weight: float) -> HybridIndex:
    (tmp_path / "gift-wrap.md").write_text(ARTICLE)
    articles = load_articles(tmp_path)
    count = sum(len(a.passages) for a in articles)
    fusion = FusionConfig(dense_weight=0.0, support_weight=0.0, lead_weight=lead_weight)
    return HybridIndex(articles, NoMeaning(), np.zeros((count, 4)), fusion)  # type: ignore[arg-type]


def test_a_general_question_gets_the_lead_and_a_specific_one_its_section(tmp_path: Path) -> None:
    preferring, plain = index(tmp_path, 0.1), index(tmp_path, 0.0)
    general = "gift wrapping note?"
    # By words alone the how-to section edges the lead out (it says "note" twice)...
    assert plain.search(general, k=1).hits[0].passage.heading == "How to ask for gift wrapping"
    # ...but the lead, which says what it costs, is what a general question needs.
    hit = preferring.search(general, k=1).hits[0]
    assert hit.passage.lead and "$4 per order" in hit.passage.text
    # The section the question matched best is still known (a person may handle that section).
    assert hit.section.heading == "How to ask for gift wrapping"
    specific = preferring.search("can a wrapped gift be returned and refunded", k=1).hits[0]
    assert specific.passage.heading == "Gift wrapping for returns" == specific.section.heading


def test_without_a_preference_the_shown_passage_is_the_matched_one(tmp_path: Path) -> None:
    hit = index(tmp_path, 0.0).search("checkout box", k=1).hits[0]
    assert hit.passage is hit.section
