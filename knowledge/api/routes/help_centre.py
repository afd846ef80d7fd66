"""The help centre as pages: GET /help (topics, or results with ?q=), GET /help/{id} (an article),
POST /help/{id}/vote ("Was this helpful?"). Plain HTML forms: no script, no outside assets."""

from __future__ import annotations

import re
import secrets
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import parse_qs, quote

from fastapi import APIRouter, Cookie, HTTPException, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool

from knowledge.api.deps import KnowledgeBaseDep, SettingsDep, VotesDep
from knowledge.api.routes.search import clean_query
from knowledge.articles import Article
from knowledge.help.render import article_html
from knowledge.settings import KnowledgeSettings

router = APIRouter(tags=["help centre"], include_in_schema=False)
templates = Jinja2Templates(directory=Path(__file__).resolve().parents[2] / "help" / "templates")
VISITOR_COOKIE = "help_visitor"
_VISITOR = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
RESULTS = 8
FORM_BYTES = 256
# Pages carry only our own stylesheet and forms that post back here.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; form-action 'self'; "
                               "base-uri 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def _category_slug(name: str) -> str:
    return "topic-" + re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def _page(request: Request, settings: KnowledgeSettings, name: str, context: dict, code: int = 200) -> HTMLResponse:
    base = {"shop": settings.shop_name, "query": "", "max_query": settings.max_query_chars}
    response = templates.TemplateResponse(request, name, {**base, **context}, status_code=code)
    response.headers.update(SECURITY_HEADERS)
    return response


def _local(article_id: str) -> str:
    """Links between the pages stay on the host that serves them, whatever KNOWLEDGE_PUBLIC_URL
    says: that setting is for the links this service gives to the bot."""
    return f"/help/{quote(article_id, safe='')}"


def _categories(articles: list[Article]) -> list[dict]:
    by_name: dict[str, list[dict]] = {}
    for article in sorted(articles, key=lambda a: a.title.lower()):
        by_name.setdefault(article.category, []).append(
            {"title": article.title, "link": _local(article.id)}
        )
    return [{"name": name, "slug": _category_slug(name), "articles": by_name[name]} for name in sorted(by_name)]


@router.get("/help", response_class=HTMLResponse)
async def help_centre(
    request: Request, knowledge_base: KnowledgeBaseDep, settings: SettingsDep, q: str = "",
) -> HTMLResponse:
    if not q.strip():
        articles = list(knowledge_base.snapshot.articles.values())
        return _page(request, settings, "index.html", {"categories": _categories(articles)})
    query = clean_query(q[: settings.max_query_chars])
    if not query:
        return _page(request, settings, "index.html", {"query": q, "error": "Type a question to search."})
    answer = await run_in_threadpool(knowledge_base.search, query, RESULTS)
    results = [
        {"title": hit.passage.title, "heading": hit.passage.heading, "text": hit.passage.text,
         "link": _local(hit.passage.article_id)}
        for hit in answer.hits
    ]
    return _page(request, settings, "index.html",
                 {"query": query, "results": results, "no_match": answer.outcome == "no_match"})


def _article(knowledge_base: KnowledgeBaseDep, article_id: str) -> Article:
    article = knowledge_base.snapshot.articles.get(article_id)
    if article is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no article with id '{article_id}'")
    return article


@router.get("/help/{article_id}", response_class=HTMLResponse)
def help_article(
    request: Request, article_id: str, knowledge_base: KnowledgeBaseDep, settings: SettingsDep,
    voted: Literal["yes", "no"] | None = None,
) -> HTMLResponse:
    article = knowledge_base.snapshot.articles.get(article_id)
    if article is None:
        articles = list(knowledge_base.snapshot.articles.values())
        return _page(request, settings, "index.html",
                     {"notice": "That article doesn't exist (any more). Here is everything we have.",
                      "categories": _categories(articles)}, code=404)
    return _page(request, settings, "article.html", {
        "article": article, "body": Markup(article_html(article.body)),
        "category": {"name": article.category, "slug": _category_slug(article.category)},
        "voted": voted, "vote_action": f"/help/{quote(article.id, safe='')}/vote",
    })


async def _helpful(request: Request) -> Literal["yes", "no"]:
    """The form's one field, read from at most FORM_BYTES of body (the form is a few bytes; the
    services' environment has no multipart parser, and a URL-encoded form needs none)."""
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > FORM_BYTES:
            raise HTTPException(status.HTTP_413_CONTENT_TOO_LARGE, "the vote form is a few bytes")
    answer = parse_qs(body.decode("ascii", errors="replace")).get("helpful", [""])[-1]
    if answer not in ("yes", "no"):
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "helpful must be 'yes' or 'no'")
    return "yes" if answer == "yes" else "no"


@router.post("/help/{article_id}/vote")
async def vote(
    request: Request, article_id: str, knowledge_base: KnowledgeBaseDep, votes: VotesDep,
    visitor: Annotated[str | None, Cookie(alias=VISITOR_COOKIE)] = None,
) -> Response:
    article = _article(knowledge_base, article_id)
    helpful = await _helpful(request)
    # One vote per visitor and article: a second click changes the vote instead of adding one.
    if visitor is None or not _VISITOR.match(visitor):
        visitor = secrets.token_urlsafe(24)
    await run_in_threadpool(votes.record, visitor, article.id, helpful == "yes")
    response = RedirectResponse(f"{_local(article.id)}?voted={helpful}#vote", status.HTTP_303_SEE_OTHER)
    response.set_cookie(VISITOR_COOKIE, visitor, max_age=400 * 86400, httponly=True, samesite="lax",
                        secure=request.url.scheme == "https", path="/help")
    return response
