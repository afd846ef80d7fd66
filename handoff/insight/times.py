"""Wait to claim, first response (the bot's time excluded) and resolution time: p50 and p90, and
how the times fall into a few human-sized buckets for the dashboard's distributions."""

from __future__ import annotations

from typing import Any

import numpy
from sqlalchemy import select
from sqlalchemy.orm import Session

from handoff.insight.period import Period, percentiles, within
from handoff.store.models import ReportingEventRow as Event

MEASURES = {"wait_to_claim": "claimed", "first_response": "first_response", "resolution": "resolved"}
# Bucket edges in seconds: under 30 s, 1 min, 2, 5, 15, 1 h, 4 h, longer.
EDGES = (0.0, 30.0, 60.0, 120.0, 300.0, 900.0, 3600.0, 14_400.0, float("inf"))
LABELS = ("<30s", "30s-1m", "1-2m", "2-5m", "5-15m", "15m-1h", "1-4h", ">4h")


def values(session: Session, period: Period, kind: str) -> list[float]:
    query = within(select(Event.value).where(Event.kind == kind, Event.value.is_not(None)), period, by_team=True)
    return [float(v) for v in session.scalars(query)]


def buckets(seconds: list[float]) -> dict[str, int]:
    counts, _ = numpy.histogram(numpy.asarray(seconds, dtype=float), bins=numpy.asarray(EDGES))
    return {label: int(n) for label, n in zip(LABELS, counts, strict=True)}


def times(session: Session, period: Period, *, with_buckets: bool = False) -> dict[str, Any]:
    report: dict[str, Any] = {}
    for name, kind in MEASURES.items():
        seconds = values(session, period, kind)
        report[name] = percentiles(seconds)
        if with_buckets:
            report[name]["buckets"] = buckets(seconds)
    return report
