"""The agent's work on escalations: the queue, claiming, the context packet, the live
transcript, messages to the customer, internal notes, transfer, resolve and hand back.
Every route loads the escalation and checks this agent may see (or act on) it."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, status

from handoff.api.deps import AgentDep, ServicesDep
from handoff.api.schemas import (
    CloseRequest,
    EscalationId,
    HandbackRequest,
    ResolveRequest,
    TextRequest,
    TransferRequest,
)
from handoff.errors import Invalid, NotFound
from handoff.escalations.queue_views import MAX_OFFSET, MAX_PAGE, MAX_SEARCH, Sort, View, queue_query
from handoff.store.records import STATES

router = APIRouter(prefix="/escalations", tags=["escalations"])


@router.get("")
async def queue(
    agent: AgentDep, services: ServicesDep,
    view: Annotated[View | None, Query(description="mine, unassigned, teams, all (admins), closed")] = None,
    state: Annotated[str | None, Query(description="without a view: one state")] = None,
    mine: Annotated[bool, Query(description="only the ones I hold")] = False,
    team: Annotated[str | None, Query(description="returns, delivery or general")] = None,
    channel: Annotated[str | None, Query(description="Rasa's channel name: socketio, rest, telegram, ...")] = None,
    reason: Annotated[str | None, Query(description="e.g. missed_delivery", max_length=64)] = None,
    q: Annotated[str | None, Query(description="an order number, e-mail address, name or words said",
                                   max_length=MAX_SEARCH)] = None,
    sort: Annotated[Sort | None, Query(description="waiting (longest first), priority or newest")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = MAX_PAGE,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> list[dict[str, Any]]:
    if state is not None and state not in STATES:
        raise Invalid(f"unknown state {state!r}; states are {', '.join(STATES)}")
    query = queue_query(agent, view=view, state=state, mine=mine, team=team, channel=channel, reason=reason,
                        search=q, sort=sort, limit=limit, offset=offset)
    return await services.escalations.listing(agent, query)


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


@router.get("/{escalation_id}/transfer-targets")
async def transfer_targets(escalation_id: EscalationId, agent: AgentDep, services: ServicesDep) -> dict[str, Any]:
    """Teams (people online, customers waiting) and the agents this agent may see, each with
    presence, load (conversations held) and whether they can take this one now."""
    return await services.escalations.transfer_targets(agent, escalation_id, services.presence,
                                                       await services.accounts.all())


@router.post("/{escalation_id}/transfer")
async def transfer(escalation_id: EscalationId, body: TransferRequest, agent: AgentDep,
                   services: ServicesDep) -> dict[str, Any]:
    """To an agent (online, with room) or a team, with a note the receiving agent reads first;
    the customer is told who has their conversation now."""
    to_agent, status = None, "offline"
    if body.agent:
        to_agent = await services.accounts.get(body.agent.strip().lower())
        if to_agent is None:
            raise NotFound(f"no agent named {body.agent!r}")
        status = await services.presence.status(to_agent.username)
    moved = await services.escalations.transfer(agent, escalation_id, note=body.note, to_agent=to_agent,
                                                to_team=body.team or None, status=status,
                                                conversations=services.conversations)
    return await services.escalations.detail(moved, agent)


@router.post("/{escalation_id}/close")
async def close(escalation_id: EscalationId, body: CloseRequest, agent: AgentDep,
                services: ServicesDep) -> dict[str, Any]:
    """Close it with the outcome the agent chose; with handback the bot greets the customer again
    and asks for a rating, without it the bot simply answers their next message."""
    closed = await services.escalations.close(agent, escalation_id, outcome=body.outcome, handback=body.handback)
    return await services.escalations.detail(closed, agent)


@router.post("/{escalation_id}/resolve")
async def resolve(escalation_id: EscalationId, body: ResolveRequest, agent: AgentDep,
                  services: ServicesDep) -> dict[str, Any]:
    """Before issue 24's /close; the same close."""
    closed = await services.escalations.close(agent, escalation_id, outcome=body.outcome, handback=body.handback)
    return await services.escalations.detail(closed, agent)


@router.post("/{escalation_id}/handback")
async def handback(escalation_id: EscalationId, body: HandbackRequest, agent: AgentDep,
                   services: ServicesDep) -> dict[str, Any]:
    """Before issue 24's /close with handback: the bot greets the customer again and asks for a
    rating; the outcome the agent gives is recorded (it is required: nothing is assumed)."""
    closed = await services.escalations.close(agent, escalation_id, outcome=body.outcome, handback=True)
    return await services.escalations.detail(closed, agent)
