"""The reports by name, each over a period (handoff/insight/period.py) and each in its own module:
containment and its trend, the bot's flows, hand-overs, times, CSAT, answers, knowledge gaps, the
dissatisfied, SLA warnings and breaches and follow-ups due.
`summary` is the first screen's figures in one reply (GET /reports/summary)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from handoff.insight.answers import answers
from handoff.insight.containment import containment, conversations, trend
from handoff.insight.csat import csat
from handoff.insight.flows import flows
from handoff.insight.handovers import handovers
from handoff.insight.period import Period
from handoff.insight.service_levels import service_levels
from handoff.insight.times import times

__all__ = ["SQL_REPORTS", "Period", "summary"]


def _handovers(session: Session, period: Period) -> dict[str, Any]:
    return handovers(session, period, conversations(session, period))


# The reports computed in the database alone (gaps need the sentence model, the dissatisfied the
# follow-up tasks: handoff/insight/gaps.py and dissatisfied.py).
SQL_REPORTS = {
    "containment": containment,
    "trend": trend,
    "handovers": _handovers,
    "times": lambda session, period: times(session, period, with_buckets=True),
    "csat": csat,
    "answers": answers,
    "flows": flows,
    "service_levels": service_levels,
}


def summary(session: Session, period: Period) -> dict[str, Any]:
    contained = containment(session, period)
    return {
        "period": period.public(),
        "containment": contained,
        "handovers": handovers(session, period, contained["conversations"]),
        "times_seconds": times(session, period),
        "csat": csat(session, period, splits=False),
        "answers": answers(session, period),
        "flows": flows(session, period),
        "service_levels": service_levels(session, period),
    }
