"""Hybrid retrieval: BM25 and dense scores fused per passage, then ranked per article."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

import numpy as np

from knowledge.articles import Article, Passage
from knowledge.index.classifier import ArticleClassifier
from knowledge.index.dense import Encoder
from knowledge.index.domain import DomainClassifier, misspelt_phrasings
from knowledge.index.focus import focus
from knowledge.index.lexical import LexicalIndex
from knowledge.index.not_the_shop import OtherShops, asks_for_writing
from knowledge.index.quantity import (
    KINDS,
    REGIONS,
    carries,
    places_as_regions,
    quantities_asked,
    regions_in,
    regions_named,
)
from knowledge.index.spelling import SpellingCorrector, everyday_words
from knowledge.index.stated_age import stated_days

Method = Literal["bm25", "dense", "hybrid"]
# Taken off the score of an article for customers past a number of days when the question
# states an age within it: more than any article's score, so it drops below every article the
# question does not rule out, yet stays in the list.
TOO_EARLY_PENALTY = 3.0
# Taken off an article of one special case (front matter `only_when`) for a question that does
# not name it: as much, for the same reason.
CASE_NOT_NAMED_PENALTY = TOO_EARLY_PENALTY


@dataclass(frozen=True)
class FusionConfig:
    kind: Literal["weighted", "rrf"] = "weighted"
    dense_weight: float = 0.7  # weighted: share of the dense cosine against normalised BM25
    rrf_k: int = 60
    # An article also gains a little from its 2nd and 3rd best passages: evidence spread
    # over a whole article beats one lucky sentence.
    support_weight: float = 0.15
    # Weight of the article classifier's probability (knowledge/index/classifier.py).
    classifier_weight: float = 0.0
    # Weight of the scores of the message's first question (knowledge/index/focus.py) when it
    # asks several or tells a story first.
    focus_weight: float = 0.0
    # A question naming a place: added to an article whose title names its region, taken off
    # one whose title names only others (knowledge/index/quantity.py).
    region_weight: float = 0.15
    # A question asking for a quantity (a price, days, a time, a weight): taken off an article
    # none of whose sections states one; within an article, added to the sections that state
    # it, and to those naming the question's region.
    quantity_weight: float = 0.1
    # Added to an article's lead (its opening paragraph) when choosing the passage to show: the
    # lead states the article's main facts, so a general question ("returns?", "how much for free
    # shipping?") is better answered by it than by the section that shares one more word with it;
    # a section still wins when it fits clearly better (decision 0285).
    lead_weight: float = 0.05


@dataclass(frozen=True)
class Hit:
    passage: Passage  # the article's section to show: its best-matching one, or its lead
    score: float  # the article's fused score: its best passage or customer phrasing
    dense: float  # best cosine similarity of the query to any of the article's passages
    bm25: float  # best raw BM25 score among the article's passages
    classifier: float  # the article classifier's probability for the article
    # The best-matching section itself, before the lead's preference: which part of the article
    # the question is about (an article gives some of its sections to a person, knowledge/articles.py).
    section: Passage


@dataclass(frozen=True)
class Ranking:
    hits: list[Hit]
    out_of_scope: float  # the classifier's probability that no article answers the query
    unknown_words: float  # share of the query's words the help centre never uses
    # Cosine similarity to the nearest request no article answers (knowledge/negatives): how
    # like a known "not ours" the query is, which the classifier's one probability blurs.
    nearest_unanswerable: float = 0.0
    # The domain classifier's probability that the query is not about the shop at all
    # (knowledge/index/domain.py); 0 without one.
    off_domain: float = 0.0


class HybridIndex:
    def __init__(
        self, articles: list[Article], encoder: Encoder, vectors: np.ndarray, fusion: FusionConfig = FusionConfig(),
        negatives: np.ndarray | None = None, off_domain: np.ndarray | None = None,
        domain_only: np.ndarray | None = None,
    ) -> None:
        """`negatives`: embeddings of shop requests no article answers; `off_domain`: of requests
        of other domains. With either (even an empty array) an article classifier is fitted
        beside the two scorers, both as its "none of ours"; with both, a domain classifier too.
        `domain_only`: more requests of other domains, for the domain classifier alone
        (knowledge/negatives/domain): its other side is `off_domain` and these."""
        self.articles = {a.id: a for a in articles}
        self.passages: list[Passage] = [p for a in articles for p in a.passages]
        if vectors.shape[0] != len(self.passages):
            raise ValueError("one vector per passage is needed")
        self.encoder = encoder
        self.vectors = vectors
        self.lexical = LexicalIndex(self.passages)
        self.spelling = SpellingCorrector(
            (f"{p.title} {p.heading} {p.text} {' '.join(p.tags)}" for p in self.passages if p.kind == "section"),
            encoder.known_words(), (p.text for p in self.passages if p.kind == "question"), everyday_words(),
        )
        self.fusion = fusion
        self.other_shops = OtherShops.load()
        article_ids = list(self.articles)
        position = {aid: i for i, aid in enumerate(article_ids)}
        self._article_ids = article_ids
        self._owner = np.array([position[p.article_id] for p in self.passages])
        self._members = [np.flatnonzero(self._owner == i) for i in range(len(article_ids))]
        width = max(len(m) for m in self._members)
        # Article x passage matrix of passage positions, padded with a sentinel position.
        self._grid = np.full((len(article_ids), width), len(self.passages))
        for i, members in enumerate(self._members):
            self._grid[i, : len(members)] = members
        self._sections = [m[[self.passages[j].kind == "section" for j in m]] for m in self._members]
        self._lead = np.array([p.lead for p in self.passages], dtype=float)
        self._applies_after = np.array([self.articles[aid].applies_after_days or 0 for aid in article_ids])
        # Where a ruled-out article sends the customer: its `within_see` article's position, or -1.
        self._within_see = np.array([position.get(self.articles[aid].within_see or "", -1) for aid in article_ids])
        # Each special case's article and the words that name its case (`only_when`).
        self._cases = [(position[aid], _names_of_case(self.articles[aid].only_when))
                       for aid in article_ids if self.articles[aid].only_when]
        parts = [x for x in (off_domain, negatives) if x is not None and len(x)]
        unanswered = np.vstack(parts) if parts else (np.zeros((0, vectors.shape[1])) if negatives is not None
                                                     or off_domain is not None else None)
        # Which regions each article's title and each section names, and which quantities each
        # section states: one column per region or kind, read by _fit.
        self._article_regions = np.array([[r in regions_in(self.articles[aid].title) for r in REGIONS]
                                          for aid in article_ids], dtype=bool).reshape(len(article_ids), len(REGIONS))
        sections = [p.kind == "section" for p in self.passages]
        self._passage_regions = np.array(
            [[is_section and r in regions_in(f"{p.heading} {p.text}") for r in REGIONS]
             for p, is_section in zip(self.passages, sections, strict=True)], dtype=bool,
        ).reshape(len(self.passages), len(REGIONS))
        # The regions of the places each customer phrasing names ("I live in Germany, is there a
        # charge for returns?"), read by _phrasings_elsewhere.
        self._phrasing_regions = np.array(
            [[not is_section and r in regions_named(p.text) for r in REGIONS]
             for p, is_section in zip(self.passages, sections, strict=True)], dtype=bool,
        ).reshape(len(self.passages), len(REGIONS))
        self._carries = np.array([[is_section and carries(p.text, kind) for kind in KINDS]
                                  for p, is_section in zip(self.passages, sections, strict=True)], dtype=bool,
                                 ).reshape(len(self.passages), len(KINDS))
        # An article's sections state each kind (padded rows of _grid read the sentinel: False).
        padded = np.vstack([self._carries, np.zeros((1, len(KINDS)), dtype=bool)])
        self._article_carries = padded[self._grid].any(axis=1)
        self.classifier = (
            ArticleClassifier(article_ids, vectors, self._owner, unanswered) if unanswered is not None else None
        )
        self._negatives = unanswered if unanswered is not None and len(unanswered) else None
        self.domain = self._domain_classifier(negatives, off_domain, domain_only)

    def _domain_classifier(self, negatives: np.ndarray | None, off_domain: np.ndarray | None,
                           domain_only: np.ndarray | None) -> DomainClassifier | None:
        if off_domain is None or not len(off_domain):
            return None
        # Misspelt copies of the customer phrasings, put through the spelling correction a query
        # goes through: encoded here (a second or two), as they depend on the index's vocabulary.
        phrasings = [p.text for p in self.passages if p.kind == "question"]
        typed = misspelt_phrasings(phrasings, self.spelling.correct)
        shop = [self.vectors, *([negatives] if negatives is not None and len(negatives) else []),
                *([self.encoder.encode(typed)] if typed else [])]
        elsewhere = [x for x in (off_domain, domain_only) if x is not None and len(x)]
        return DomainClassifier(np.vstack(shop), np.vstack(elsewhere))

    def _fuse(self, dense: np.ndarray, bm25: np.ndarray, method: Method) -> np.ndarray:
        if method == "dense":
            return dense
        if method == "bm25":
            return bm25
        if self.fusion.kind == "rrf":
            return _rrf(dense, self.fusion.rrf_k) + _rrf(bm25, self.fusion.rrf_k)
        top = float(bm25.max())
        lexical = bm25 / top if top > 0 else bm25
        return self.fusion.dense_weight * dense + (1 - self.fusion.dense_weight) * lexical

    def rank(self, query: str, k: int = 5, method: Method = "hybrid") -> list[Hit]:
        return self.search(query, k, method).hits

    def search(self, query: str, k: int = 5, method: Method = "hybrid") -> Ranking:
        # Read before spelling: the correction knows the help centre's words, not other shops'
        # names ("Nike's" would become "nice's").
        elsewhere = asks_for_writing(query) or self.other_shops.asked_about(query)
        query = self.spelling.correct(query)
        focused = focus(query) if method == "hybrid" and self.fusion.focus_weight > 0 else None
        # Searched with its places as their regions; judged as written (whether it is about the
        # shop at all, how near a known unanswerable request it is): "How fast is express to the
        # US?" looked less like a shop question to the domain classifier than "... to Chicago?".
        written = query
        if method == "hybrid":
            query, focused = places_as_regions(query), places_as_regions(focused) if focused else None
        searched = [query, *([focused] if focused else [])]
        # All texts in one call to the encoder; each is memoised on its own.
        vectors = self.encoder.encode_queries([*searched, *([written] if written != query else [])])
        as_written = vectors[-1] if written != query else vectors[0]
        # One product for every text, the one as written included: it is bound by reading the
        # passage vectors from memory (40 MB at 1,000 articles), which it then does once.
        dense = self.vectors @ vectors.T
        ignored = self._phrasings_elsewhere(query) if method == "hybrid" else None
        scores = self._score(query, vectors[0], dense[:, 0], method, ignored)
        ranked = scores.ranked
        if focused:
            ranked = ranked + self.fusion.focus_weight * self._score(focused, vectors[1], dense[:, 1], method,
                                                                     ignored).ranked
        fit = self._fit(query) if method == "hybrid" else None
        if method == "hybrid":
            ranked = self._rule_out_too_early(query, ranked)
            ranked = self._rule_out_cases_not_named(query, ranked)
        if fit is not None:
            ranked = ranked + fit[0]
        order = np.argsort(-ranked)[:k]
        # What the decision models read of each hit (its passages' nearness in meaning and words,
        # the article classifier's view) is of the text as written, as whether the question is
        # about the shop: searched as "... in the EU?", "What's the weather like in Lisbon?"
        # looked answerable enough to be given an article.
        judged = scores if written == query else self._score(written, as_written, dense[:, -1], method)
        hits = []
        fused = scores.fused if fit is None else scores.fused + fit[1]
        preferred = fused + self.fusion.lead_weight * self._lead if method == "hybrid" else fused
        for article_index in order:
            members, sections = self._members[article_index], self._sections[article_index]
            candidates = sections if len(sections) else members
            matched = candidates[np.argmax(fused[candidates])]
            shown = candidates[np.argmax(preferred[candidates])]
            hits.append(
                Hit(
                    self.passages[shown],
                    float(ranked[article_index]),
                    float(judged.dense[members].max()),
                    float(judged.bm25[members].max()),
                    float(judged.probabilities[article_index]),
                    self.passages[matched],
                )
            )
        nearest = float((self._negatives @ as_written).max()) if self._negatives is not None else 0.0
        off_domain = self.domain.off_domain(as_written) if self.domain is not None else 0.0
        if elsewhere:
            off_domain = 1.0
        return Ranking(hits, judged.out_of_scope, self.lexical.unknown_share(written), nearest, off_domain)

    def _fit(self, query: str) -> tuple[np.ndarray, np.ndarray] | None:
        """What the place and the quantity a question asks for add to each article's score and
        to each passage's (for the passage shown); None when it asks for neither."""
        places, kinds = regions_named(query), quantities_asked(query)
        if not places and not kinds:
            return None
        asked = np.array([kind in kinds for kind in KINDS], dtype=bool)
        named = np.array([region in places for region in REGIONS], dtype=bool)
        by_passage = self.fusion.quantity_weight * self._carries[:, asked].any(axis=1)
        by_article = -self.fusion.quantity_weight * (asked.any() & ~self._article_carries[:, asked].any(axis=1))
        if places:
            # +1 where the text names the question's region, -1 where it names only others, 0 for none.
            def sign(regions: np.ndarray) -> np.ndarray:
                return np.where(regions[:, named].any(axis=1), 1.0, np.where(regions.any(axis=1), -1.0, 0.0))

            by_passage = by_passage + self.fusion.quantity_weight * sign(self._passage_regions)
            by_article = by_article + self.fusion.region_weight * sign(self._article_regions)
        return by_article.astype(float), by_passage.astype(float)

    def _phrasings_elsewhere(self, query: str) -> np.ndarray | None:
        """The customer phrasings that name only places of other regions than the question does,
        None when it names none. Such a phrasing does not speak for its article: "Is there a
        charge for returns if I live in Quebec?" is worded like "I live in Germany and want to
        send a jacket back. Is there a charge for that?", and the UK and EU article it belongs to
        outscored the one with Canada's free labels, the title's region notwithstanding."""
        places = regions_named(query)
        if not places:
            return None
        named = np.array([region in places for region in REGIONS], dtype=bool)
        return self._phrasing_regions.any(axis=1) & ~self._phrasing_regions[:, named].any(axis=1)

    def _rule_out_too_early(self, query: str, ranked: np.ndarray) -> np.ndarray:
        """Articles for customers past N days drop down when the question states an age within
        N, and the article they name for those within N takes the score they had, if higher."""
        days = stated_days(query)
        if days is None:
            return ranked
        too_early = np.flatnonzero((self._applies_after > 0) & (days <= self._applies_after))
        if not len(too_early):
            return ranked
        ranked = ranked.copy()
        for article in too_early:
            instead = self._within_see[article]
            if instead >= 0:
                ranked[instead] = max(ranked[instead], ranked[article])
            ranked[article] -= TOO_EARLY_PENALTY
        return ranked

    def _rule_out_cases_not_named(self, query: str, ranked: np.ndarray) -> np.ndarray:
        """An article of one special case drops down when the question does not name its case:
        "What's the refund method for a card payment?" is not about gift cards."""
        unnamed = [article for article, names in self._cases if not names.search(query)]
        if not unnamed:
            return ranked
        ranked = ranked.copy()
        ranked[unnamed] -= CASE_NOT_NAMED_PENALTY
        return ranked

    def _score(self, words: str, query_vector: np.ndarray, dense: np.ndarray, method: Method,
               ignored: np.ndarray | None = None) -> _Scores:
        """`words`: the text the lexical search reads; `ignored`: passages left out of their
        article's score (they are never shown)."""
        bm25 = self.lexical.scores(words)
        fused = self._fuse(dense, bm25, method)
        counted = fused if ignored is None else np.where(ignored, -np.inf, fused)
        padded = np.append(counted, -np.inf)[self._grid]
        top3 = -np.sort(-padded, axis=1)[:, :3]
        best = top3[:, 0]
        support = np.where(np.isfinite(top3[:, 1:]), top3[:, 1:], 0.0).mean(axis=1) if top3.shape[1] > 1 else 0.0
        ranked = best + self.fusion.support_weight * support
        if self.classifier is not None:
            probabilities, out_of_scope = self.classifier.probabilities(query_vector)
            if method == "hybrid":
                ranked = ranked + self.fusion.classifier_weight * probabilities
        else:
            probabilities, out_of_scope = np.zeros(len(self._article_ids)), 0.0
        return _Scores(ranked, fused, dense, bm25, probabilities, out_of_scope)


@dataclass(frozen=True)
class _Scores:
    """One text's scores: per article (ranked, probabilities) and per passage (fused, dense, bm25)."""

    ranked: np.ndarray
    fused: np.ndarray
    dense: np.ndarray
    bm25: np.ndarray
    probabilities: np.ndarray
    out_of_scope: float


def _names_of_case(words: tuple[str, ...]) -> re.Pattern[str]:
    """Any of `words` at a word's start, case aside; a space in one also matches a hyphen or
    nothing ("po box": "PO-box", "pobox")."""
    alternatives = "|".join(re.escape(word).replace(r"\ ", r"[\s-]*") for word in words)
    return re.compile(rf"\b(?:{alternatives})", re.IGNORECASE)


def _rrf(scores: np.ndarray, k: int) -> np.ndarray:
    ranks = np.empty(len(scores))
    ranks[np.argsort(-scores)] = np.arange(1, len(scores) + 1)
    return 1.0 / (k + ranks)
