"""Customers type text; only the bot's own buttons speak in intents.

Rasa reads any message that starts with "/" as an instruction, not as words: `/restart` restarts
the conversation (and with it a per-conversation count of anything), `/back` undoes a turn,
`/choose_article{"article_id": "../health"}` fills a slot with whatever follows, and
`/request_human@0.12` sets the intent and its confidence. Rasa 3.6 does it in two places, both
fed by `MessageProcessor.parse_message`: `YAMLStoryReader.unpack_regex_message` inside the NLU
graph's `RegexMessageHandler`. So the guard sits at `parse_message`, before either.

A message that starts with "/" is let through as it is only when it is one of the payloads of
the buttons (or quick replies) the bot sent since the customer's previous message: pressing a
button keeps working, on every channel, and nothing else does. Any other such message is parsed
as the words it contains, with its leading slashes taken off, so the NLU reads it like any other
text; the tracker keeps what the customer typed. Messages handed in already parsed (the HTTP
API's `parse_data`, behind Rasa's JWT) are not the customer's typing and are left alone.

bot/serve.py installs it in the Rasa process, next to bot/rasa_patches.py, for Rasa 3.6.21 only.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.processor import MessageProcessor
from rasa.shared.constants import INTENT_MESSAGE_PREFIX
from rasa.shared.core.events import BotUttered, Event, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.version import __version__ as RASA_FOUND

from bot.rasa_patches import RASA_VERSION, UnsupportedRasaVersion

BUTTON_KINDS = ("buttons", "quick_replies")
_original_parse_message = MessageProcessor.parse_message


def offered_payloads(events: Iterable[Event]) -> set[str]:
    """The payloads of the buttons the bot sent after the customer's latest message."""
    offered: set[str] = set()
    for event in reversed(list(events)):
        if isinstance(event, UserUttered):
            break
        if not isinstance(event, BotUttered):
            continue
        for kind in BUTTON_KINDS:
            for button in event.data.get(kind) or []:
                payload = button.get("payload") if isinstance(button, dict) else None
                if isinstance(payload, str):
                    offered.add(payload.strip())
    return offered


def as_words(text: str) -> str:
    """`text` without the leading slashes that would make Rasa read it as an instruction (Rasa
    strips whitespace before looking for the "/", so whitespace between them goes too)."""
    words = text.strip()
    while words.startswith(INTENT_MESSAGE_PREFIX):
        words = words[len(INTENT_MESSAGE_PREFIX):].strip()
    return words


def refused(text: str | None, offered: set[str]) -> bool:
    """Whether `text` would be read as an instruction the bot did not offer."""
    if not isinstance(text, str):
        return False
    typed = text.strip()
    return typed.startswith(INTENT_MESSAGE_PREFIX) and typed not in offered


async def parse_message(self: MessageProcessor, message: UserMessage,
                        tracker: DialogueStateTracker | None = None,
                        only_output_properties: bool = True) -> dict[str, Any]:
    """`MessageProcessor.parse_message`, reading a payload nobody offered as plain words."""
    offered = offered_payloads(tracker.events) if tracker is not None else set()
    if not refused(message.text, offered):
        return await _original_parse_message(self, message, tracker, only_output_properties)
    as_text = UserMessage(
        text=as_words(message.text), output_channel=message.output_channel, sender_id=message.sender_id,
        input_channel=message.input_channel, message_id=message.message_id, metadata=message.metadata,
    )
    parse_data = await _original_parse_message(self, as_text, tracker, only_output_properties)
    return {**parse_data, "text": message.text}


def install(found: str = RASA_FOUND) -> None:
    """Idempotent; refuses any Rasa but the one whose parse_message this wraps."""
    if found != RASA_VERSION:
        raise UnsupportedRasaVersion(
            f"bot/payload_guard.py wraps Rasa {RASA_VERSION}'s MessageProcessor.parse_message and found "
            f"Rasa {found}: check where that Rasa reads '/intent' payloads, then update bot/rasa_patches.py"
        )
    MessageProcessor.parse_message = parse_message  # type: ignore[method-assign]


def installed() -> bool:
    return MessageProcessor.parse_message is parse_message
