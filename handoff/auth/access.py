"""Who may do what with an escalation.

See: admins; agents of the escalation's team; the agent who holds it.
Claim: admins and agents of its team.
Act in the conversation (send, transfer, resolve, hand back): the agent who holds it, or an admin.
The reports: admins, every team; a team lead, the teams they lead; nobody else (decision 0236).
"""

from __future__ import annotations

from handoff.errors import Forbidden
from handoff.store import Agent, Escalation


def can_see(agent: Agent, escalation: Escalation) -> bool:
    return agent.is_admin or escalation.team in agent.teams or escalation.agent == agent.username


def ensure_visible(agent: Agent, escalation: Escalation) -> None:
    if not can_see(agent, escalation):
        raise Forbidden(
            f"escalation {escalation.id} belongs to the {escalation.team} team; "
            f"you are in {', '.join(agent.teams) or 'no team'}"
        )


def ensure_can_claim(agent: Agent, escalation: Escalation) -> None:
    if not (agent.is_admin or escalation.team in agent.teams):
        raise Forbidden(
            f"escalation {escalation.id} is for the {escalation.team} team; "
            f"you are in {', '.join(agent.teams) or 'no team'}"
        )


def ensure_holder(agent: Agent, escalation: Escalation, action: str) -> None:
    ensure_visible(agent, escalation)
    if agent.is_admin or escalation.agent == agent.username:
        return
    if escalation.agent:
        raise Forbidden(f"{escalation.agent_name} holds this conversation; only they or an admin can {action}")
    raise Forbidden(f"claim this conversation before you {action}")


def ensure_admin(agent: Agent) -> None:
    if not agent.is_admin:
        raise Forbidden("only an admin can do this")


def report_teams(agent: Agent, team: str | None) -> tuple[str, ...] | None:
    """The teams whose reports `agent` may see, narrowed to `team` when one is asked for; None is
    every team (an admin). A plain agent sees none: the reports compare colleagues (CSAT by agent)
    and list customers by how unhappy they are, so a desk keeps them to its leads (decision 0236)."""
    if agent.is_admin:
        return (team,) if team else None
    if not agent.leads:
        raise Forbidden("the reports are for team leads and admins; an admin can make you the lead of a team")
    if team is not None and team not in agent.leads:
        raise Forbidden(f"you lead {', '.join(agent.leads)}: you may see their reports only, not the {team} team's")
    return (team,) if team else tuple(agent.leads)
