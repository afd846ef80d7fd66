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
    handled_by: str = Field(description="bot, or person: a person on the support team handles (some of) this")
    about: str = Field(description="shop, or chat: about the chat assistant or reaching the support team")
    person_case: str | None = Field(
        default=None, description="the hand-over reason when a customer reporting their own case of this passage's "
        "topic goes to a person at once (front matter person_case); null when the bot answers such a report")


class SearchResponse(BaseModel):
    query: str
    outcome: Outcome
    confidence: float = Field(description="probability that the first result answers the question")
    answerable: float = Field(description="probability that some article answers it; below the bar: no_match")
    off_domain: float = Field(description="probability that it is not about the shop; above the bar: off_domain")
    language: str = Field(default="en", description="the question's language as guessed (ISO 639-1: en, de, fr, es, "
                          "it, nl, pt, pl); the help centre is English, so a question in another one it cannot "
                          "answer is not declined as off the shop's domain by the bot")
    results: list[SearchResult]


class ArticleSummary(BaseModel):
    id: str
    title: str
    category: str
    tags: list[str]
    updated: str
    url: str
    handled_by: str
    about: str


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


class HelpVote(BaseModel):
    seq: int = Field(description="increases with every vote; a changed vote gets a new one")
    visitor: str
    article_id: str
    helpful: bool
    at: float = Field(description="Unix time of the vote")
