"""GET /votes: the help centre's "Was this helpful?" votes after a cursor, for the handoff
service's reporting events (admin token required: visitors' ids are pseudonymous but ours)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from knowledge.api.deps import AdminDep, VotesDep
from knowledge.api.schemas import HelpVote

router = APIRouter(tags=["admin"])


@router.get("/votes", response_model=list[HelpVote])
def list_votes(
    _admin: AdminDep, votes: VotesDep,
    after: Annotated[int, Query(ge=0, le=2**62, description="the last seq already read")] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 500,
) -> list[HelpVote]:
    return [HelpVote(seq=v.seq, visitor=v.visitor, article_id=v.article_id, helpful=v.helpful, at=v.at)
            for v in votes.after(after, limit)]
