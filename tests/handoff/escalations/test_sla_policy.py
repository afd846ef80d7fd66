"""SLA targets per team from the settings' line, and what a card says: the running target nearest
its due time, on track, warning or breached, with the business time left."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from handoff.engine.hours import BusinessHours
from handoff.engine.sla_clock import BusinessClock
from handoff.escalations.sla_policy import SlaPolicy, Targets, parse_team_targets
from handoff.store.records import SlaClock

DEFAULT = Targets(first_response=900.0, next_response=1800.0, resolution=86_400.0)
HANDBOOK = BusinessClock(BusinessHours.parse("Mon-Fri 08:00-20:00; Sat 09:00-17:00", "America/New_York"))


def test_team_targets_override_the_defaults_and_bad_lines_are_refused() -> None:
    teams = parse_team_targets("returns: first=20m next=1h resolution=16h; delivery: first=10m", DEFAULT)
    assert teams == {"returns": Targets(1200.0, 3600.0, 57_600.0), "delivery": Targets(600.0, 1800.0, 86_400.0)}
    assert parse_team_targets("", DEFAULT) == {}
    for bad in ("returns first=20m", "returns: first=20", "returns: soon=1h", "Returns!: first=1m",
                "returns: first=0m", "returns: resolution=9000h"):
        with pytest.raises(ValueError, match=r"SLA targets|target of"):
            parse_team_targets(bad, DEFAULT)


def test_a_target_set_on_friday_evening_is_due_on_saturday_morning() -> None:
    policy = SlaPolicy(HANDBOOK, DEFAULT, {"returns": Targets(3600.0, 3600.0, 3600.0)}, warning_share=0.8)
    def eastern(day: int, hour: int, minute: int) -> float:
        return datetime(2026, 12, day, hour, minute, tzinfo=ZoneInfo("America/New_York")).timestamp()

    # 30 minutes on Friday before the close at 8 pm, the rest from 9 am on Saturday; the warning
    # at 80 % (48 minutes) at 9:18.
    assert policy.times("returns", "first_response", eastern(4, 19, 30)) == (3600.0, eastern(5, 9, 18),
                                                                            eastern(5, 9, 30))
    assert policy.times("general", "first_response", eastern(4, 19, 30))[0] == 900.0


def clock(kind: str, started: float, target: float, **extra: float | str | None) -> SlaClock:
    return SlaClock(1, 7, kind, started, target, started + 0.8 * target, started + target, **extra)  # type: ignore[arg-type]


def test_the_card_shows_the_nearest_target_its_status_and_time_left() -> None:
    every_hour = SlaPolicy(BusinessClock(BusinessHours.parse("Mon-Sun 00:00-24:00", "UTC")), DEFAULT, {},
                           warning_share=0.8)
    clocks = [clock("first_response", 1000.0, 100.0), clock("resolution", 1000.0, 1000.0)]
    assert every_hour.view([], 1000.0) is None
    on_track = every_hour.view(clocks, 1050.0)
    assert on_track is not None
    assert (on_track["status"], on_track["status_label"], on_track["target"], on_track["target_label"],
            on_track["seconds_left"]) == ("on_track", "On track", "first_response", "First response", 50.0)
    assert every_hour.view(clocks, 1085.0)["status"] == "warning"  # type: ignore[index]
    breached = every_hour.view(clocks, 1130.0)
    assert breached is not None and (breached["status"], breached["seconds_left"]) == ("breached", -30.0)
    met = [clock("first_response", 1000.0, 100.0, stopped_at=1050.0, stopped_by="met"),
           clock("resolution", 1000.0, 1000.0)]
    assert every_hour.view(met, 1900.0)["target"] == "resolution"  # type: ignore[index]
    done = every_hour.view([clock("resolution", 1000.0, 1000.0, stopped_at=1500.0, stopped_by="met",
                                  breached_at=None)], 3000.0)
    assert done is not None and (done["status"], done["seconds_left"]) == ("met", None)
    late = every_hour.view([clock("first_response", 1000.0, 100.0, stopped_at=1500.0, stopped_by="met",
                                  breached_at=1100.0)], 3000.0)
    assert late is not None and (late["status"], late["breaches"]) == ("breached", 1)
