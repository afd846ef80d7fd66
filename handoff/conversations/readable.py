"""A conversation's transcript as people read it, in the agent's console and the customer's widget.

The transcript in Redis (ConversationStore) is what the event stream said: a button press is its
payload (`/deny`, `/inform{"exchange_sku": "..."}`), a hand-back is a message nobody typed
(`EXTERNAL: handback`), a notice is a bot event in an agent's name. Read here:

- a customer message that is the payload of a button the bot offered since the customer's
  previous message is shown as that button's title, marked `pressed` (the same rule as
  bot/payload_guard.py, which obeys only those payloads: a payload nobody offered was read as
  words, and is shown as typed);
- trigger_intent's messages and the bot's internal intents are nobody's words: left out;
- join, leave and transfer notices (`kind` agent_joined / agent_left) have the role `system`;
- a message that reached the bot twice under one message id (resent after a reload) shows once.

Every line keeps its stream id (`id`), so a client that also gets live pushes shows each once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from contract import bot_handoff as contract

NOTICE_KINDS = frozenset({contract.AGENT_JOINED, contract.AGENT_LEFT})
# Intents only the machinery sends (trigger_intent); a customer line with one was not typed.
INTERNAL_INTENTS = frozenset({contract.HANDBACK_INTENT})


def hidden(line: Mapping[str, Any]) -> bool:
    """A customer line nobody typed: an external trigger or an internal intent."""
    return line.get("role") == "customer" and (line.get("external") is True or line.get("intent") in INTERNAL_INTENTS)


def pressed_button(text: str, offered: Iterable[Mapping[str, Any]]) -> dict[str, str] | None:
    """The offered button whose payload `text` is, if any."""
    typed = text.strip()
    if not typed.startswith("/"):
        return None
    for button in offered:
        if button.get("payload") == typed and isinstance(button.get("title"), str) and button["title"].strip():
            return {"title": button["title"].strip(), "payload": typed}
    return None


def readable(lines: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """`lines` (oldest first) as people read them; each line's own fields kept, `text` and
    `role` changed where they say it, `pressed` (the button's payload) on a button press."""
    shown: list[dict[str, Any]] = []
    offered: list[Mapping[str, Any]] = []  # buttons the bot sent since the customer's last message
    seen_messages: set[str] = set()
    for line in lines:
        role = line.get("role")
        if role == "customer":
            buttons, offered = offered, []
            message_id = line.get("message_id")
            if hidden(line) or (isinstance(message_id, str) and message_id in seen_messages):
                continue
            if isinstance(message_id, str):
                seen_messages.add(message_id)
            out = {key: value for key, value in line.items() if key != "buttons"}
            button = pressed_button(str(line.get("text") or ""), buttons)
            if button is not None:
                out.update(text=button["title"], pressed=button["payload"])
            shown.append(out)
        elif role in ("bot", "agent"):
            buttons = line.get("buttons")
            if isinstance(buttons, list):
                offered.extend(button for button in buttons if isinstance(button, Mapping))
            out = {key: value for key, value in line.items() if key != "buttons"}
            if line.get("kind") in NOTICE_KINDS:
                out["role"] = "system"
            shown.append(out)
    return shown
