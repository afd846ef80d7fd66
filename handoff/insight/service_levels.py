"""Promises kept or not: SLA warnings and breaches (handoff/escalations/sla.py, by clock kind) and
follow-up tasks come due (handoff/escalations/followup_tasks.py), per team."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from handoff.insight.daily import counts
from handoff.insight.period import Period

KINDS = ("sla_warning", "sla_breach", "followup_due")


def service_levels(session: Session, period: Period) -> dict[str, Any]:
    counted = counts(session, period, KINDS, ("kind", "team", "label"), by_team=True)
    totals = dict.fromkeys(KINDS, 0)
    by_team: dict[str, dict[str, int]] = {}
    sla_by_clock: dict[str, dict[str, int]] = {}
    for kind, team, clock, count in counted:
        totals[kind] += int(count)
        team_row = by_team.setdefault(team or "none", dict.fromkeys(KINDS, 0))
        team_row[kind] += int(count)
        if kind != "followup_due":
            clock_row = sla_by_clock.setdefault(clock or "unknown", {"sla_warning": 0, "sla_breach": 0})
            clock_row[kind] += int(count)
    return {**totals, "by_team": dict(sorted(by_team.items())), "sla_by_clock": dict(sorted(sla_by_clock.items()))}
