"""Where customers read an article: the one place every link this service gives out is made."""

from __future__ import annotations

from urllib.parse import quote

from starlette.requests import Request

from knowledge.settings import KnowledgeSettings


def help_base(settings: KnowledgeSettings, request: Request) -> str:
    """KNOWLEDGE_PUBLIC_URL, or this service's own /help on the address the request came to
    (the demo: the bot asks on 127.0.0.1 and the customer's browser runs on the same machine)."""
    if settings.public_url:
        return settings.public_url.rstrip("/")
    return f"{str(request.base_url).rstrip('/')}/help"


def article_link(settings: KnowledgeSettings, request: Request, article_id: str) -> str:
    return f"{help_base(settings, request)}/{quote(article_id, safe='')}"
