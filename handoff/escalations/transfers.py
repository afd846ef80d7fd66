"""Transfers as people meet them (issue 24): whom an agent may pass a conversation to, with their
presence and load; what the customer is told in plain words; and which of the customer's words
nobody has answered yet, for the receiving agent to read first."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from handoff.engine.messages import TEAM_NAMES
from handoff.errors import Conflict, Invalid
from handoff.store import Agent, Escalation
from handoff.store.records import TEAMS

# What each team helps with, after "who can help with".
HELPS_WITH = {"returns": "returns and exchanges", "delivery": "delivery", "general": "your question"}
# The customer's unanswered lines the receiving agent is shown: the last few, each cut.
MAX_UNANSWERED = 3
UNANSWERED_CHARS = 600


def team_words(team: str) -> str:
    return f"our {TEAM_NAMES.get(team, team)} team"


def customer_notice(*, by_name: str | None, to_agent_name: str | None, team: str) -> str:
    """"Maya passed your conversation to Sam, who can help with delivery." `by_name`: the agent
    the customer was talking to, when they are the one passing it on."""
    passed = f"{by_name} passed your conversation" if by_name else "Your conversation has been passed"
    if to_agent_name:
        return f"{passed} to {to_agent_name}, who can help with {HELPS_WITH.get(team, team)}."
    return f"{passed} to {team_words(team)}; someone will be with you shortly."


def unanswered(lines: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The customer's lines since an agent last wrote (as readable.py reads them), the last
    MAX_UNANSWERED: what would be left hanging if the next agent started afresh. The bot's and
    the engine's lines are no answer from a person, and notices are nobody's words."""
    waiting: list[dict[str, Any]] = []
    for line in lines:
        role = line.get("role")
        if role == "agent":
            waiting = []
        elif role == "customer" and str(line.get("text") or "").strip():
            waiting.append({"text": str(line["text"]).strip()[:UNANSWERED_CHARS], "time": line.get("time"),
                            "id": line.get("id")})
            waiting = waiting[-MAX_UNANSWERED:]
    return waiting


@dataclass(frozen=True)
class Target:
    """Where a transfer goes: an agent (in `team`) or a team's queue (agent None)."""

    agent: Agent | None
    team: str


def choose_target(escalation: Escalation, *, to_agent: Agent | None, to_team: str | None, status: str) -> Target:
    """Check a transfer's target; `status` is the agent's presence. An agent without a team
    takes it into the escalation's team when they are in it, else into their first team."""
    if to_agent is None and not to_team:
        raise Invalid("choose an agent or a team to transfer to")
    if to_team is not None and to_team not in TEAMS:
        raise Invalid(f"unknown team {to_team!r}; teams are {', '.join(TEAMS)}")
    if to_agent is None:
        assert to_team is not None
        return Target(None, to_team)
    if to_team is not None and to_team not in to_agent.teams:
        raise Invalid(f"{to_agent.display_name} is not in the {to_team} team; "
                      f"their teams are {', '.join(to_agent.teams) or 'none'}")
    if status != "online":
        raise Conflict(f"{to_agent.display_name} is {status}, not online; choose someone online or a team")
    if escalation.agent == to_agent.username:
        raise Conflict(f"{to_agent.display_name} already holds this conversation")
    team = to_team or (escalation.team if escalation.team in to_agent.teams or not to_agent.teams
                       else to_agent.teams[0])
    return Target(to_agent, team)


def may_list(viewer: Agent, other: Agent, escalation: Escalation) -> bool:
    """Agents an agent may see in the picker: admins see everyone; an agent sees the agents of
    their own teams and of the conversation's team."""
    return viewer.is_admin or bool(set(other.teams) & (set(viewer.teams) | {escalation.team}))


def picker(viewer: Agent, escalation: Escalation, agents: Sequence[Agent], statuses: Mapping[str, str],
           loads: Mapping[int, int], queued: Mapping[str, int]) -> dict[str, Any]:
    """The transfer picker: teams (people online, customers waiting) and agents (presence, load,
    and why one cannot take it now), online first, then by load."""
    listed = []
    for other in agents:
        if not may_list(viewer, other, escalation):
            continue
        status = statuses.get(other.username, "offline")
        load = loads.get(other.id, 0)
        why_not = None
        if escalation.agent == other.username:
            why_not = "holds it now"
        elif status != "online":
            why_not = status
        elif load >= other.capacity:
            why_not = f"full ({load} of {other.capacity})"
        listed.append({"username": other.username, "display_name": other.display_name, "teams": list(other.teams),
                       "status": status, "load": load, "capacity": other.capacity, "available": why_not is None,
                       "why_not": why_not, "is_me": other.username == viewer.username})
    order = {"online": 0, "away": 1, "offline": 2}
    listed.sort(key=lambda a: (not a["available"], order.get(a["status"], 3), a["load"], a["display_name"].lower()))
    online = [other for other in agents if statuses.get(other.username) == "online"]
    teams = [{"team": team, "name": team_words(team), "online": sum(team in other.teams for other in online),
              "waiting": queued.get(team, 0), "current": team == escalation.team} for team in TEAMS]
    return {"teams": teams, "agents": listed}
