"""Where a follow-up reaches the customer: the channel they last used, and whether a chat
message can go now (WhatsApp's 24-hour window) or the email form is the way
(handoff/escalations/reach.py). A chat message outside the window is refused by
POST /escalations/{id}/messages with the same reason."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from handoff.api.deps import AgentDep, ServicesDep
from handoff.api.schemas import EscalationId

router = APIRouter(tags=["escalations"])


@router.get("/escalations/{escalation_id}/reach")
async def reach(escalation_id: EscalationId, agent: AgentDep, services: ServicesDep) -> dict[str, Any]:
    escalation = await services.escalations.visible(agent, escalation_id)
    assert services.reach is not None  # set by Services.start
    return (await services.reach.of(escalation)).public(escalation)
