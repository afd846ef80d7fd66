"""Typed dependencies the routes declare: settings, the knowledge base, the admin check."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import Depends, Header, HTTPException, Request, status

from knowledge.base import KnowledgeBase
from knowledge.help.votes import VoteStore
from knowledge.settings import KnowledgeSettings, get_settings


def get_knowledge_base(request: Request) -> KnowledgeBase:
    return request.app.state.knowledge_base


def get_votes(request: Request) -> VoteStore:
    return request.app.state.votes


SettingsDep = Annotated[KnowledgeSettings, Depends(get_settings)]
KnowledgeBaseDep = Annotated[KnowledgeBase, Depends(get_knowledge_base)]
VotesDep = Annotated[VoteStore, Depends(get_votes)]


def require_admin(settings: SettingsDep, authorization: Annotated[str | None, Header()] = None) -> None:
    if not settings.admin_token:
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE, "reindexing over HTTP is disabled: set KNOWLEDGE_TOKEN"
        )
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not secrets.compare_digest(token.encode(), settings.admin_token.encode()):
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, "a valid 'Authorization: Bearer <token>' header is required",
            headers={"WWW-Authenticate": "Bearer"},
        )


AdminDep = Annotated[None, Depends(require_admin)]
