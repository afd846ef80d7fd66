"""Agents: who am I, my presence (online / away), my password, and the admin's list, new
accounts and removals."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, status

from handoff.api.deps import AgentDep, ServicesDep
from handoff.api.schemas import NewAgentRequest, PasswordChangeRequest, PresenceRequest
from handoff.auth.access import ensure_admin
from handoff.errors import Invalid
from handoff.services import Services
from handoff.store import Agent

router = APIRouter(tags=["agents"])


async def describe(services: Services, agent: Agent) -> dict[str, Any]:
    return {
        **agent.public(),
        "status": await services.presence.status(agent.username),
        "active_chats": await services.accounts.active_chats(agent),
    }


@router.get("/agents/me")
async def me(agent: AgentDep, services: ServicesDep) -> dict[str, Any]:
    return await describe(services, agent)


@router.put("/agents/me/presence")
async def set_presence(body: PresenceRequest, agent: AgentDep, services: ServicesDep) -> dict[str, Any]:
    await services.presence.set(agent, body.status)
    return await describe(services, agent)


@router.get("/agents")
async def list_agents(agent: AgentDep, services: ServicesDep) -> list[dict[str, Any]]:
    ensure_admin(agent)
    return [await describe(services, other) for other in await services.accounts.all()]


@router.post("/agents", status_code=status.HTTP_201_CREATED)
async def create_agent(body: NewAgentRequest, agent: AgentDep, services: ServicesDep) -> dict[str, Any]:
    ensure_admin(agent)
    created = await services.accounts.create(
        username=body.username, password=body.password, display_name=body.display_name, role=body.role,
        teams=body.teams, capacity=body.capacity,
    )
    return await describe(services, created)


@router.put("/agents/me/password", status_code=status.HTTP_204_NO_CONTENT)
async def change_password(body: PasswordChangeRequest, agent: AgentDep, services: ServicesDep) -> None:
    """A new password; every token of this account, this one included, stops working: log in again."""
    await services.accounts.change_password(agent, body.current_password, body.new_password)


@router.delete("/agents/{username}", status_code=status.HTTP_204_NO_CONTENT)
async def remove_agent(username: str, agent: AgentDep, services: ServicesDep) -> None:
    """Remove an account (it must hold no conversation): it cannot log in, its tokens stop working."""
    ensure_admin(agent)
    if username.strip().lower() == agent.username:
        raise Invalid("you cannot remove your own account; another admin can")
    await services.accounts.remove(username)
