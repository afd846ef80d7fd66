"""The shapes the knowledge service answers with."""

from __future__ import annotations

from pydantic import BaseModel, Field

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
    confidence: float = Field(description="probability that the first result answers the question")
    answerable: float = Field(description="probability that some article answers it; below the bar: no_match")
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
