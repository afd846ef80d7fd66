"""Emails to the customer from the console (handoff/escalations/email_replies.py): the agent's
words by email, into the transcript, with a reply link back to the chat."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, status
from pydantic import BaseModel, Field

from defaults import MAX_MESSAGE_CHARS
from handoff.api.deps import AgentDep, ServicesDep
from handoff.api.schemas import EscalationId
from handoff.escalations.email_replies import MAX_SUBJECT

router = APIRouter(tags=["emails"])


class EmailRequest(BaseModel):
    """The agent's words; a subject (default "Your conversation with Larkspur & Co."); the
    follow-up task it answers, marked done once the email has left."""

    text: str = Field(max_length=MAX_MESSAGE_CHARS)
    subject: str | None = Field(None, max_length=MAX_SUBJECT)
    task_id: int | None = Field(None, ge=1, le=2**63 - 1)


@router.post("/escalations/{escalation_id}/emails", status_code=status.HTTP_201_CREATED)
async def send(escalation_id: EscalationId, body: EmailRequest, agent: AgentDep,
               services: ServicesDep) -> dict[str, Any]:
    """502 with the mail server's reason when it did not take the email: nothing was recorded,
    send it again."""
    return await services.emails.send(agent, escalation_id, text=body.text, subject=body.subject,
                                      task_id=body.task_id)
