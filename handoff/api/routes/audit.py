"""The audit of admin changes, newest first, a page at a time (admins only)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from handoff.api.deps import AdminDep, ServicesDep
from handoff.store import audit

router = APIRouter(tags=["audit"])


@router.get("/audit")
async def audit_page(
    admin: AdminDep, services: ServicesDep,
    before: Annotated[int | None, Query(ge=1, le=2**63 - 1, description="the next_before of the previous page")] = None,
    limit: Annotated[int, Query(ge=1, le=audit.MAX_PAGE)] = 50,
) -> dict[str, Any]:
    events = await services.db.run(lambda s: audit.page(s, before_id=before, limit=limit))
    return {"events": [event.public() for event in events],
            "next_before": events[-1].id if len(events) == limit else None}
