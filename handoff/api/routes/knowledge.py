"""What helps an agent answer: canned responses, and the help centre's search (the knowledge
service's GET /search, passed through so the console needs one origin and one login)."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

import httpx
from fastapi import APIRouter, Query

from handoff.api.deps import AgentDep, SettingsDep
from handoff.errors import HandoffError, Invalid, Upstream

router = APIRouter(tags=["knowledge"])
CANNED = Path(__file__).resolve().parents[2] / "canned_responses.json"


@lru_cache
def canned_responses() -> list[dict[str, Any]]:
    return json.loads(CANNED.read_text())


@router.get("/canned-responses")
async def list_canned(agent: AgentDep) -> list[dict[str, Any]]:
    return canned_responses()


@router.get("/knowledge/search")
async def search(
    agent: AgentDep, settings: SettingsDep,
    q: Annotated[str, Query(max_length=500, description="what to look for")] = "",
    k: Annotated[int, Query(ge=1, le=20)] = 5,
) -> dict[str, Any]:
    if not q.strip():
        raise Invalid("the query is empty: pass what to look for as ?q=")
    try:
        async with httpx.AsyncClient(timeout=10) as client:
            response = await client.get(f"{settings.knowledge_url.rstrip('/')}/search", params={"q": q, "k": k})
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
