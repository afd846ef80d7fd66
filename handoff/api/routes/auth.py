"""POST /auth/login: username and password for a token that expires."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, status

from handoff.api.deps import ServicesDep
from handoff.api.schemas import LoginRequest

router = APIRouter(tags=["auth"])


@router.post("/auth/login")
async def login(body: LoginRequest, services: ServicesDep) -> dict[str, Any]:
    agent = await services.accounts.authenticate(body.username, body.password)
    if agent is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "wrong username or password")
    issued = services.tokens.issue(agent.username, agent.role)
    return {
        "access_token": issued.token,
        "token_type": "bearer",
        "expires_at": issued.expires_at,
        "agent": {**agent.public(), "status": await services.presence.status(agent.username)},
    }
