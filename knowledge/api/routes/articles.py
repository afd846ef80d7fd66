"""GET /articles and GET /articles/{id}: the help centre as it is indexed now."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request, status

from knowledge.api.deps import KnowledgeBaseDep, SettingsDep
from knowledge.api.schemas import ArticleDetail, ArticleSummary, Section
from knowledge.articles import Article
from knowledge.help.links import article_link

router = APIRouter(tags=["articles"])


def _summary(article: Article, url: str) -> dict:
    return {
        "id": article.id, "title": article.title, "category": article.category,
        "tags": list(article.tags), "updated": article.updated, "url": url,
        "handled_by": article.handled_by, "about": article.about,
    }


@router.get("/articles", response_model=list[ArticleSummary])
def list_articles(
    request: Request, knowledge_base: KnowledgeBaseDep, settings: SettingsDep, category: str | None = None,
) -> list[ArticleSummary]:
    articles = knowledge_base.snapshot.articles.values()
    return [ArticleSummary(**_summary(a, article_link(settings, request, a.id)))
            for a in articles if category in (None, a.category)]


@router.get("/articles/{article_id}", response_model=ArticleDetail)
def get_article(
    request: Request, article_id: str, knowledge_base: KnowledgeBaseDep, settings: SettingsDep,
) -> ArticleDetail:
    article = knowledge_base.snapshot.articles.get(article_id)
    if article is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no article with id '{article_id}'")
    sections = [Section(heading=p.heading, text=p.text) for p in article.passages if p.kind == "section"]
    summary = _summary(article, article_link(settings, request, article.id))
    return ArticleDetail(**summary, body=article.body, sections=sections)
