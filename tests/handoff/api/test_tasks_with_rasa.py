"""A follow-up that tells the customer, against the real Rasa (the session's `stack`): the plain
sentence reaches the customer's conversation as the agent's message, and the task keeps it."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime

from handoff.clients.rasa import RasaClient
from handoff.escalations.followup_tasks import promise_message
from handoff.services import support_hours
from tests.conftest import Stack
from tests.handoff.api.test_with_rasa import customer_says, rasa, replica
from tests.handoff.harness import Server

__all__ = ["rasa", "replica"]  # the fixtures, shared with test_with_rasa.py


async def test_the_customer_is_told_what_happens_next_on_their_channel(stack: Stack, rasa: RasaClient,
                                                                       replica: Server) -> None:
    sender = f"customer-{uuid.uuid4().hex[:8]}"
    await customer_says(stack, sender, "hi")
    await rasa.pause(sender)  # what the engine does when it escalates
    escalation = await replica.services.escalations.open(
        sender_id=sender, channel="rest", reason="lost_parcel", team="delivery", frustration=0.4,
        packet={"summary_line": "Parcel LK-100235 lost"})
    sam = await replica.login("sam")
    assert (await sam.post(f"/escalations/{escalation.id}/claim")).status_code == 200
    due = time.time() + 2 * 86_400
    created = await sam.post(f"/escalations/{escalation.id}/tasks", json={
        "due_at": due, "note": "call the carrier, ref 88213", "promise": "check with the carrier",
        "tell_customer": True})
    assert created.status_code == 201, created.text
    told = created.json()["promise"]
    expected = promise_message("Sam", "check with the carrier", datetime.fromtimestamp(due, UTC),
                               datetime.now(UTC), support_hours(replica.settings),
                               replica.settings.support_timezone_label)
    assert told == expected and told.startswith("Sam will check with the carrier and write to you here by ")
    events = (await rasa.tracker(sender))["events"]
    agent_lines = [e["text"] for e in events
                   if e["event"] == "bot" and (e.get("metadata") or {}).get("agent") == "Sam"]
    assert agent_lines[-1] == expected
    assert "88213" not in " ".join(e.get("text") or "" for e in events)  # the note stays with the agents
    await sam.aclose()
