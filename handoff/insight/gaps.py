"""Knowledge gaps: the questions no article answered and those whose answer the customer rejected
with "No", clustered by meaning. Each cluster: its size, 5 example phrasings (the nearest its
centre), the articles wrongly given for it, and a stable id (a digest of its phrasings) by which
the dashboard asks for its draft article (handoff/insight/drafts.py).

The sentence model is the detector's (handoff/detection/embeddings.py: all-MiniLM-L6-v2 on
sentence-transformers), loaded on the first request; the clustering is scikit-learn's
agglomerative clustering, average linkage over cosine distance, cut at a distance rather than a
number of clusters: how many topics the customers asked about is what the report finds out."""

from __future__ import annotations

import asyncio
import hashlib
import threading
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy
from sklearn.cluster import AgglomerativeClustering
from sqlalchemy import select
from sqlalchemy.orm import Session

from handoff.insight.period import Period, within
from handoff.store.db import Database
from handoff.store.models import ReportingEventRow as Event

# Average cosine distance under which questions are one topic: all-MiniLM-L6-v2 puts paraphrases
# of one question at a similarity of about 0.5-0.9 and different shop topics under 0.3.
DISTANCE = 0.6
MAX_QUESTIONS = 2000  # the newest; clustering is quadratic in memory
MAX_CLUSTERS = 100
EXAMPLES = 5
MAX_TEXT = 300


@dataclass(frozen=True)
class Question:
    text: str
    source: str  # "no_match" or "rejected"
    article: str | None  # the article wrongly given, for a rejected answer


def questions(session: Session, period: Period) -> list[Question]:
    """The period's unanswered and rejected questions, newest first, at most MAX_QUESTIONS."""
    query = within(select(Event.kind, Event.detail, Event.reason)
                   .where(Event.kind.in_(("no_match", "answer_rejected")), Event.detail.is_not(None)),
                   period, by_team=False).order_by(Event.at.desc(), Event.id.desc()).limit(MAX_QUESTIONS)
    found = []
    for kind, text, article in session.execute(query):
        cleaned = " ".join(str(text).split())[:MAX_TEXT]
        if cleaned:
            found.append(Question(cleaned, "no_match" if kind == "no_match" else "rejected",
                                  article if kind == "answer_rejected" else None))
    return found


def cluster_id(texts: Sequence[str]) -> str:
    return hashlib.sha256("\n".join(sorted(set(t.lower() for t in texts))).encode()).hexdigest()[:16]


def distinct_texts(found: Sequence[Question]) -> tuple[list[str], numpy.ndarray]:
    """The distinct phrasings (case and spacing aside) and, per question, its phrasing's index:
    a question asked a hundred times in the same words is one point to cluster, counted 100 times."""
    index: dict[str, int] = {}
    texts: list[str] = []
    of_question = []
    for question in found:
        key = question.text.lower()
        if key not in index:
            index[key] = len(texts)
            texts.append(question.text)
        of_question.append(index[key])
    return texts, numpy.asarray(of_question, dtype=int)


def clusters(found: Sequence[Question], vectors: numpy.ndarray) -> list[dict[str, Any]]:
    """Group `found`, largest first; `vectors` has one unit-length row per distinct phrasing
    (distinct_texts)."""
    if not found:
        return []
    _, phrasing = distinct_texts(found)
    if len(vectors) == 1:
        groups = numpy.zeros(1, dtype=int)
    else:
        groups = AgglomerativeClustering(n_clusters=None, distance_threshold=DISTANCE, metric="cosine",
                                         linkage="average").fit_predict(vectors)
    labels = groups[phrasing]
    vectors = vectors[phrasing]
    result = []
    for label in numpy.unique(labels):
        members = numpy.flatnonzero(labels == label)
        centre = vectors[members].mean(axis=0)
        nearest = members[numpy.argsort(-(vectors[members] @ centre), kind="stable")]
        examples: list[str] = []
        for index in nearest:
            text = found[index].text
            if text.lower() not in {e.lower() for e in examples}:
                examples.append(text)
            if len(examples) == EXAMPLES:
                break
        wrongly = Counter(found[i].article for i in members if found[i].article)
        sources = Counter(found[i].source for i in members)
        result.append({"id": cluster_id([found[i].text for i in members]), "size": len(members),
                       "examples": examples, "no_match": sources["no_match"], "rejected": sources["rejected"],
                       "wrongly_given": [{"article": a, "times": n} for a, n in wrongly.most_common()],
                       "phrasings": sorted({found[i].text for i in members}, key=str.lower)})
    result.sort(key=lambda c: (-c["size"], c["examples"][0].lower()))
    return result[:MAX_CLUSTERS]


class GapFinder:
    """The knowledge-gap report with its sentence model, loaded once when first asked."""

    def __init__(self, db: Database, load_encoder: Callable[[], Any]) -> None:
        self.db = db
        self.load_encoder = load_encoder
        self._encoder: Any = None
        self._loading = threading.Lock()

    def encoder(self) -> Any:
        with self._loading:
            if self._encoder is None:
                self._encoder = self.load_encoder()
            return self._encoder

    def _clusters(self, found: list[Question]) -> list[dict[str, Any]]:
        texts, _ = distinct_texts(found)
        vectors = self.encoder().encode(texts) if texts else numpy.zeros((0, 1))
        return clusters(found, numpy.asarray(vectors, dtype=float))

    async def report(self, period: Period) -> dict[str, Any]:
        found = await self.db.run(lambda session: questions(session, period))
        # The model runs on a worker thread: a few hundred questions take a second or two.
        grouped = await asyncio.to_thread(self._clusters, found)
        return {"questions": len(found), "clusters": grouped}

    async def cluster(self, period: Period, wanted: str) -> dict[str, Any] | None:
        return next((c for c in (await self.report(period))["clusters"] if c["id"] == wanted), None)
