"""Rasa tracker events as the handoff service sees them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from contract import bot_handoff as contract


@dataclass(frozen=True)
class StreamEvent:
    """One entry of the event stream: its stream id and the Rasa event it carries."""

    entry_id: str
    sender_id: str
    type: str
    event: dict[str, Any]

    @classmethod
    def from_entry(cls, entry_id: str, fields: dict[str, str]) -> StreamEvent:
        try:
            event = json.loads(fields.get(contract.ENTRY_EVENT, "{}"))
        except json.JSONDecodeError:
            event = {}
        if not isinstance(event, dict):
            event = {}
        return cls(
            entry_id=entry_id,
            sender_id=fields.get(contract.ENTRY_SENDER_ID) or str(event.get("sender_id", "")),
            type=fields.get(contract.ENTRY_TYPE) or str(event.get("event", "")),
            event=event,
        )

    @property
    def timestamp(self) -> float:
        value = self.event.get("timestamp")
        return float(value) if isinstance(value, (int, float)) else 0.0

    @property
    def metadata(self) -> dict[str, Any]:
        meta = self.event.get("metadata")
        return meta if isinstance(meta, dict) else {}

    @property
    def channel(self) -> str | None:
        return self.event.get("input_channel") or self.metadata.get("input_channel")

    def transcript_entry(self, max_text_chars: int | None = None) -> dict[str, Any] | None:
        """The line this event adds to the conversation's transcript, if it adds one; its text cut
        to `max_text_chars` (marked with `cut_from`, the length said) so no line grows unbounded."""
        entry = self._transcript_line()
        if entry is None or max_text_chars is None:
            return entry
        text = entry["text"]
        if len(text) > max_text_chars:
            entry["text"] = text[: max_text_chars - 1] + "\u2026"
            entry["cut_from"] = len(text)
        return entry

    def _transcript_line(self) -> dict[str, Any] | None:
        if not self.event:  # unreadable entry: nothing trustworthy to show
            return None
        if self.type == "user":
            parse = self.event.get("parse_data") or {}
            intent = parse.get("intent") or {}
            text = _text(self.event.get("text"))
            return {
                "id": self.entry_id,
                # the channel's id of the message: one sent twice (a reload mid-send) shows once
                "message_id": _short(self.event.get("message_id")),
                "role": "customer",
                "text": text,
                # trigger_intent's own message ("EXTERNAL: handback"): nobody said it
                "external": self.metadata.get("is_external") is True
                and text == f"{EXTERNAL_PREFIX}{intent.get('name')}",
                "time": self.timestamp,
                "channel": self.channel,
                "intent": intent.get("name"),
                "confidence": intent.get("confidence"),
                # engine: the entities the NLU found (an order number typed but never put in a slot)
                "entities": [{"entity": e.get("entity"), "value": e.get("value")}
                             for e in parse.get("entities") or [] if isinstance(e, dict) and e.get("entity")],
            }
        if self.type == "bot":
            agent = self.metadata.get("agent")
            return {
                "id": self.entry_id,
                "role": "agent" if agent else "bot",
                "agent": agent,
                # engine: the response that said it, for the detector's "bot repeats itself"
                "action": self.metadata.get("utter_action"),
                # "agent_joined" / "agent_left" notices are shown as notices, not as the agent's words
                "kind": self.metadata.get("kind"),
                "text": _text(self.event.get("text")),
                "time": self.timestamp,
                # what the customer could press, to show a pressed button by its title
                "buttons": _buttons(self.event.get("data")),
            }
        return None


# Rasa's text of a trigger_intent message (rasa.shared.core.constants.EXTERNAL_MESSAGE_PREFIX).
EXTERNAL_PREFIX = "EXTERNAL: "
# A bot message's buttons kept in a transcript line: enough for any menu the bot sends, bounded
# because a bot event written through the HTTP API may carry anything.
MAX_BUTTONS = 20
MAX_BUTTON_CHARS = 500


def _short(value: Any, limit: int = 128) -> str | None:
    return value[:limit] if isinstance(value, str) and value else None


def _buttons(data: Any) -> list[dict[str, str]]:
    """The title and payload of each button (or quick reply) a bot event carries."""
    if not isinstance(data, dict):
        return []
    found: list[dict[str, str]] = []
    for kind in ("buttons", "quick_replies"):
        for button in data.get(kind) or []:
            if len(found) >= MAX_BUTTONS:
                return found
            if not isinstance(button, dict):
                continue
            title, payload = button.get("title"), button.get("payload")
            if isinstance(title, str) and isinstance(payload, str) and payload.strip():
                found.append({"title": title[:MAX_BUTTON_CHARS], "payload": payload.strip()[:MAX_BUTTON_CHARS]})
    return found


def _text(value: Any) -> str:
    """What was said, as text: an event written by hand may carry anything in `text`."""
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value)
