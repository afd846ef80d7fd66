"""GET /health: the index being served."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from knowledge.api.deps import KnowledgeBaseDep

router = APIRouter(tags=["health"])


@router.get("/health")
def health(knowledge_base: KnowledgeBaseDep) -> dict[str, Any]:
    snapshot = knowledge_base.snapshot
    return {
        "service": "knowledge",
        "status": "ok",
        "articles": len(snapshot.articles),
        "passages": len(snapshot.index.passages),
        "version": snapshot.version,
        "model": knowledge_base.encoder.name,
        "built_at": snapshot.built_at,
    }
