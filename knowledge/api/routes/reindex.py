"""POST /reindex: rebuild the index from the article files (admin token required)."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, status
from starlette.concurrency import run_in_threadpool

from knowledge.api.deps import AdminDep, KnowledgeBaseDep
from knowledge.api.schemas import ReindexResponse
from knowledge.articles import ArticleError

router = APIRouter(tags=["admin"])


@router.post("/reindex", response_model=ReindexResponse)
async def reindex(_admin: AdminDep, knowledge_base: KnowledgeBaseDep) -> ReindexResponse:
    try:
        snapshot, changed = await run_in_threadpool(knowledge_base.reindex)
    except ArticleError as error:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            {"error": str(error), "file": error.path.name, "line": error.line,
             "serving": knowledge_base.snapshot.version},
        ) from error
    return ReindexResponse(
        changed=changed, version=snapshot.version, articles=len(snapshot.articles),
        passages=len(snapshot.index.passages),
    )
