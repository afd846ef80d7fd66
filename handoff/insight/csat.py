"""CSAT: the average rating, the share of 4 and 5, the response rate (ratings per conversation a
person resolved), and the same split by bot-only against handed over, by hand-over reason, by
agent and by team. Grouped in SQL; a split's response rate is over the resolutions of that key."""

from __future__ import annotations

from typing import Any

from sqlalchemy import case, func, literal, select
from sqlalchemy.orm import Session

from handoff.insight.period import Period, rate, within
from handoff.store.models import ReportingEventRow as Event

SPLITS = ("segment", "reason", "agent", "team")


def _key(split: str) -> Any:
    if split == "segment":
        # A rating from a conversation a person was ever asked for is the desk's; any other the bot's.
        asked = select(Event.sender_id).where(Event.kind == "handover_asked", Event.sender_id.is_not(None))
        return case((Event.sender_id.in_(asked), literal("handed_over")), else_=literal("bot_only"))
    return getattr(Event, split)


def _figures(responses: int, total: float, good: int, resolved: int | None) -> dict[str, Any]:
    return {"responses": responses,
            "average": round(total / responses, 2) if responses else None,
            "share_4_5": rate(good, responses),
            "response_rate": rate(responses, resolved) if resolved is not None else None}


def _grouped(session: Session, period: Period, split: str) -> dict[str, dict[str, Any]]:
    key = _key(split).label("key")
    ratings = within(select(key, func.count(), func.sum(Event.value),
                            func.sum(case((Event.value >= 4, 1), else_=0)))
                     .where(Event.kind == "csat", Event.value.is_not(None)), period, by_team=True).group_by(key)
    resolved_query = within(select(key, func.count()).where(Event.kind == "resolved"), period,
                            by_team=True).group_by(key)
    resolved = {str(k or "none"): int(n) for k, n in session.execute(resolved_query)}
    table = {str(k or "none"): _figures(int(n), float(total or 0), int(good or 0), resolved.get(str(k or "none"), 0))
             for k, n, total, good in session.execute(ratings)}
    return dict(sorted(table.items()))


def csat(session: Session, period: Period, *, splits: bool = True) -> dict[str, Any]:
    overall = within(select(func.count(), func.sum(Event.value), func.sum(case((Event.value >= 4, 1), else_=0)))
                     .where(Event.kind == "csat", Event.value.is_not(None)), period, by_team=True)
    responses, total, good = session.execute(overall).one()
    resolved = int(session.scalar(within(select(func.count()).where(Event.kind == "resolved"), period,
                                         by_team=True)) or 0)
    by_value = within(select(Event.value, func.count()).where(Event.kind == "csat"), period,
                      by_team=True).group_by(Event.value)
    by_rating = dict.fromkeys([str(n) for n in range(1, 6)], 0)
    for value, count in session.execute(by_value):
        if value is not None and str(int(value)) in by_rating:
            by_rating[str(int(value))] += int(count)
    report = {**_figures(int(responses or 0), float(total or 0), int(good or 0), resolved), "by_rating": by_rating}
    if splits:
        report["by"] = {split: _grouped(session, period, split) for split in SPLITS}
    return report
