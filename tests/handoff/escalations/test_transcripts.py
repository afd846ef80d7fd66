"""handoff/escalations/transcripts.py: what of a conversation one escalation lets an agent read."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from handoff.escalations.transcripts import scoped
from handoff.store import Escalation

BASE = Escalation(
    id=1, sender_id="web-omar", channel="socketio", email=None, reason="frustration", team="returns",
    frustration=0.5, state="completed", agent="maya", agent_name="Maya", packet={}, outcome="resolved",
    follow_up=None, follow_up_email=None, csat_rating=None, csat_comment=None, created_at=100.0,
    queued_at=100.0, accepted_at=110.0, closed_at=200.0,
)


def line(at: Any, text: str) -> dict[str, Any]:
    return {"role": "customer", "text": text, "time": at}


LINES = [line(50.0, "before"), line(150.0, "during"), line(200.0, "at the close"), line(250.0, "after"),
         line(400.0, "under delivery"), line(600.0, "after delivery")]
DELIVERY = replace(BASE, id=2, team="delivery", agent="sam", created_at=300.0, closed_at=500.0)


def texts(lines: list[dict[str, Any]]) -> list[str]:
    return [entry["text"] for entry in lines]


def test_a_closed_escalation_shows_the_conversation_up_to_its_close() -> None:
    assert texts(scoped(LINES, BASE, [BASE], lambda e: True)) == ["before", "during", "at the close"]


def test_an_open_escalation_hides_what_another_team_handled() -> None:
    current = replace(BASE, id=3, state="accepted", created_at=550.0, closed_at=None)
    shown = scoped(LINES, current, [BASE, DELIVERY, current], lambda e: e.team != "delivery")
    assert texts(shown) == ["before", "during", "at the close", "after", "after delivery"]
    assert len(scoped(LINES, current, [BASE, DELIVERY, current], lambda e: True)) == len(LINES)


def test_an_open_delivery_escalation_still_open_hides_everything_after_its_start() -> None:
    still_open = replace(DELIVERY, state="accepted", closed_at=None)
    current = replace(BASE, state="accepted", closed_at=None)
    assert texts(scoped(LINES, current, [still_open], lambda e: False)) == [
        "before", "during", "at the close", "after"]


def test_lines_without_a_usable_time_are_shown_only_when_nothing_is_hidden() -> None:
    odd = [line(None, "no time"), line("150", "text time"), line(True, "bool time")]
    current = replace(BASE, state="accepted", closed_at=None)
    assert texts(scoped(odd, current, [], lambda e: True)) == ["no time", "text time", "bool time"]
    assert scoped(odd, current, [DELIVERY], lambda e: False) == []
    assert scoped(odd, BASE, [], lambda e: True) == []
