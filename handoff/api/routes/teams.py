"""Teams, for the admin page: each team, its members and its leads. The teams themselves are the
routing's (handoff/engine/teams.py sends each escalation to one by its reason and topic), so they
are not created or renamed here; an admin manages who is in them by an agent's teams (decision
0190), and who leads one of them here (decision 0235: a lead sees that team's reports)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path

from handoff.api.deps import AdminDep, ServicesDep
from handoff.store.records import TEAMS

router = APIRouter(tags=["teams"])
TeamName = Annotated[str, Path(max_length=32)]
Username = Annotated[str, Path(max_length=64)]


@router.get("/teams")
async def list_teams(admin: AdminDep, services: ServicesDep) -> list[dict[str, Any]]:
    agents = await services.accounts.all()
    return [
        {"name": team,
         "members": [{"username": a.username, "display_name": a.display_name, "lead": team in a.leads,
                      "status": await services.presence.status(a.username)}
                     for a in agents if team in a.teams],
         "leads": [a.username for a in agents if team in a.leads]}
        for team in TEAMS
    ]


@router.put("/teams/{team}/leads/{username}")
async def add_lead(team: TeamName, username: Username, admin: AdminDep, services: ServicesDep) -> dict[str, Any]:
    """Make a member of the team one of its leads (a team may have several); audited."""
    return (await services.accounts.set_lead(team, username, True, admin)).public()


@router.delete("/teams/{team}/leads/{username}")
async def remove_lead(team: TeamName, username: Username, admin: AdminDep, services: ServicesDep) -> dict[str, Any]:
    """The agent stays in the team and stops leading it; audited."""
    return (await services.accounts.set_lead(team, username, False, admin)).public()
