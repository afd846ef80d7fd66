"""GET /search: ranked passages and what the bot should do with them."""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request, status

from knowledge.api.deps import KnowledgeBaseDep, SettingsDep
from knowledge.api.schemas import SearchResponse, SearchResult
from knowledge.help.links import article_link
from knowledge.index.language import language_of

router = APIRouter(tags=["search"])
_SPACES = re.compile(r"\s+")


def clean_query(raw: str) -> str:
    """Drop control and other invisible characters (binary junk, zero-width spaces)."""
    kept = "".join(ch if unicodedata.category(ch)[0] not in "C" else " " for ch in raw)
    return _SPACES.sub(" ", kept).strip()


@router.get("/search", response_model=SearchResponse)
def search(
    request: Request,
    knowledge_base: KnowledgeBaseDep,
    settings: SettingsDep,
    q: Annotated[str, Query(description="the customer's question")] = "",
    k: Annotated[int, Query(ge=1, le=20, description="how many articles to return")] = 3,
) -> SearchResponse:
    if len(q) > settings.max_query_chars:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            f"the query is {len(q)} characters long; at most {settings.max_query_chars} are accepted",
        )
    query = clean_query(q)
    if not query:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "the query is empty: pass the question as ?q=")
    answer = knowledge_base.search(query, k)
    return SearchResponse(
        query=query,
        outcome=answer.outcome,
        confidence=round(answer.confidence, 4),
        answerable=round(answer.answerable, 4),
        off_domain=round(answer.off_domain, 4),
        language=language_of(query),
        results=[
            SearchResult(
                article_id=hit.passage.article_id, title=hit.passage.title,
                url=article_link(settings, request, hit.passage.article_id),
                passage_id=hit.passage.id, heading=hit.passage.heading, text=hit.passage.text,
                score=round(hit.score, 4), dense=round(hit.dense, 4), bm25=round(hit.bm25, 4),
                handled_by=article.handled_by, about=article.about,
                # A matched question phrasing belongs to no section: only a whole-article case counts.
                person_case=article.person_case(hit.section.heading if hit.section.kind == "section" else ""),
            )
            for hit, article in zip(answer.hits, answer.articles, strict=True)
        ],
    )
