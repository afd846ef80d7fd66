"""What a transfer says to the customer, which of their words are left unanswered, and which
targets are refused, with the reason in words."""

from __future__ import annotations

import pytest

from handoff.errors import Conflict, Invalid
from handoff.escalations.transfers import choose_target, customer_notice, may_list, unanswered
from handoff.store import Agent, Escalation

MAYA = Agent(1, "maya", "Maya", "agent", ("returns", "general"), 3, 0.0)
SAM = Agent(2, "sam", "Sam", "agent", ("delivery", "general"), 3, 0.0)
RITA = Agent(3, "rita", "Rita", "agent", ("delivery",), 3, 0.0)


def held(team: str = "returns", agent: str | None = "maya") -> Escalation:
    return Escalation(id=7, sender_id="s", channel="socketio", email=None, reason="frustration", team=team,
                      frustration=0.5, state="accepted" if agent else "queued", agent=agent,
                      agent_name=agent.title() if agent else None, packet={}, outcome=None, follow_up=None,
                      follow_up_email=None, csat_rating=None, csat_comment=None, created_at=0.0, queued_at=0.0,
                      accepted_at=None, closed_at=None)


def test_the_customer_is_told_in_plain_words() -> None:
    assert customer_notice(by_name="Maya", to_agent_name="Sam", team="delivery") == (
        "Maya passed your conversation to Sam, who can help with delivery.")
    assert customer_notice(by_name="Maya", to_agent_name=None, team="delivery") == (
        "Maya passed your conversation to our delivery team; someone will be with you shortly.")
    assert customer_notice(by_name=None, to_agent_name="Sam", team="returns") == (
        "Your conversation has been passed to Sam, who can help with returns and exchanges.")


def test_unanswered_is_what_the_customer_said_since_a_person_last_wrote() -> None:
    lines = [{"role": "customer", "text": "hello", "id": "1"}, {"role": "agent", "text": "hi", "id": "2"},
             {"role": "customer", "text": "where is it?", "id": "3"}, {"role": "system", "text": "Sam joined"},
             {"role": "bot", "text": "You're next in line."}, {"role": "customer", "text": "  ", "id": "4"},
             {"role": "customer", "text": "x" * 700, "id": "5", "time": 9.0}]
    found = unanswered(lines)
    assert [line["id"] for line in found] == ["3", "5"] and len(found[1]["text"]) == 600
    assert unanswered([{"role": "customer", "text": str(n)} for n in range(9)])[0]["text"] == "6"
    assert unanswered([*lines, {"role": "agent", "text": "checking"}]) == []


def test_targets_refused_with_the_reason() -> None:
    with pytest.raises(Invalid, match="Sam is not in the returns team; their teams are delivery, general"):
        choose_target(held(), to_agent=SAM, to_team="returns", status="online")
    with pytest.raises(Conflict, match="Sam is away, not online"):
        choose_target(held(), to_agent=SAM, to_team=None, status="away")
    with pytest.raises(Conflict, match="Maya already holds this conversation"):
        choose_target(held(), to_agent=MAYA, to_team=None, status="online")
    with pytest.raises(Invalid, match="unknown team 'billing'"):
        choose_target(held(), to_agent=None, to_team="billing", status="offline")
    with pytest.raises(Invalid, match="choose an agent or a team"):
        choose_target(held(), to_agent=None, to_team=None, status="offline")
    # Without a team the conversation follows the agent into a team of theirs.
    assert choose_target(held("general"), to_agent=SAM, to_team=None, status="online").team == "general"
    assert choose_target(held("returns"), to_agent=SAM, to_team=None, status="online").team == "delivery"


def test_an_agent_sees_the_agents_of_their_teams_and_of_the_conversations() -> None:
    assert may_list(MAYA, SAM, held("returns"))  # both in general
    assert not may_list(MAYA, RITA, held("returns"))
    assert may_list(MAYA, RITA, held("delivery"))
