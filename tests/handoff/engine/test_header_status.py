"""The chat widget's header follows availability (handoff/engine/messages.py header_status)."""

from __future__ import annotations

from datetime import UTC, datetime

from handoff.engine.hours import BusinessHours
from handoff.engine.messages import header_status

HOURS = BusinessHours.parse("Mon-Fri 08:00-20:00; Sat 09:00-17:00", "America/New_York")
SATURDAY_NIGHT = datetime(2026, 12, 5, 23, 30, tzinfo=UTC)  # 6:30 pm Saturday in New York: closed


def status(open_now: bool, online: bool, now: datetime = SATURDAY_NIGHT) -> str:
    return header_status(open_now=open_now, people_online=online,
                         next_opening=None if open_now else HOURS.next_opening(now), hours=HOURS,
                         timezone_label="Eastern time", now=now)


def test_a_person_is_one_message_away_only_when_someone_is_there() -> None:
    assert status(True, True) == "A person is one message away"
    assert "one message away" not in status(True, False)
    assert status(True, False) == "Our team is busy right now; the assistant can help"


def test_out_of_hours_the_header_says_when_the_team_is_back() -> None:
    assert not HOURS.is_open(SATURDAY_NIGHT)
    assert status(False, False) == "Our team is away until Monday at 8 am (Eastern time); the assistant can help now"
