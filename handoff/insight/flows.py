"""The bot's flows (the order forms: delivery status, returns, changes, each with verification):
per flow, how often it was run to its end or left, and why it was left (stopped, a person
called for a reason, the customer gone). Events from handoff/stream/reporting.py."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from handoff.insight.daily import counts
from handoff.insight.period import Period, rate


def flows(session: Session, period: Period) -> dict[str, Any]:
    counted = counts(session, period, ("flow_completed", "flow_abandoned"), ("label", "kind", "reason"), by_team=False)
    per_flow: dict[str, dict[str, Any]] = {}
    for name, kind, reason, count in counted:
        row = per_flow.setdefault(name or "unknown", {"completed": 0, "abandoned": 0, "abandoned_why": {}})
        if kind == "flow_completed":
            row["completed"] += int(count)
        else:
            row["abandoned"] += int(count)
            why = reason or "unknown"
            row["abandoned_why"][why] = row["abandoned_why"].get(why, 0) + int(count)
    for row in per_flow.values():
        row["completion_rate"] = rate(row["completed"], row["completed"] + row["abandoned"])
        row["abandoned_why"] = dict(sorted(row["abandoned_why"].items()))
    completed = sum(row["completed"] for row in per_flow.values())
    abandoned = sum(row["abandoned"] for row in per_flow.values())
    return {"completed": completed, "abandoned": abandoned, "completion_rate": rate(completed, completed + abandoned),
            "by_flow": dict(sorted(per_flow.items()))}
