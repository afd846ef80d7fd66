"""When a lost parcel's follow-up is due: before the carrier's claim deadline (carrier_claims.py)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from bot.actions.order_flows.carrier_claims import claim_deadline, follow_up_due

NOW = datetime(2026, 3, 10, 15, 0, tzinfo=timezone.utc)


def test_each_carrier_has_its_window_from_the_hand_over() -> None:
    handed = NOW - timedelta(days=12)
    assert claim_deadline("USPS", handed, NOW) == handed + timedelta(days=60)
    assert claim_deadline("DHL", handed, NOW) == handed + timedelta(days=30)
    # A carrier the rule does not know gets the shortest window; no data counts from now.
    assert claim_deadline("Pigeon Post", handed, NOW) == handed + timedelta(days=30)
    assert claim_deadline(None, None, NOW) == NOW + timedelta(days=30)


def test_the_follow_up_is_five_days_before_the_deadline_at_five_pm() -> None:
    handed = NOW - timedelta(days=12)
    assert follow_up_due("USPS", handed, NOW) == datetime(2026, 4, 22, 17, 0, tzinfo=timezone.utc)


def test_a_deadline_close_or_past_still_gets_a_follow_up_tomorrow() -> None:
    handed = NOW - timedelta(days=40)  # DHL's 30 days are over
    assert follow_up_due("DHL", handed, NOW) == datetime(2026, 3, 11, 17, 0, tzinfo=timezone.utc)
