"""POST /auth/login: username and password for a token that expires; repeated failures lock
that username for that client, and the client's address, for a while (auth/throttle.py). POST /auth/logout signs
the token out before it expires."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request, status

from handoff.api.deps import ServicesDep, SignedInDep
from handoff.api.schemas import LoginRequest

router = APIRouter(tags=["auth"])


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@router.post("/auth/login")
async def login(body: LoginRequest, request: Request, services: ServicesDep) -> dict[str, Any]:
    address = client_address(request)
    if lock := await services.login_throttle.lock(body.username, address):
        # Refused before the password is checked: guessing on goes nowhere while locked.
        raise HTTPException(status.HTTP_429_TOO_MANY_REQUESTS, lock.detail, {"Retry-After": str(lock.retry_after)})
    signed_in = await services.accounts.sign_in(body.username, body.password)
    if signed_in is None:
        await services.login_throttle.failed(body.username, address)
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "wrong username or password")
    agent, stamp = signed_in
    await services.login_throttle.succeeded(body.username, address)
    issued = services.tokens.issue(agent.username, agent.role, stamp)
    return {
        "access_token": issued.token,
        "token_type": "bearer",
        "expires_at": issued.expires_at,
        "agent": {**agent.public(), "status": await services.presence.status(agent.username)},
    }


@router.post("/auth/logout", status_code=status.HTTP_204_NO_CONTENT)
async def logout(signed_in: SignedInDep, services: ServicesDep) -> None:
    """This token stops working now (open consoles with it are closed within seconds)."""
    await services.accounts.revoke(signed_in.claims)
