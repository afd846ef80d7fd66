"""The article classifier and the query signals beside it, on real articles and the real
embedding model."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from knowledge.articles import load_articles
from knowledge.evaluation import load_questions
from knowledge.index.classifier import ArticleClassifier
from knowledge.index.dense import Encoder
from knowledge.index.hybrid import HybridIndex
from knowledge.negatives import load_negatives
from knowledge.settings import PACKAGE_DIR

TOPICS = ("shipping-tracking", "returns-policy", "payment-klarna", "account-password-reset")


@pytest.fixture(scope="module")
def encoder(knowledge_encoder: Encoder) -> Encoder:
    return knowledge_encoder


@pytest.fixture(scope="module")
def index(encoder: Encoder) -> HybridIndex:
    articles = [a for a in load_articles(PACKAGE_DIR / "articles") if a.id in TOPICS]
    vectors = encoder.encode([p.search_text for a in articles for p in a.passages])
    negatives = encoder.encode(load_negatives()[::4])
    return HybridIndex(articles, encoder, vectors, negatives=negatives)


def test_negatives_are_plain_requests_without_comments() -> None:
    lines = load_negatives()
    assert len(lines) > 500
    assert not any(line.startswith("#") or not line.strip() for line in lines)


def test_no_evaluation_question_is_among_the_negatives() -> None:
    # The nearest-unanswerable signal would find such a question at similarity 1 and the
    # benchmark would measure memory, not judgement.
    def plain(text: str) -> str:
        return " ".join(re.sub(r"[^\w]+", " ", text.lower()).split())

    negatives = {plain(line) for line in load_negatives()}
    asked = [plain(q.text) for q in load_questions("all")]
    assert len(asked) > 300 and not [q for q in asked if q in negatives]


def test_nearest_unanswerable_request_is_measured(index: HybridIndex) -> None:
    alarm = index.search("set an alarm for 6 am tomorrow").nearest_unanswerable
    password = index.search("I forgot my password and cannot log in").nearest_unanswerable
    assert alarm > password and -1.0 <= password <= alarm <= 1.0 + 1e-6
    assert index.search("???").nearest_unanswerable <= 1.0 + 1e-6


def test_classifier_names_the_article_of_a_customer_question(index: HybridIndex) -> None:
    ranking = index.search("can i pay in instalments with klarna", k=2)
    assert ranking.hits[0].passage.article_id == "payment-klarna"
    assert ranking.hits[0].classifier > ranking.hits[1].classifier
    assert ranking.out_of_scope < 0.5


def test_requests_no_shop_answers_are_out_of_scope(index: HybridIndex) -> None:
    shop = index.search("I forgot my password and cannot log in").out_of_scope
    other = index.search("set an alarm for 6 am tomorrow").out_of_scope
    assert other > 0.5 > shop


def test_words_the_help_centre_never_uses_are_counted(index: HybridIndex) -> None:
    assert index.search("where is my parcel").unknown_words == 0.0
    assert index.search("where is my hovercraft parcel").unknown_words == pytest.approx(1 / 2)
    assert index.search("???").unknown_words == 0.0


def test_without_negatives_there_is_no_out_of_scope_class(encoder: Encoder) -> None:
    vectors = encoder.encode(["where is my parcel", "track my order", "return a jacket", "send it back"])
    classifier = ArticleClassifier(["tracking", "returns"], vectors, np.array([0, 0, 1, 1]), np.zeros((0, 384)))
    probabilities, none = classifier.probabilities(encoder.encode(["how do I return boots"])[0])
    assert none == 0.0
    assert probabilities.argmax() == 1 and probabilities.sum() == pytest.approx(1.0)


def test_index_without_classifier_ranks_as_before(encoder: Encoder, tmp_path: Path) -> None:
    articles = [a for a in load_articles(PACKAGE_DIR / "articles") if a.id in TOPICS]
    vectors = encoder.encode([p.search_text for a in articles for p in a.passages])
    ranking = HybridIndex(articles, encoder, vectors).search("where is my parcel")
    assert ranking.hits[0].passage.article_id == "shipping-tracking"
    assert ranking.out_of_scope == 0.0 and ranking.hits[0].classifier == 0.0
    assert ranking.nearest_unanswerable == 0.0
