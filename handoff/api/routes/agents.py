"""Agents: who am I, my presence (online / away), my password; and the admin's accounts: list,
create, change (name, admin flag, teams, capacity), deactivate, reactivate, reset a password.
Every admin change is audited (routes/audit.py); accounts are deactivated, never deleted."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, status

from handoff.api.admin_schemas import AgentChangeRequest, NewPasswordRequest
from handoff.api.deps import AdminDep, AgentDep, ServicesDep
from handoff.api.schemas import NewAgentRequest, PasswordChangeRequest, PresenceRequest
from handoff.services import Services
from handoff.store import Agent

router = APIRouter(tags=["agents"])


async def describe(services: Services, agent: Agent) -> dict[str, Any]:
    return {
        **agent.public(),
        "status": await services.presence.status(agent.username),
        "active_chats": await services.accounts.active_chats(agent),
    }


async def describe_for_admin(services: Services, agent: Agent) -> dict[str, Any]:
    return {**await describe(services, agent), "active": agent.active}


@router.get("/agents/me")
async def me(agent: AgentDep, services: ServicesDep) -> dict[str, Any]:
    return await describe(services, agent)


@router.put("/agents/me/presence")
async def set_presence(body: PresenceRequest, agent: AgentDep, services: ServicesDep) -> dict[str, Any]:
    await services.presence.set(agent, body.status)
    return await describe(services, agent)


@router.put("/agents/me/password", status_code=status.HTTP_204_NO_CONTENT)
async def change_password(body: PasswordChangeRequest, agent: AgentDep, services: ServicesDep) -> None:
    """A new password; every token of this account, this one included, stops working: log in again."""
    await services.accounts.change_password(agent, body.current_password, body.new_password)


@router.get("/agents")
async def list_agents(
    admin: AdminDep, services: ServicesDep,
    include_inactive: Annotated[bool, Query(description="deactivated accounts too (marked active: false)")] = False,
) -> list[dict[str, Any]]:
    others = await services.accounts.all(include_inactive=include_inactive)
    return [await describe_for_admin(services, other) for other in others]


@router.post("/agents", status_code=status.HTTP_201_CREATED)
async def create_agent(body: NewAgentRequest, admin: AdminDep, services: ServicesDep) -> dict[str, Any]:
    created = await services.accounts.create(
        username=body.username, password=body.password, display_name=body.display_name, role=body.role,
        teams=body.teams, capacity=body.capacity, by=admin.username,
    )
    return await describe_for_admin(services, created)


@router.patch("/agents/{username}")
async def change_agent(username: str, body: AgentChangeRequest, admin: AdminDep,
                       services: ServicesDep) -> dict[str, Any]:
    changed = await services.accounts.update(username, admin, display_name=body.display_name, role=body.role,
                                             teams=body.teams, capacity=body.capacity)
    # Presence carries the teams the routing looks for: a present agent is shown with the new ones now.
    if (current := await services.presence.status(changed.username)) != "offline":
        await services.presence.set(changed, current)
    return await describe_for_admin(services, changed)


@router.delete("/agents/{username}", status_code=status.HTTP_204_NO_CONTENT)
async def deactivate_agent(username: str, admin: AdminDep, services: ServicesDep) -> None:
    """Deactivate an account (it must hold no conversation): it cannot log in, its tokens stop
    working; its username stays its own (reactivate it to let the person back in)."""
    gone = await services.accounts.deactivate(username, admin)
    await services.presence.set(gone, "offline")  # not counted as available while their console closes


@router.post("/agents/{username}/reactivate")
async def reactivate_agent(username: str, body: NewPasswordRequest, admin: AdminDep,
                           services: ServicesDep) -> dict[str, Any]:
    return await describe_for_admin(services, await services.accounts.reactivate(username, body.password, admin))


@router.put("/agents/{username}/password", status_code=status.HTTP_204_NO_CONTENT)
async def reset_password(username: str, body: NewPasswordRequest, admin: AdminDep, services: ServicesDep) -> None:
    """Set an agent's password (forgotten, or seen by others): their tokens stop working."""
    await services.accounts.reset_password(username, body.password, admin)
