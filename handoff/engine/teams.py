"""Which team takes an escalation, from why it was opened and what the customer was doing.

The flows' own reasons name their team directly. The detector's reasons (the customer asked
for a person, is frustrated, or the NLU kept failing) say nothing about the topic, so the
conversation's filled slots and intents decide: a return in progress goes to returns, an
order being tracked to delivery, anything else to general.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from contract import bot_handoff as contract

TEAMS = ("returns", "delivery", "general")

# The bot's reasons that name their team (contract/bot_handoff.py); the rest go by topic.
REASON_TEAMS: dict[str, str] = {
    contract.POLICY_EXCEPTION: "returns",
    contract.DAMAGED_ITEM: "returns",
    contract.LOST_PARCEL: "delivery",
    contract.VERIFICATION_FAILED: "delivery",
}

# Words in intent names that tell the topic; intents are named by the bot's authors, so the
# match is on parts of the name (e.g. `start_return`, `order_status`, `track_delivery`).
_TOPIC_WORDS = {
    "returns": ("return", "refund", "exchange"),
    "delivery": ("order", "deliver", "track", "ship", "parcel"),
}


def _topic_of(intents: Iterable[str]) -> str | None:
    for intent in reversed(list(intents)):
        for team, words in _TOPIC_WORDS.items():
            if any(word in intent for word in words):
                return team
    return None


def team_for(reason: str, slots: Mapping[str, Any], intents: Iterable[str], entities: Iterable[str] = ()) -> str:
    """The team for an escalation opened for `reason`; `intents` oldest first; `entities` the names of
    the entities the customer typed (an order number typed but not yet in a slot counts)."""
    if reason in REASON_TEAMS:
        return REASON_TEAMS[reason]
    if any(slots.get(name) for name in ("return_items", "return_reason", "return_resolution")):
        return "returns"
    topic = _topic_of(intents)
    if topic:
        return topic
    if slots.get("order_number") or "order_number" in set(entities):
        return "delivery"
    return "general"
