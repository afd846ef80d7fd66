"""Typed dependencies the routes declare: settings, Redis, the live stores, the services, and
the agent the request's token names."""

from __future__ import annotations

import hmac
import math
import time
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, HTTPException, Query, Request, status
from redis.asyncio import Redis

from handoff.auth.access import ensure_admin, report_teams
from handoff.auth.accounts import Accounts
from handoff.auth.tokens import TokenClaims, TokenError
from handoff.conversations.store import ConversationStore
from handoff.customers.directory import CustomerDirectory
from handoff.errors import Invalid
from handoff.escalations.service import EscalationService
from handoff.insight.period import Period
from handoff.realtime.presence import Presence
from handoff.services import Services
from handoff.settings import HandoffSettings
from handoff.store import Agent
from handoff.store.records import TEAMS
from handoff.stream.consumer import StreamConsumer


def get_services(request: Request) -> Services:
    return request.app.state.services


def get_app_settings(request: Request) -> HandoffSettings:
    """The settings this app was created with (create_app's), not a fresh read of the environment."""
    return request.app.state.services.settings


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


def get_customers(request: Request) -> CustomerDirectory:
    customers = request.app.state.services.customers
    if customers is None:  # Services.start sets it before the app serves a request
        raise RuntimeError("the customer directory has not started")
    return customers


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
    out, issued before a password change, or the account deactivated."""
    try:
        claims = services.tokens.read(token)
    except TokenError as error:
        raise _unauthorized(str(error)) from error
    current = await services.accounts.current(claims.username)
    if current is None:
        raise _unauthorized(f"the account {claims.username!r} was deactivated: an admin can reactivate it")
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


async def current_admin(agent: Annotated[Agent, Depends(current_agent)]) -> Agent:
    """The signed-in agent if an admin; 403 otherwise, before the request's body is looked at."""
    ensure_admin(agent)
    return agent


SettingsDep = Annotated[HandoffSettings, Depends(get_app_settings)]
ServicesDep = Annotated[Services, Depends(get_services)]
RedisDep = Annotated[Redis, Depends(get_redis)]
ConsumerDep = Annotated[StreamConsumer, Depends(get_consumer)]
ConversationsDep = Annotated[ConversationStore, Depends(get_conversations)]
EscalationsDep = Annotated[EscalationService, Depends(get_escalations)]
AccountsDep = Annotated[Accounts, Depends(get_accounts)]
PresenceDep = Annotated[Presence, Depends(get_presence)]
CustomersDep = Annotated[CustomerDirectory, Depends(get_customers)]
AgentDep = Annotated[Agent, Depends(current_agent)]
SignedInDep = Annotated[SignedIn, Depends(current_session)]
AdminDep = Annotated[Agent, Depends(current_admin)]


# ---- the reports' period (issue 22): the dates, the team and channel, and what the caller may see
MAX_REPORT_DAYS = 366


async def report_period(
    agent: AgentDep,
    since: Annotated[float | None, Query(description="Unix time; default: 30 days before `until`")] = None,
    until: Annotated[float | None, Query(description="Unix time, exclusive; default: now")] = None,
    team: Annotated[str | None, Query(description="one team; default: all the caller may see")] = None,
    channel: Annotated[str | None, Query(max_length=64)] = None,
) -> Period:
    """Admins see every team; a team lead the teams they lead; a plain agent is refused (0236)."""
    end = until if until is not None else time.time()
    start = since if since is not None else end - 30 * 86_400
    if not (math.isfinite(start) and math.isfinite(end)) or not start < end or end - start > MAX_REPORT_DAYS * 86_400:
        raise Invalid(f"the period must run forwards and span at most {MAX_REPORT_DAYS} days")
    if team is not None and team not in TEAMS:
        raise Invalid(f"unknown team {team!r}; teams are {', '.join(TEAMS)}")
    return Period(since=start, until=end, teams=report_teams(agent, team), channel=channel or None)


PeriodDep = Annotated[Period, Depends(report_period)]
