"""The customer behind an escalation, across channels (handoff/customers/directory.py), and
agents' private notes on that customer. Reached through an escalation the agent may see."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, status

from handoff.api.deps import AgentDep, CustomersDep
from handoff.api.schemas import CustomerNoteId, CustomerNoteRequest, EscalationId

router = APIRouter(tags=["customers"])


@router.get("/escalations/{escalation_id}/customer")
async def customer(escalation_id: EscalationId, agent: AgentDep, customers: CustomersDep) -> dict[str, Any]:
    """404 when the customer has not verified an order in this conversation."""
    return await customers.for_agent(agent, escalation_id)


@router.post("/escalations/{escalation_id}/customer/notes", status_code=status.HTTP_201_CREATED)
async def add_note(escalation_id: EscalationId, body: CustomerNoteRequest, agent: AgentDep,
                   customers: CustomersDep) -> dict[str, Any]:
    return (await customers.add_note(agent, escalation_id, body.text)).public()


@router.delete("/escalations/{escalation_id}/customer/notes/{note_id}")
async def delete_note(escalation_id: EscalationId, note_id: CustomerNoteId, agent: AgentDep,
                      customers: CustomersDep) -> dict[str, Any]:
    return (await customers.delete_note(agent, escalation_id, note_id)).public()
