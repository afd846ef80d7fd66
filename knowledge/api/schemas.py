"""The shapes the knowledge service answers with."""

from __future__ import annotations

from pydantic import BaseModel

from knowledge.index.decision import Outcome


class SearchResult(BaseModel):
    article_id: str
    title: str
    url: str
    passage_id: str
    heading: str
    text: str
    score: float
    dense: float
    bm25: float


class SearchResponse(BaseModel):
    query: str
    outcome: Outcome
    confidence: float
    results: list[SearchResult]


class ArticleSummary(BaseModel):
    id: str
    title: str
    category: str
    tags: list[str]
    updated: str
    url: str


class Section(BaseModel):
    heading: str
    text: str


class ArticleDetail(ArticleSummary):
    body: str
    sections: list[Section]


class ReindexResponse(BaseModel):
    changed: bool
    version: str
    articles: int
    passages: int
