"""Snoozing an escalation: its agent puts it aside until a time or the customer's next reply
(handoff/escalations/snoozes.py), and takes it up again."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from handoff.api.deps import AgentDep, ServicesDep
from handoff.api.schemas import EscalationId, SnoozeRequest

router = APIRouter(prefix="/escalations/{escalation_id}/snooze", tags=["snoozes"])


@router.put("")
async def snooze(escalation_id: EscalationId, body: SnoozeRequest, agent: AgentDep,
                 services: ServicesDep) -> dict[str, Any]:
    escalation = await services.snoozes.snooze(agent, escalation_id, body.until)
    return await services.escalations.detail(escalation, agent)


@router.delete("")
async def wake(escalation_id: EscalationId, agent: AgentDep, services: ServicesDep) -> dict[str, Any]:
    escalation = await services.snoozes.wake(agent, escalation_id)
    return await services.escalations.detail(escalation, agent)
