"""The two lines an agent reads first, written like a colleague's note (issue 21):

    Liam asks where order LK-100235 is: "where's my parka". It is 3 days late
    (promised 2026-12-03); asked 3 times, upset.
    Bot said "Shipping to Canada takes 5 to 8 business days…". Handed over: the customer is frustrated.

Line one is the customer: who (a name only once they proved the order is theirs), what they
want, the order's state as the order backend has it, how many times they asked and how they
feel. Line two is the bot: what it answered last, the blocker (why a person must take it, one
phrase per hand-over reason) and, when nobody is at work, what the customer was offered.

Templates over structured facts, never free text made up: every clause is either a quote of
what the customer or the bot said, a value of the order backend, a count over the timeline,
or the fixed phrase of the hand-over reason. A fact that is missing leaves its clause out.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from contract import bot_handoff as contract
from handoff.engine.timeline import Timeline

# Why a person must take it, per hand-over reason: the blocker, in the words a colleague uses.
BLOCKER = {
    contract.EXPLICIT_REQUEST: "the customer asked for a person",
    "frustration": "the customer is frustrated",
    contract.NLU_FALLBACK_REPEATED: "the bot did not understand the customer twice in a row",
    contract.KNOWLEDGE_NO_MATCH: "the help centre has no answer to this",
    contract.KNOWLEDGE_REJECTED: "the customer said the help centre's answers did not help",
    contract.VERIFICATION_FAILED: "the customer could not verify the order (do not share its details)",
    contract.LOST_PARCEL: "the parcel looks lost; a person opens the carrier investigation",
    contract.POLICY_EXCEPTION: "the customer asks for an exception to the policy, which only a person can grant",
    contract.DAMAGED_ITEM: "a damaged or wrong item, which only a person can settle",
    contract.PERSON_TOPIC: "a case the help centre gives to a person (a warranty claim, a charge, a missing item)",
    contract.FLOW_FAILED: "the order system failed twice, so the bot could not finish",
}
# What the customer wants, by the intent they came with; any other intent is quoted only.
WANTS = {
    "check_delivery": "asks where {order} is",
    "start_return": "wants to return something from {order}",
    "cancel_order": "wants to cancel {order}",
    "ask_question": "asks about {order}",
    "request_human": "asked for a person",
}
WANTS_NO_ORDER = {
    "ask_question": "asks",
    "request_human": "asked for a person",
    "check_delivery": "asks where their order is",
    "start_return": "wants to return something",
    "cancel_order": "wants to cancel an order",
}
QUOTE_CHARS = 90
BOT_QUOTE_CHARS = 80
# A name from the order backend and a reason from the bot's slot are bounded like any input.
NAME_CHARS = 60
REASON_CHARS = 80


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _end(sentence: str) -> str:
    """A full stop, unless the sentence ends with a quote that has its own."""
    return sentence if sentence.endswith(('."', '?"', '!"')) else sentence + "."


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def order_state(order: Mapping[str, Any] | None, today: date) -> str | None:
    """The order as the backend has it, in a clause: late by how much, delivered when, or its status."""
    if not isinstance(order, Mapping):
        return None
    shipments = [s for s in order.get("shipments") or [] if isinstance(s, Mapping)]
    pending = next((s for s in shipments if not s.get("delivered_at")), None)
    if pending is not None:
        promised = _day(pending.get("promised_date"))
        if promised and promised < today:
            days = (today - promised).days
            return f"it is {days} day{'s' if days != 1 else ''} late (promised {promised.isoformat()})"
        if promised:
            return f"it is on its way, due {promised.isoformat()}"
    delivered = [d for d in (_day(s.get("delivered_at")) for s in shipments) if d]
    if shipments and delivered and pending is None:
        return f"it was delivered on {max(delivered).isoformat()}"
    status = order.get("status")
    return f"its status is {str(status)[:40].replace('_', ' ')}" if status else None


def _items(order: Mapping[str, Any] | None, timeline: Timeline) -> str | None:
    """The order's items the customer named (by the last word of the item's name), or its one item."""
    if not isinstance(order, Mapping):
        return None
    names = [str(i.get("name")) for i in order.get("items") or [] if isinstance(i, Mapping) and i.get("name")]
    typed = set(re.findall(r"[\w-]+", " ".join(line.text.lower() for line in timeline.customer_lines)))
    # A whole word, and its plural: "hat" is not in "what", "t-shirts" names the t-shirt.
    named = [n for n in names if n.split() and {n.split()[-1].lower(), n.split()[-1].lower() + "s"} & typed]
    chosen = named or (names if len(names) == 1 else [])
    return ", ".join(chosen[:3])[:60] or None


def _asked(timeline: Timeline, intent: str | None) -> int:
    """How many times the customer asked for the main thing: messages with its intent."""
    return sum(1 for line in timeline.customer_lines if intent and line.intent == intent)


def _customer_line(timeline: Timeline, *, goal: str, intent: str | None, order_number: str | None,
                   name: str | None, order: Mapping[str, Any] | None, today: date, reason: str) -> str:
    who = _clip(name, NAME_CHARS) if name and name.strip() else "The customer"
    items = _items(order, timeline)
    target = (f"order {order_number}" + (f" ({items})" if items else "")) if order_number else None
    # Asking for a person is small talk to the summary's main intent, but it is the whole story
    # when the customer said nothing else.
    topic = intent or (reason if reason == contract.EXPLICIT_REQUEST else "")
    template = (WANTS if target else WANTS_NO_ORDER).get("request_human" if topic == contract.EXPLICIT_REQUEST
                                                         else topic)
    if template:
        wants = template.format(order=target)
    elif target:
        wants = f"wrote about {target}"
    else:
        wants = "wrote"
    typed = goal if not goal.startswith("(") else ""
    head = f"{who} {wants}" + (f": \"{_clip(typed, QUOTE_CHARS)}\"" if typed else "")
    tail = []
    state = order_state(order, today)
    if state:
        tail.append(state)
    asked = _asked(timeline, intent)
    feeling = []
    if asked >= 2:
        feeling.append(f"asked {asked} times")
    # "Upset" only on the detector's own decision: a score filed with a flow's reason was never
    # compared with its fitted threshold (handoff/detection.json), so it says nothing here.
    if reason == "frustration":
        feeling.append("upset")
    if feeling:
        tail.append(", ".join(feeling))
    rest = "; ".join(tail)
    return _end(head) + (f" {rest[0].upper()}{rest[1:]}." if rest else "")


# Bot lines that are no answer to the customer's question: greetings, courtesies, "I did not
# understand", asking whether an answer helped, acknowledging a request for a person.
NOT_ANSWERS = frozenset({
    "utter_greet", "utter_default", "utter_handoff_requested", "action_request_human", "action_knowledge_feedback",
    "utter_you_are_welcome", "utter_goodbye", "utter_anything_else", "utter_iamabot",
})


def _what_the_bot_did(timeline: Timeline) -> str:
    bot = [line for line in timeline.lines if line.role == "bot" and line.text.strip()]
    answers = [line for line in bot if line.action not in NOT_ANSWERS
               and not (line.action or "").startswith("utter_ask_")]
    missed = sum(1 for line in bot if line.action == "utter_default")
    asked = list(dict.fromkeys(line.action.removeprefix("utter_ask_").replace("_", " ") for line in bot
                               if line.action and line.action.startswith("utter_ask_")))
    parts = []
    if answers:
        last = answers[-1].text
        again = sum(1 for line in answers if line.text == last)
        parts.append(f"Bot answered \"{_clip(last, BOT_QUOTE_CHARS)}\"" + (f" ({again} times)" if again > 1 else ""))
    elif asked:
        parts.append(f"Bot asked for the {' and '.join(asked[:3])}")
    if missed:
        parts.append(f"{'did' if parts else 'Bot did'} not understand {missed} message{'s' if missed > 1 else ''}")
    if not parts:
        parts.append("Bot only greeted" if bot else "Bot had not answered yet")
    return "; ".join(parts)


def _bot_line(timeline: Timeline, reason: str, availability: Mapping[str, Any] | None,
              follow_up_email: str | None) -> str:
    first = _what_the_bot_did(timeline)
    blocker = BLOCKER.get(reason) or _clip(reason.replace("_", " "), REASON_CHARS)
    parts = [f"{_end(first)} Handed over: {blocker}."]
    if isinstance(availability, Mapping) and availability.get("available") is False:
        when = availability.get("next_opening")
        opening = f" (next opening {str(when)[:16].replace('T', ' ')})" if when else ""
        outside = "out of hours" if availability.get("open_now") is False else "nobody of the team online"
        offer = (f"email follow-up to {_clip(follow_up_email, 254)} offered" if follow_up_email
                 else "email follow-up offered")
        parts.append(f"Nobody can take it now: {outside}{opening}; {offer}.")
    return " ".join(parts)


def build_note(timeline: Timeline, *, goal: str, intent: str | None, reason: str,
               order_number: str | None, name: str | None, order: Mapping[str, Any] | None,
               availability: Mapping[str, Any] | None, today: date) -> list[str]:
    """The note's two lines: the customer and what they want, then the bot and the blocker."""
    email = timeline.slots.get("email")
    return [
        _customer_line(timeline, goal=goal, intent=intent, order_number=order_number, name=name, order=order,
                       today=today, reason=reason),
        _bot_line(timeline, reason, availability, str(email) if email else None),
    ]
