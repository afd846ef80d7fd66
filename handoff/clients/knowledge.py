"""The knowledge service's search (GET /search): the articles the engine puts in the context
packet for the customer's goal, and the agents' own searches from the console."""

from __future__ import annotations

from typing import Any

import httpx

from handoff.errors import HandoffError, Upstream


class KnowledgeSuggestions:
    """Articles the knowledge service finds for the customer's goal (GET /search)."""

    def __init__(self, base_url: str, timeout: float = 5.0, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.transport = transport

    async def __call__(self, query: str, k: int = 3) -> list[dict[str, Any]]:
        async with httpx.AsyncClient(timeout=self.timeout, transport=self.transport) as client:
            response = await client.get(f"{self.base_url}/search", params={"q": query[:500], "k": k})
            response.raise_for_status()
            body = response.json()
        seen, articles = set(), []
        for hit in body.get("results") or []:
            if hit.get("article_id") in seen:
                continue
            seen.add(hit.get("article_id"))
            articles.append({key: hit.get(key) for key in ("article_id", "title", "url", "heading", "score")})
        return articles


async def search_articles(base_url: str, query: str, k: int) -> dict[str, Any]:
    """The service's answer as it is, for the console; its 4xx come back with their status and
    detail, anything else that fails as a 502 (Upstream)."""
    try:
        async with httpx.AsyncClient(timeout=10) as client:
            response = await client.get(f"{base_url.rstrip('/')}/search", params={"q": query, "k": k})
    except httpx.HTTPError as error:
        raise Upstream(f"the knowledge service could not be reached ({type(error).__name__}); try again") from error
    if 400 <= response.status_code < 500:
        error = HandoffError(_detail(response))
        error.status_code = response.status_code
        raise error
    if response.status_code >= 500:
        raise Upstream(f"the knowledge service failed ({response.status_code})")
    return response.json()


def _detail(response: httpx.Response) -> str:
    try:
        return str(response.json().get("detail"))
    except (ValueError, AttributeError):
        return response.text[:300]
