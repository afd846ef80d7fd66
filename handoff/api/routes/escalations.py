"""The agent's work on escalations: the queue, claiming, the context packet, the live
transcript, messages to the customer, internal notes, transfer, resolve and hand back.
Every route loads the escalation and checks this agent may see (or act on) it."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, status

from handoff.api.deps import AgentDep, ServicesDep
from handoff.api.schemas import EscalationId, HandbackRequest, ResolveRequest, TextRequest, TransferRequest
from handoff.errors import NotFound

router = APIRouter(prefix="/escalations", tags=["escalations"])


@router.get("")
async def queue(
    agent: AgentDep, services: ServicesDep,
    state: Annotated[str | None, Query(description="initiated, queued, accepted, completed or failed")] = None,
    mine: Annotated[bool, Query(description="only the ones I hold")] = False,
) -> list[dict[str, Any]]:
    return await services.escalations.listing(agent, state=state, mine=mine)


@router.get("/{escalation_id}")
async def show(escalation_id: EscalationId, agent: AgentDep, services: ServicesDep) -> dict[str, Any]:
    escalation = await services.escalations.visible(agent, escalation_id)
    return await services.escalations.detail(escalation, agent)


@router.post("/{escalation_id}/claim")
async def claim(escalation_id: EscalationId, agent: AgentDep, services: ServicesDep) -> dict[str, Any]:
    escalation = await services.escalations.claim(agent, escalation_id)
    return await services.escalations.detail(escalation, agent)


@router.get("/{escalation_id}/transcript")
async def transcript(escalation_id: EscalationId, agent: AgentDep, services: ServicesDep) -> list[dict[str, Any]]:
    """The customer, bot and agent messages of the conversation up to this escalation's close, with
    times; stretches under escalations of teams this agent is not in are left out."""
    return await services.escalations.transcript(agent, escalation_id, services.conversations)


@router.post("/{escalation_id}/messages", status_code=status.HTTP_201_CREATED)
async def send_message(escalation_id: EscalationId, body: TextRequest, agent: AgentDep,
                       services: ServicesDep) -> dict[str, Any]:
    return await services.escalations.send(agent, escalation_id, body.text)


@router.post("/{escalation_id}/typing", status_code=status.HTTP_204_NO_CONTENT)
async def typing(escalation_id: EscalationId, agent: AgentDep, services: ServicesDep) -> None:
    await services.escalations.typing(agent, escalation_id)


@router.post("/{escalation_id}/notes", status_code=status.HTTP_201_CREATED)
async def add_note(escalation_id: EscalationId, body: TextRequest, agent: AgentDep,
                   services: ServicesDep) -> dict[str, Any]:
    note = await services.escalations.add_note(agent, escalation_id, body.text)
    return note.public()


@router.post("/{escalation_id}/transfer")
async def transfer(escalation_id: EscalationId, body: TransferRequest, agent: AgentDep,
                   services: ServicesDep) -> dict[str, Any]:
    to_agent, online = None, True
    if body.agent:
        to_agent = await services.accounts.get(body.agent.strip().lower())
        if to_agent is None:
            raise NotFound(f"no agent named {body.agent!r}")
        online = await services.presence.status(to_agent.username) == "online"
    moved = await services.escalations.transfer(agent, escalation_id, to_agent=to_agent,
                                                to_team=body.team or None, online=online)
    return await services.escalations.detail(moved, agent)


@router.post("/{escalation_id}/resolve")
async def resolve(escalation_id: EscalationId, body: ResolveRequest, agent: AgentDep,
                  services: ServicesDep) -> dict[str, Any]:
    closed = await services.escalations.resolve(agent, escalation_id, outcome=body.outcome, handback=body.handback)
    return await services.escalations.detail(closed, agent)


@router.post("/{escalation_id}/handback")
async def handback(escalation_id: EscalationId, agent: AgentDep, services: ServicesDep,
                   body: HandbackRequest | None = None) -> dict[str, Any]:
    """Give the conversation back to the bot, which says it is back and asks for a CSAT rating."""
    outcome = body.outcome if body else "resolved"
    closed = await services.escalations.resolve(agent, escalation_id, outcome=outcome, handback=True)
    return await services.escalations.detail(closed, agent)
