"""Who may do what with an escalation.

See: admins; agents of the escalation's team; the agent who holds it.
Claim: admins and agents of its team.
Act in the conversation (send, transfer, resolve, hand back): the agent who holds it, or an admin.
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
