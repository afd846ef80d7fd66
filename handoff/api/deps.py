"""Typed dependencies the routes declare: settings, Redis, the live stores, the services, and
the agent the request's token names."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, HTTPException, Request, status
from redis.asyncio import Redis

from handoff.auth.accounts import Accounts
from handoff.auth.tokens import TokenClaims, TokenError
from handoff.conversations.store import ConversationStore
from handoff.escalations.service import EscalationService
from handoff.realtime.presence import Presence
from handoff.services import Services
from handoff.settings import HandoffSettings, get_settings
from handoff.store import Agent
from handoff.stream.consumer import StreamConsumer


def get_services(request: Request) -> Services:
    return request.app.state.services


def get_redis(request: Request) -> Redis:
    return request.app.state.services.redis


def get_consumer(request: Request) -> StreamConsumer:
    return request.app.state.services.consumer


def get_conversations(request: Request) -> ConversationStore:
    return request.app.state.services.conversations


def get_escalations(request: Request) -> EscalationService:
    return request.app.state.services.escalations


def get_accounts(request: Request) -> Accounts:
    return request.app.state.services.accounts


def get_presence(request: Request) -> Presence:
    return request.app.state.services.presence


def bearer_token(authorization: str) -> str:
    scheme, _, token = authorization.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


@dataclass(frozen=True)
class SignedIn:
    agent: Agent
    claims: TokenClaims


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(status.HTTP_401_UNAUTHORIZED, detail, {"WWW-Authenticate": "Bearer"})


async def session_for_token(services: Services, token: str) -> SignedIn:
    """The agent a token names and its claims; 401 when it is missing, forged, expired, signed
    out, issued before a password change, or the account is gone."""
    try:
        claims = services.tokens.read(token)
    except TokenError as error:
        raise _unauthorized(str(error)) from error
    current = await services.accounts.current(claims.username)
    if current is None:
        raise _unauthorized(f"the account {claims.username!r} no longer exists")
    agent, stamp = current
    if not hmac.compare_digest(stamp, claims.stamp):
        raise _unauthorized("the password of this account changed after the token was issued: log in again")
    if await services.accounts.is_revoked(claims):
        raise _unauthorized("this token was signed out: log in again")
    return SignedIn(agent, claims)


async def agent_for_token(services: Services, token: str) -> Agent:
    return (await session_for_token(services, token)).agent


async def current_session(request: Request, authorization: Annotated[str, Header()] = "") -> SignedIn:
    return await session_for_token(get_services(request), bearer_token(authorization))


async def current_agent(signed_in: Annotated[SignedIn, Depends(current_session)]) -> Agent:
    return signed_in.agent


SettingsDep = Annotated[HandoffSettings, Depends(get_settings)]
ServicesDep = Annotated[Services, Depends(get_services)]
RedisDep = Annotated[Redis, Depends(get_redis)]
ConsumerDep = Annotated[StreamConsumer, Depends(get_consumer)]
ConversationsDep = Annotated[ConversationStore, Depends(get_conversations)]
EscalationsDep = Annotated[EscalationService, Depends(get_escalations)]
AccountsDep = Annotated[Accounts, Depends(get_accounts)]
PresenceDep = Annotated[Presence, Depends(get_presence)]
AgentDep = Annotated[Agent, Depends(current_agent)]
SignedInDep = Annotated[SignedIn, Depends(current_session)]
