"""Follow-up tasks: created on an escalation, listed per agent or escalation, marked done
(handoff/escalations/followup_tasks.py). Due and overdue reminders are pushed, not polled."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, status

from handoff.api.deps import AgentDep, ServicesDep
from handoff.api.schemas import EscalationId, TaskId, TaskRequest

router = APIRouter(tags=["tasks"])


@router.post("/escalations/{escalation_id}/tasks", status_code=status.HTTP_201_CREATED)
async def create(escalation_id: EscalationId, body: TaskRequest, agent: AgentDep,
                 services: ServicesDep) -> dict[str, Any]:
    task = await services.tasks.create(agent, escalation_id, due_at=body.due_at, note=body.note,
                                       promise=body.promise, tell_customer=body.tell_customer)
    return task.public()


@router.get("/escalations/{escalation_id}/tasks")
async def of_escalation(escalation_id: EscalationId, agent: AgentDep, services: ServicesDep) -> list[dict[str, Any]]:
    return [task.public() for task in await services.tasks.of_escalation(agent, escalation_id)]


@router.get("/tasks")
async def listing(agent: AgentDep, services: ServicesDep,
                  mine: Annotated[bool, Query(description="only mine, not my teams'")] = False) -> list[dict[str, Any]]:
    """Tasks not done yet, soonest due first."""
    return [task.public() for task in await services.tasks.listing(agent, mine=mine)]


@router.post("/tasks/{task_id}/done")
async def done(task_id: TaskId, agent: AgentDep, services: ServicesDep) -> dict[str, Any]:
    return (await services.tasks.complete(agent, task_id)).public()
