"""handoff/auth/access.py: who may see, claim, and act in an escalation; whose reports one sees."""

from __future__ import annotations

from dataclasses import replace

import pytest

from handoff.auth.access import can_see, ensure_can_claim, ensure_holder, report_teams
from handoff.errors import Forbidden
from handoff.store import Agent, Escalation

MAYA = Agent(id=1, username="maya", display_name="Maya", role="agent", teams=("returns", "general"), capacity=3,
             created_at=0.0)
SAM = replace(MAYA, id=2, username="sam", display_name="Sam", teams=("delivery", "general"))
ADMIN = replace(MAYA, id=3, username="admin", display_name="Admin", role="admin", teams=())
HELD = Escalation(
    id=7, sender_id="web", channel=None, email=None, reason="frustration", team="general", frustration=0.5,
    state="accepted", agent="maya", agent_name="Maya", packet={}, outcome=None, follow_up=None,
    follow_up_email=None, csat_rating=None, csat_comment=None, created_at=0.0, queued_at=0.0, accepted_at=1.0,
    closed_at=None,
)


def test_a_teammate_sees_but_does_not_act_in_a_held_conversation() -> None:
    assert can_see(SAM, HELD)
    for action in ("write to the customer", "resolve it", "transfer it"):
        with pytest.raises(Forbidden, match=f"Maya holds this conversation; only they or an admin can {action}"):
            ensure_holder(SAM, HELD, action)
        ensure_holder(MAYA, HELD, action)
        ensure_holder(ADMIN, HELD, action)


def test_nobody_acts_before_claiming_and_other_teams_neither_see_nor_claim() -> None:
    queued = replace(HELD, state="queued", agent=None, agent_name=None)
    with pytest.raises(Forbidden, match="claim this conversation before you resolve it"):
        ensure_holder(MAYA, queued, "resolve it")
    returns = replace(queued, team="returns")
    assert not can_see(SAM, returns)
    with pytest.raises(Forbidden, match="belongs to the returns team"):
        ensure_holder(SAM, returns, "resolve it")
    with pytest.raises(Forbidden, match="is for the returns team"):
        ensure_can_claim(SAM, returns)
    # Holding it is enough to see it, whatever the team became (a transfer to an agent).
    assert can_see(SAM, replace(HELD, team="returns", agent="sam"))


def test_reports_admins_every_team_leads_theirs_agents_none() -> None:
    assert report_teams(ADMIN, None) is None and report_teams(ADMIN, "delivery") == ("delivery",)
    lead = replace(MAYA, leads=("returns",))
    assert report_teams(lead, None) == ("returns",) and report_teams(lead, "returns") == ("returns",)
    # In general too, but not its lead: that team's figures are its lead's and the admins'.
    with pytest.raises(Forbidden, match="you lead returns: you may see their reports only, not the general team's"):
        report_teams(lead, "general")
    for team in (None, "returns"):
        with pytest.raises(Forbidden, match="the reports are for team leads and admins"):
            report_teams(MAYA, team)
