"""Canned replies: every agent lists them (the reply box's drop-down); admins create, edit and
delete them in the console, each change audited. They live in the store (seeded by migration
0005 from the file they used to be)."""

from __future__ import annotations

import time
from typing import Any

from fastapi import APIRouter, status

from handoff.api.admin_schemas import CannedReplyRequest
from handoff.api.deps import AdminDep, AgentDep, ServicesDep
from handoff.errors import Invalid
from handoff.store import canned_replies
from handoff.store.records import TEAMS

router = APIRouter(tags=["canned replies"])


def _checked(body: CannedReplyRequest) -> tuple[str, str, str]:
    title, text = body.title.strip(), body.text.strip()
    if not title:
        raise Invalid("the title is empty")
    if not text:
        raise Invalid("the text is empty")
    if "\x00" in title + text:
        raise Invalid("the title or the text holds a NUL character")
    if body.team not in TEAMS:
        raise Invalid(f"the team must be one of {', '.join(TEAMS)}")
    return title, body.team, text


@router.get("/canned-responses")
async def list_canned(agent: AgentDep, services: ServicesDep) -> list[dict[str, Any]]:
    return [reply.public() for reply in await services.db.run(canned_replies.all_replies)]


@router.post("/canned-responses", status_code=status.HTTP_201_CREATED)
async def create_canned(body: CannedReplyRequest, admin: AdminDep, services: ServicesDep) -> dict[str, Any]:
    title, team, text = _checked(body)
    now = time.time()
    created = await services.db.run(
        lambda s: canned_replies.add(s, title=title, team=team, text=text, by=admin.username, now=now))
    return created.public()


@router.put("/canned-responses/{reply_id}")
async def edit_canned(reply_id: str, body: CannedReplyRequest, admin: AdminDep,
                      services: ServicesDep) -> dict[str, Any]:
    title, team, text = _checked(body)
    now = time.time()
    updated = await services.db.run(
        lambda s: canned_replies.update(s, reply_id, title=title, team=team, text=text, by=admin.username, now=now))
    return updated.public()


@router.delete("/canned-responses/{reply_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_canned(reply_id: str, admin: AdminDep, services: ServicesDep) -> None:
    now = time.time()
    await services.db.run(lambda s: canned_replies.delete(s, reply_id, by=admin.username, now=now))
