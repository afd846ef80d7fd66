"""The knowledge service's search (GET /search), as the engine asks it for help-centre articles
that match the customer's goal, for the context packet."""

from __future__ import annotations

from typing import Any

import httpx


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

