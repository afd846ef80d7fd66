"""GET /articles and GET /articles/{id}: the help centre as it is indexed now."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, status

from knowledge.api.deps import KnowledgeBaseDep
from knowledge.api.schemas import ArticleDetail, ArticleSummary, Section
from knowledge.articles import Article

router = APIRouter(tags=["articles"])


def _summary(article: Article) -> dict:
    return {
        "id": article.id, "title": article.title, "category": article.category,
        "tags": list(article.tags), "updated": article.updated, "url": article.url,
    }


@router.get("/articles", response_model=list[ArticleSummary])
def list_articles(knowledge_base: KnowledgeBaseDep, category: str | None = None) -> list[ArticleSummary]:
    articles = knowledge_base.snapshot.articles.values()
    return [ArticleSummary(**_summary(a)) for a in articles if category in (None, a.category)]


@router.get("/articles/{article_id}", response_model=ArticleDetail)
def get_article(article_id: str, knowledge_base: KnowledgeBaseDep) -> ArticleDetail:
    article = knowledge_base.snapshot.articles.get(article_id)
    if article is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no article with id '{article_id}'")
    sections = [Section(heading=p.heading, text=p.text) for p in article.passages if p.kind == "section"]
    return ArticleDetail(**_summary(article), body=article.body, sections=sections)
