"""What helps an agent answer: the help centre's search (the knowledge service's GET /search,
passed through so the console needs one origin and one login). Canned replies: canned_replies.py."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from handoff.api.deps import AgentDep, SettingsDep
from handoff.clients.knowledge import search_articles
from handoff.errors import Invalid

router = APIRouter(tags=["knowledge"])
@router.get("/knowledge/search")
async def search(
    agent: AgentDep, settings: SettingsDep,
    q: Annotated[str, Query(max_length=500, description="what to look for")] = "",
    k: Annotated[int, Query(ge=1, le=20)] = 5,
) -> dict[str, Any]:
    if not q.strip():
        raise Invalid("the query is empty: pass what to look for as ?q=")
    return await search_articles(settings.knowledge_url, q, k)
