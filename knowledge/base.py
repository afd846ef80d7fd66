"""The knowledge base the service serves: the articles and their index, rebuilt on demand.

A rebuild makes a whole new index beside the old one and swaps it in only when it is
complete, so a broken article fails the rebuild and the old index keeps serving.
"""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path

from knowledge.articles import Article, load_articles
from knowledge.index.cache import cached_embeddings, cached_text_embeddings
from knowledge.index.decision import Outcome, RetrievalConfig
from knowledge.index.dense import Encoder
from knowledge.index.hybrid import FusionConfig, Hit, HybridIndex
from knowledge.negatives import load_domain_only, load_off_domain, load_shop_negatives


@dataclass(frozen=True)
class Answer:
    outcome: Outcome
    confidence: float  # that the top article answers the question
    answerable: float  # that some article does
    hits: list[Hit]
    articles: list[Article]  # the article of each hit, from the same snapshot
    off_domain: float = 0.0  # that the question is not about the shop


@dataclass(frozen=True)
class Snapshot:
    index: HybridIndex
    articles: dict[str, Article]
    version: str  # hash of the articles' files
    built_at: float


def articles_version(directory: Path) -> str:
    sha = hashlib.sha256()
    for path in sorted(directory.glob("*.md")):
        sha.update(path.name.encode() + b"\0" + path.read_bytes())
    return sha.hexdigest()[:16]


def build_index(articles: list[Article], encoder: Encoder, fusion: FusionConfig, cache_dir: Path,
                examples_cache_dir: Path, examples: tuple[list[str], list[str], list[str]]) -> HybridIndex:
    """The index of `articles`, with the passages' embeddings cached in `cache_dir` and those of
    the example sets (shop negatives, other domains, other domains for the domain classifier
    alone) in `examples_cache_dir`."""
    passages = [p for a in articles for p in a.passages]
    vectors = cached_embeddings(encoder, passages, cache_dir)
    negatives, off_domain, domain_only = (cached_text_embeddings(encoder, texts, examples_cache_dir)
                                          for texts in examples)
    return HybridIndex(articles, encoder, vectors, fusion, negatives, off_domain, domain_only)


class KnowledgeBase:
    def __init__(
        self, articles_dir: Path, cache_dir: Path, encoder: Encoder, config: RetrievalConfig,
        negatives: list[str] | None = None, off_domain: list[str] | None = None,
        domain_only: list[str] | None = None, examples_cache_dir: Path | None = None,
    ) -> None:
        """`examples_cache_dir`: where the example sets' embeddings are cached (default: `cache_dir`)."""
        self.articles_dir = articles_dir
        # Shop requests no article answers, and requests of other domains: the article
        # classifier's "none of ours" class; the second also the domain classifier's other side.
        self.negatives = negatives if negatives is not None else load_shop_negatives()
        self.off_domain = off_domain if off_domain is not None else load_off_domain()
        # More requests of other domains, which only the domain classifier learns from.
        self.domain_only = domain_only if domain_only is not None else load_domain_only()
        self.cache_dir = cache_dir
        self.examples_cache_dir = examples_cache_dir or cache_dir
        self.encoder = encoder
        self.config = config
        self._lock = threading.Lock()
        self._snapshot = self._build()

    def _build(self) -> Snapshot:
        version = articles_version(self.articles_dir)
        articles = load_articles(self.articles_dir)
        index = build_index(articles, self.encoder, self.config.fusion, self.cache_dir, self.examples_cache_dir,
                            (self.negatives, self.off_domain, self.domain_only))
        return Snapshot(index, {a.id: a for a in articles}, version, time.time())

    def reindex(self) -> tuple[Snapshot, bool]:
        """Rebuild from the files; returns the snapshot and whether anything changed.
        Raises ArticleError, leaving the serving index untouched."""
        with self._lock:
            if articles_version(self.articles_dir) == self._snapshot.version:
                return self._snapshot, False
            self._snapshot = self._build()
            return self._snapshot, True

    @property
    def snapshot(self) -> Snapshot:
        return self._snapshot

    def search(self, query: str, k: int = 3) -> Answer:
        snapshot = self._snapshot
        ranking = snapshot.index.search(query, k=max(k, 2))
        judgement = self.config.judge_ranking(ranking)
        hits = ranking.hits[:k]
        articles = [snapshot.articles[h.passage.article_id] for h in hits]
        outcome = self.config.outcome(judgement)
        if outcome is Outcome.OFF_DOMAIN and articles and articles[0].about == "chat":
            # Talk about the assistant itself ("let me talk to someone real") is other domains'
            # small talk to the domain classifier, but ours when an article about the chat fits best.
            outcome = self.config.outcome(replace(judgement, off_domain=0.0))
        return Answer(outcome, judgement.confidence, judgement.answerable, hits, articles, judgement.off_domain)
