"""The reports (handoff/insight/): GET /reports/summary, GET /reports/{name} and its CSV,
a knowledge-gap cluster's draft article to download, and the one-click follow-up of a
dissatisfied customer. Every report takes a period, a team and a channel (api/deps.py
`report_period`): admins see every team, a team lead the teams they lead, and a plain agent
none (auth/access.py `report_teams`, decision 0236)."""

from __future__ import annotations

import datetime
import functools
import time
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Path, Response, status

from handoff.api.deps import AgentDep, PeriodDep, ServicesDep
from handoff.api.schemas import EscalationId
from handoff.detection.config import DetectionConfig
from handoff.errors import NotFound
from handoff.insight.dissatisfied import dissatisfied, follow_up_note
from handoff.insight.drafts import draft_article
from handoff.insight.gaps import GapFinder
from handoff.insight.period import DAY, Period
from handoff.insight.reports import SQL_REPORTS, summary
from handoff.insight.tables import as_csv
from handoff.services import Services

router = APIRouter(prefix="/reports", tags=["reports"])
ReportName = Literal["containment", "trend", "handovers", "times", "csat", "answers", "gaps", "dissatisfied",
                     "flows", "service_levels"]
ClusterId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[0-9a-f]+$")]
CSV_TYPE = "text/csv; charset=utf-8"


@functools.cache
def frustration_threshold() -> float:
    """The detector's fitted threshold: at or over it, a hand-over's frustration counts as high."""
    return DetectionConfig.load().threshold


def gap_finder(services: Services) -> GapFinder:
    if services.gaps is None:  # built by Services.start; None only in a half-built service
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, "the knowledge-gap report is not available here")
    return services.gaps


async def report(services: Services, name: str, period: Period) -> Any:
    if name == "gaps":
        return await gap_finder(services).report(period)
    if name == "dissatisfied":
        threshold = frustration_threshold()
        return await services.db.run(lambda session: dissatisfied(session, period, threshold))
    return await services.db.run(lambda session: SQL_REPORTS[name](session, period))


@router.get("/summary")
async def report_summary(period: PeriodDep, services: ServicesDep) -> dict[str, Any]:
    return await services.db.run(lambda session: summary(session, period))


@router.get("/{name}.csv", response_class=Response, responses={200: {"content": {"text/csv": {}}}})
async def report_csv(name: ReportName, period: PeriodDep, services: ServicesDep) -> Response:
    text = as_csv(name, await report(services, name, period))
    day = datetime.datetime.fromtimestamp(period.until, datetime.UTC).date().isoformat()
    return Response(text, media_type=CSV_TYPE,
                    headers={"Content-Disposition": f'attachment; filename="baton-{name}-{day}.csv"'})


@router.get("/{name}")
async def report_json(name: ReportName, period: PeriodDep, services: ServicesDep) -> dict[str, Any]:
    found = await report(services, name, period)
    return {"period": period.public(), name: found}


@router.get("/gaps/{cluster_id}/draft", response_class=Response,
            responses={200: {"content": {"text/markdown": {}}}})
async def gap_draft(cluster_id: ClusterId, period: PeriodDep, services: ServicesDep) -> Response:
    """The cluster as a draft article file, to download: never written into the served articles."""
    cluster = await gap_finder(services).cluster(period, cluster_id)
    if cluster is None:
        raise NotFound(f"no knowledge-gap cluster {cluster_id} in this period")
    name, text = draft_article(cluster, datetime.datetime.now(datetime.UTC).date())
    return Response(text, media_type="text/markdown; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.post("/dissatisfied/{escalation_id}/follow-up", status_code=status.HTTP_201_CREATED)
async def follow_up(escalation_id: EscalationId, agent: AgentDep, period: PeriodDep,
                    services: ServicesDep) -> dict[str, Any]:
    """A follow-up task for the caller, due in a day, on a dissatisfied customer's escalation."""
    threshold = frustration_threshold()
    found = await services.db.run(lambda session: dissatisfied(session, period, threshold))
    row = next((r for r in found["conversations"] if r["escalation_id"] == escalation_id), None)
    if row is None:
        raise NotFound(f"escalation {escalation_id} is not among the dissatisfied customers without a follow-up")
    task = await services.tasks.create(agent, escalation_id, due_at=time.time() + DAY, note=follow_up_note(row))
    return task.public()
