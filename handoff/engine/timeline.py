"""One conversation as the engine reads it: who said what when, what the bot did, the slots.

Built from Rasa's tracker (the whole truth: entities, actions, every slot) or, when Rasa
cannot be reached, from the handoff service's own copy in Redis (ConversationStore), so a
context packet is never lost to a Rasa hiccup.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from handoff.stream.events import StreamEvent

# Actions every conversation runs; they say nothing about what the bot tried.
FRAMEWORK_ACTIONS = frozenset({
    "action_listen", "action_session_start", "action_restart", "action_back",
    "action_deactivate_loop", "action_unlikely_intent", "action_extract_slots",
})


@dataclass(frozen=True)
class Line:
    role: str  # "customer" | "bot" | "agent"
    text: str
    time: float
    channel: str | None = None
    intent: str | None = None
    confidence: float | None = None
    entities: tuple[dict[str, Any], ...] = ()
    action: str | None = None  # bot lines: the action that said it
    agent: str | None = None
    # For the transcript as people read it (handoff/conversations/readable.py): a bot line's
    # buttons, a notice's kind, a customer line nobody typed (trigger_intent), a message's id.
    buttons: tuple[dict[str, str], ...] = ()
    kind: str | None = None
    external: bool = False
    message_id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"role": self.role, "text": self.text, "time": self.time}
        if self.channel:
            out["channel"] = self.channel
        if self.role == "customer":
            out.update(intent=self.intent, confidence=self.confidence)
            if self.entities:
                out["entities"] = list(self.entities)
        if self.action:
            out["action"] = self.action
        if self.agent:
            out["agent"] = self.agent
        if self.buttons:
            out["buttons"] = list(self.buttons)
        if self.kind:
            out["kind"] = self.kind
        if self.external:
            out["external"] = True
        if self.message_id:
            out["message_id"] = self.message_id
        return out


@dataclass
class Timeline:
    lines: list[Line] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)  # what the bot ran, oldest first, framework ones left out
    slots: dict[str, Any] = field(default_factory=dict)  # last value of every slot that is filled
    channel: str | None = None

    @property
    def customer_lines(self) -> list[Line]:
        return [line for line in self.lines if line.role == "customer"]

    @property
    def entities(self) -> list[dict[str, Any]]:
        """Every entity the NLU found in what the customer typed, with the message it came from."""
        found = []
        for line in self.customer_lines:
            for entity in line.entities:
                found.append({"entity": entity.get("entity"), "value": entity.get("value"), "text": line.text,
                              "time": line.time})
        return found


def _filled(value: Any) -> bool:
    return value not in (None, "", [], {})


def _entities(parse: Mapping[str, Any]) -> tuple[dict[str, Any], ...]:
    out = []
    for entity in parse.get("entities") or []:
        if isinstance(entity, dict) and entity.get("entity"):
            out.append({"entity": entity["entity"], "value": entity.get("value")})
    return tuple(out)


def from_tracker(tracker: Mapping[str, Any]) -> Timeline:
    """A timeline from Rasa's `GET /conversations/{id}/tracker` answer."""
    timeline = Timeline()
    last_action: str | None = None
    for event in tracker.get("events") or []:
        kind, at = event.get("event"), float(event.get("timestamp") or 0.0)
        if kind == "user":
            parse = event.get("parse_data") or {}
            intent = parse.get("intent") or {}
            channel = event.get("input_channel")
            timeline.channel = channel or timeline.channel
            line = StreamEvent("", "", "user", event).transcript_entry() or {}
            timeline.lines.append(Line(
                role="customer", text=event.get("text") or "", time=at, channel=channel,
                intent=intent.get("name"), confidence=intent.get("confidence"), entities=_entities(parse),
                external=line.get("external") is True, message_id=line.get("message_id"),
            ))
        elif kind == "bot":
            meta = event.get("metadata") or {}
            agent = meta.get("agent")
            line = StreamEvent("", "", "bot", event).transcript_entry() or {}
            timeline.lines.append(Line(
                role="agent" if agent else "bot", text=event.get("text") or "", time=at,
                action=None if agent else (meta.get("utter_action") or last_action), agent=agent,
                buttons=tuple(line.get("buttons") or ()), kind=line.get("kind"),
            ))
        elif kind == "action":
            last_action = event.get("name")
            if last_action and last_action not in FRAMEWORK_ACTIONS:
                timeline.actions.append(last_action)
        elif kind == "slot" and event.get("name"):
            timeline.slots[event["name"]] = event.get("value")
        elif kind in ("restart", "session_started"):
            timeline.slots.clear()
    # The tracker's own slot view wins: it knows carried-over and initial values.
    for name, value in (tracker.get("slots") or {}).items():
        timeline.slots[name] = value
    timeline.slots = {k: v for k, v in timeline.slots.items() if _filled(v)}
    timeline.channel = tracker.get("latest_input_channel") or timeline.channel
    return timeline


def from_store(transcript: Sequence[Mapping[str, Any]], state: Mapping[str, str]) -> Timeline:
    """A timeline from the ConversationStore's transcript and state hash: the bot's lines carry
    the response that said them, but the actions that said nothing are not known."""
    timeline = Timeline(channel=state.get("channel"))
    for entry in transcript:
        role = entry.get("role") or "bot"
        timeline.lines.append(Line(
            role=role, text=entry.get("text") or "", time=float(entry.get("time") or 0.0),
            channel=entry.get("channel"), intent=entry.get("intent"), confidence=entry.get("confidence"),
            entities=tuple(entry.get("entities") or ()), agent=entry.get("agent"), action=entry.get("action"),
            buttons=tuple(entry.get("buttons") or ()), kind=entry.get("kind"),
            external=entry.get("external") is True, message_id=entry.get("message_id"),
        ))
    for key, raw in state.items():
        if key.startswith("slot:"):
            try:
                value = json.loads(raw)
            except json.JSONDecodeError:
                value = raw
            if _filled(value):
                timeline.slots[key[5:]] = value
    return timeline
