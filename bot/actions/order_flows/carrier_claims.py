"""When a lost parcel's carrier claim must be filed, and so when the team follows it up.

The handbook (shared/shop/handbook.md) says a parcel with no scan for 7 days is lost and a person
opens a carrier investigation, but names no claim deadline. The rule chosen (decision 0221): each
carrier's own window for a lost-parcel claim, counted from the parcel's first scan (when the
carrier took it): USPS, UPS and Canada Post 60 days, DHL 30 days; a carrier not listed gets the
shortest, 30. The follow-up is due `MARGIN` before that deadline, at 17:00 UTC, so the claim can
still be filed if the investigation has stalled; never sooner than the next day. Without the
order's data (a report before verification) the window is counted from the report itself.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

CLAIM_WINDOWS = {"USPS": timedelta(days=60), "UPS": timedelta(days=60), "Canada Post": timedelta(days=60),
                 "DHL": timedelta(days=30)}
SHORTEST_WINDOW = min(CLAIM_WINDOWS.values())
MARGIN = timedelta(days=5)
CHECK_AT = time(17, 0, tzinfo=timezone.utc)


def claim_deadline(carrier: str | None, handed_over: datetime | None, now: datetime) -> datetime:
    window = CLAIM_WINDOWS.get(carrier or "", SHORTEST_WINDOW)
    return (handed_over or now) + window


def follow_up_due(carrier: str | None, handed_over: datetime | None, now: datetime) -> datetime:
    """When the team checks the investigation: MARGIN before the claim deadline, at CHECK_AT, and
    at the earliest the next day at CHECK_AT."""
    before = (claim_deadline(carrier, handed_over, now) - MARGIN).astimezone(timezone.utc)
    earliest = now.astimezone(timezone.utc) + timedelta(days=1)
    day = max(before, earliest).date()
    return datetime.combine(day, CHECK_AT)
