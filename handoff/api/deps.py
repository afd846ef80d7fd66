"""Typed dependencies the routes declare: settings, Redis, the live stores, the services, and
the agent the request's token names."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, HTTPException, Request, status
from redis.asyncio import Redis

from handoff.auth.accounts import Accounts
from handoff.auth.tokens import TokenError
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


async def agent_for_token(services: Services, token: str) -> Agent:
    """The agent a token names; 401 when it is missing, forged, expired, or the account is gone."""
    try:
        username = services.tokens.username(token)
    except TokenError as error:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, str(error), {"WWW-Authenticate": "Bearer"}) from error
    agent = await services.accounts.get(username)
    if agent is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, f"the account {username!r} no longer exists",
                            {"WWW-Authenticate": "Bearer"})
    return agent


async def current_agent(request: Request, authorization: Annotated[str, Header()] = "") -> Agent:
    return await agent_for_token(get_services(request), bearer_token(authorization))


SettingsDep = Annotated[HandoffSettings, Depends(get_settings)]
ServicesDep = Annotated[Services, Depends(get_services)]
RedisDep = Annotated[Redis, Depends(get_redis)]
ConsumerDep = Annotated[StreamConsumer, Depends(get_consumer)]
ConversationsDep = Annotated[ConversationStore, Depends(get_conversations)]
EscalationsDep = Annotated[EscalationService, Depends(get_escalations)]
AccountsDep = Annotated[Accounts, Depends(get_accounts)]
PresenceDep = Annotated[Presence, Depends(get_presence)]
AgentDep = Annotated[Agent, Depends(current_agent)]
