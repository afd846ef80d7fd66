"""Who wrote a stream entry, for the timers that wait on people (auto-resolve, SLA clocks)."""

from __future__ import annotations

import json

from contract import bot_handoff as contract
from handoff.escalations.who_wrote import who_wrote
from handoff.stream.events import StreamEvent


def entry(sender: str, event: dict) -> StreamEvent:
    return StreamEvent.from_entry("1-0", {contract.ENTRY_SENDER_ID: sender, contract.ENTRY_TYPE: event["event"],
                                          contract.ENTRY_EVENT: json.dumps(event)})


def said(text: str, intent: str = "ask") -> StreamEvent:
    return entry("web-1", {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}}})


def test_an_agents_chat_message_or_email_is_the_agent() -> None:
    for kind in (contract.AGENT_MESSAGE, "agent_email"):
        assert who_wrote(entry("web-1", {"event": "bot", "text": "Hi", "metadata": {"kind": kind}})) == "agent"
    assert who_wrote(entry("web-1", {"event": "bot", "text": "I am the bot"})) is None


def test_the_customer_counts_only_with_something_to_answer() -> None:
    assert who_wrote(said("where is my parcel?")) == "customer"
    assert who_wrote(said("thanks!")) is None
    assert who_wrote(said("   ")) is None
    assert who_wrote(said("/handback", intent=contract.HANDBACK_INTENT)) is None
    assert who_wrote(entry("", {"event": "user", "text": "hello"})) is None
