"""The short story an agent reads first: what the customer wants, what the bot tried, where it
failed and why it escalated, plus one line for the queue.

Built only from the timeline (tracker) and the decision, with plain rules, so the agent can
trust it: every sentence points at something the customer or the bot actually said or did.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from contract import bot_handoff as contract
from handoff.engine.timeline import Line, Timeline

# Intents that carry no request of their own. A message the NLU did not understand may well be
# the request, so it can be the goal, but it is never the main intent.
SMALL_TALK = frozenset({
    "greet", "goodbye", "thank", "affirm", "deny", "bot_challenge", "request_human",
    contract.HANDBACK_INTENT, "rate_service", "choose_article", "out_of_scope", "chitchat",
})
# "inform" only answers the bot's question (an order number, an e-mail): never what it is about.
NOT_A_TOPIC = SMALL_TALK | {"nlu_fallback", "inform"}

REASON_TEXT = {
    contract.EXPLICIT_REQUEST: "the customer asked for a person",
    "frustration": "the customer is frustrated",
    "nlu_fallback_repeated": "the bot did not understand the customer twice in a row",
    contract.KNOWLEDGE_NO_MATCH: "the help centre had no answer, twice",
    contract.KNOWLEDGE_REJECTED: "the customer said the help centre's answers did not help, twice",
    contract.VERIFICATION_FAILED: "the customer's identity could not be verified",
    contract.LOST_PARCEL: "the parcel looks lost (a person opens a carrier investigation)",
    contract.POLICY_EXCEPTION: "the customer asks for an exception to the policy",
    contract.DAMAGED_ITEM: "the customer reports a damaged or wrong item",
    contract.PERSON_TOPIC: "the customer reports a case the help centre gives to a person",
    contract.FLOW_FAILED: "the bot's flow failed twice",
}

# What a bot action means, for "what the bot tried"; unknown actions are shown by name.
ACTION_TEXT = {
    "action_answer_question": "searched the help centre",
    "action_knowledge_feedback": "asked whether the answer helped",
    "utter_handoff_requested": "acknowledged the request for a person",
    "action_request_human": "acknowledged the request for a person",
    "utter_default": "said it did not understand",
}

# The identifiers a customer may type; the queue line names the first one found.
IDENTIFIERS = ("order_number", "email")


@dataclass(frozen=True)
class Summary:
    goal: str
    main_intent: str | None
    tried: list[str] = field(default_factory=list)
    failed: str = ""
    why: str = ""
    line: str = ""
    # What the customer typed, in their words: the facts they gave (numbers, items, dates,
    # amounts) stay in the packet even when no slot or entity caught them.
    said: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "goal": self.goal, "main_intent": self.main_intent, "tried": self.tried,
            "failed": self.failed, "why": self.why, "text": self.text, "said": self.said,
        }

    @property
    def text(self) -> str:
        intent = f" (intent: {self.main_intent})" if self.main_intent else ""
        tried = "; ".join(self.tried) if self.tried else "nothing yet"
        return (f"Wants: {self.goal}{intent}. Bot tried: {tried}. Where it failed: {self.failed}. "
                f"Escalated because {self.why}.")


def _substantive(line: Line) -> bool:
    text = line.text.strip()
    if not text or text.startswith("/"):  # button payloads are not the customer's words
        return False
    if line.intent in SMALL_TALK and not line.entities:
        return False
    return len(text.split()) >= 2 or bool(line.entities)


# Courtesies that carry no fact; anything else the customer typed is kept in `said`.
COURTESY_INTENTS = frozenset({"greet", "goodbye", "thank", "affirm", "deny"})
MAX_SAID = 8
SAID_CHARS = 200


def customer_said(timeline: Timeline) -> list[str]:
    """The customer's typed messages that may carry a fact, each once: the first two and the
    latest ones up to MAX_SAID (where a conversation starts and where it broke down)."""
    said: list[str] = []
    for line in timeline.customer_lines:
        text = " ".join(line.text.split())
        if not text or text.startswith("/") or line.external:
            continue
        if line.intent in COURTESY_INTENTS and not any(c.isdigit() for c in text):
            continue
        clipped = _clip(text, SAID_CHARS)
        if clipped not in said:
            said.append(clipped)
    return said if len(said) <= MAX_SAID else [*said[:2], *said[-(MAX_SAID - 2):]]


def _clip(text: str, limit: int = 140) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def main_intent(timeline: Timeline) -> str | None:
    counts = Counter(line.intent for line in timeline.customer_lines if line.intent and line.intent not in NOT_A_TOPIC)
    if not counts:
        return None
    best = max(counts.values())
    # Ties go to the intent the customer came with first.
    return next(line.intent for line in timeline.customer_lines if line.intent and counts.get(line.intent) == best)


def _tried(timeline: Timeline) -> list[str]:
    tried: list[str] = []
    for action in timeline.actions:
        if action.startswith("utter_") and action not in ACTION_TEXT:
            continue  # a canned response: what it said is quoted below
        text = ACTION_TEXT.get(action) or (
            f"ran the {action.removesuffix('_form').replace('_', ' ')} form" if action.endswith("_form") else action)
        if text not in tried:
            tried.append(text)
    answers = [line for line in timeline.lines if line.role == "bot" and line.action not in (None, "utter_greet")]
    said: list[str] = []
    for line in answers:
        quoted = f"said \"{_clip(line.text, 100)}\""
        if quoted in said:
            said.remove(quoted)  # said again: keep the latest time
        said.append(quoted)
    tried.extend(said[-3:])
    return tried


def _failed(timeline: Timeline, reason: str) -> str:
    fallbacks = sum(1 for line in timeline.customer_lines if line.intent == "nlu_fallback")
    notes = []
    if fallbacks:
        notes.append(f"did not understand {fallbacks} message{'s' if fallbacks > 1 else ''}")
    for slot, label in (("kb_no_match", "help-centre searches without an answer"),
                        ("kb_rejections", "answers the customer rejected")):
        count = int(float(timeline.slots.get(slot) or 0))
        if count:
            notes.append(f"{count} {label}")
    if timeline.slots.get(contract.UNRESOLVED_REASON_SLOT):
        notes.append(f"the flow gave up ({timeline.slots[contract.UNRESOLVED_REASON_SLOT]})")
    customer = timeline.customer_lines
    last_bot = next((line for line in reversed(timeline.lines) if line.role == "bot"
                     and (not customer or line.time <= customer[-1].time)), None)
    if customer:
        where = f"after the bot said \"{_clip(last_bot.text, 100)}\", " if last_bot else ""
        notes.append(f"{where}the customer wrote \"{_clip(customer[-1].text, 100)}\"")
    return "; ".join(notes) or REASON_TEXT.get(reason, reason)


def _why(reason: str, score: float, signals: Mapping[str, float]) -> str:
    text = REASON_TEXT.get(reason, reason.replace("_", " "))
    fired = ", ".join(name for name, _ in sorted(signals.items(), key=lambda kv: -kv[1])[:4])
    return f"{text} (frustration {score:.2f}{'; signals: ' + fired if fired else ''})"


def build_summary(timeline: Timeline, reason: str, score: float, signals: Mapping[str, float]) -> Summary:
    goal_line = next((line for line in timeline.customer_lines if _substantive(line)), None)
    if goal_line is None and timeline.customer_lines:
        # Only small talk: the last thing the customer typed (their request for a person) says most.
        typed = [line for line in timeline.customer_lines if not line.text.startswith("/")]
        goal_line = (typed or timeline.customer_lines)[-1]
    goal = _clip(goal_line.text) if goal_line else "(the customer has not said yet)"
    intent = main_intent(timeline)
    identifiers = [f"{timeline.slots[name]}" for name in IDENTIFIERS if timeline.slots.get(name)]
    if not identifiers:  # typed but never stored in a slot: the NLU still saw it
        identifiers = [str(e["value"]) for e in timeline.entities if e["entity"] in IDENTIFIERS][:1]
    label = reason.replace("_", " ")
    head = f"{label} ({score:.2f})" if reason == "frustration" else label
    line = " · ".join([head, *identifiers[:1], _clip(goal, 80)])
    return Summary(goal=goal, main_intent=intent, tried=_tried(timeline), failed=_failed(timeline, reason),
                   why=_why(reason, score, signals), line=line, said=customer_said(timeline))
