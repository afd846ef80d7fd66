"""The knowledge-gap report with the real sentence model: two distinct topics of unanswered and
rejected questions come out as two clusters, with the article wrongly given; a cluster's draft
is an article file the help centre reads once its answer is written."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from handoff.detection.embeddings import CachedEncoder
from handoff.insight.drafts import draft_article
from handoff.insight.gaps import GapFinder
from handoff.insight.period import Period
from handoff.store import Database, reporting
from handoff.store.reporting import ReportingEvent
from knowledge.articles import ArticleError, parse_article

T = 2_000_000.0
GIFT = ["do you offer gift wrapping", "can you gift wrap my order", "is gift wrap available for a present",
        "could my parcel come gift wrapped"]
CRYPTO = ["can I pay with bitcoin", "do you accept crypto payments", "is cryptocurrency accepted at checkout"]


@pytest.fixture(scope="module")
def encoder() -> CachedEncoder:
    return CachedEncoder()


def events() -> list[ReportingEvent]:
    found = [ReportingEvent(key=f"g{i}", kind="no_match", at=T + i, actor="bot", sender_id=f"s{i}", channel="rest",
                            value=1.0, detail=text) for i, text in enumerate(GIFT)]
    found += [ReportingEvent(key=f"c{i}", kind="answer_rejected", at=T + 10 + i, actor="customer",
                             sender_id=f"p{i}", channel="rest", reason="payment-methods", detail=text)
              for i, text in enumerate(CRYPTO)]
    found.append(ReportingEvent(key="old", kind="no_match", at=T - 10, actor="bot", sender_id="x", detail="too early"))
    return found


async def test_two_topics_two_clusters(database: Database, encoder: CachedEncoder, tmp_path: Path) -> None:
    seeded = events()
    await database.run(lambda s: [reporting.add(s, e) for e in seeded])
    finder = GapFinder(database, lambda: encoder)
    period = Period(since=T, until=T + 3600)
    report = await finder.report(period)
    assert report["questions"] == 7
    first, second = report["clusters"]
    assert (first["size"], first["no_match"], first["rejected"], first["wrongly_given"]) == (4, 4, 0, [])
    assert sorted(first["examples"]) == sorted(GIFT)
    assert (second["size"], second["rejected"]) == (3, 3)
    assert sorted(second["phrasings"]) == sorted(CRYPTO)
    assert second["wrongly_given"] == [{"article": "payment-methods", "times": 3}]
    assert await finder.cluster(period, second["id"]) == second
    assert await finder.cluster(period, "0" * 16) is None

    name, text = draft_article(second, datetime.date(2026, 12, 6))
    draft = tmp_path / name
    draft.write_text(text)
    with pytest.raises(ArticleError, match="no text"):  # an unwritten draft is never served
        parse_article(draft)
    draft.write_text(text + "\nYes: we take Bitcoin through our payment partner at checkout.\n")
    article = parse_article(draft)
    assert article.id == draft.stem and list(article.questions) == sorted(CRYPTO, key=str.lower)
    assert "payment-methods" in text


async def test_nothing_to_cluster(database: Database, encoder: CachedEncoder) -> None:
    report = await GapFinder(database, lambda: encoder).report(Period(since=T, until=T + 1))
    assert report == {"questions": 0, "clusters": []}
