"""What Rasa takes as a customer's message, on every channel: its size and, where Rasa's own
connectors trust the body, its shape (issue 19, finding 9 and the fuzz of "Faults, measured").

- Size, every channel: a message longer than BATON_MAX_MESSAGE_CHARS (bot/settings.py, default
  2,000 characters) is answered on the channel it came from with a request to send it in shorter
  parts, and goes no further: not to the NLU, the tracker, the event stream or an agent. Checked in
  `Agent.handle_message`, which every input channel calls (REST, callback, socket.io, Telegram,
  Twilio, Facebook, Slack), so no channel can be missed. Nothing is lost silently: the customer
  is told, in words, and still has their text.
- Text, every channel: a lone UTF-16 surrogate (JSON allows "\ud800") cannot be written as UTF-8
  and made spaCy fail on the message, and a NUL character cannot be stored by PostgreSQL (the
  handoff store's text and JSONB refuse it); each becomes U+FFFD, as a decoder would make it.
- Shape, the REST (and callback) channel: the body must be a JSON object with a non-empty
  `sender` (text or a number, at most MAX_SENDER_ID characters and no NUL: the handoff store
  keys conversations by it), a `message` that is text, and `metadata`, when given, an object.
  Otherwise 400 with one sentence that says what is wrong. Rasa's handler would answer 500 (a list
  or an empty body) or log an exception and answer `[]` (a number as message), and a body without
  `sender` would land in the one conversation called "default" that every such client shares.
- Shape, socket.io, for Rasa's own SocketIOInput: `user_uttered` and `session_request` must carry
  an object with text where text belongs (metadata: an object, or a JSON object as text); the client
  is told otherwise. Rasa's handlers raise on anything else, which engine.io logs as an unhandled
  error. Baton's widget channel (bot/channels/socketio.py) has handlers of its own that check
  their events themselves; this applies where credentials name Rasa's `socketio` channel.

`install()` patches Rasa 3.6's classes in place (bot/serve.py calls it, after bot/rasa_patches.py);
the connectors' subclasses in bot/channels/ inherit the checks.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.agent import Agent
from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from rasa.core.channels.socketio import SocketIOInput
from sanic.exceptions import InvalidUsage
from sanic.request import Request

from bot.settings import RasaSettings
from contract.bot_handoff import MAX_SENDER_ID

logger = logging.getLogger(__name__)
_INSTALLED = "_baton_message_limits"

TOO_LONG = ("Sorry, that message is too long for me to read: {length:,} characters, and I can take at most "
            "{limit:,}. Could you send it again in shorter parts?")
UNREADABLE = "Sorry, I could not read that message. Please type it again."


def too_long(text: Any, limit: int) -> bool:
    return isinstance(text, str) and len(text) > limit


def readable(text: str) -> str:
    """`text` with each lone surrogate (pairs were joined when it was decoded) and each NUL
    replaced by U+FFFD."""
    text = text.replace("\x00", "\ufffd")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return text


# --- every channel: the size ---

def _limit_size(handle_message: Callable[..., Awaitable[Any]], limit: int) -> Callable[..., Awaitable[Any]]:
    async def handle_within_limit(self: Agent, message: UserMessage) -> Any:
        if too_long(message.text, limit):
            logger.info("refused a message of %d characters (more than %d) on %s", len(message.text), limit,
                        message.input_channel)
            await message.output_channel.send_text_message(
                message.sender_id, TOO_LONG.format(length=len(message.text), limit=limit))
            return None
        if isinstance(message.text, str):
            message.text = readable(message.text)
        return await handle_message(self, message)

    return handle_within_limit


# --- the REST channel: the body's shape ---

def rest_problem(body: Any) -> str | None:
    """What is wrong with a REST channel body, in one sentence; None when nothing is."""
    if not isinstance(body, dict):
        return "the body must be a JSON object with 'sender' and 'message'"
    sender = body.get("sender")
    if sender is None or sender == "":
        return "'sender' is required: the id of the conversation, as text"
    if isinstance(sender, bool) or not isinstance(sender, (str, int)):
        return "'sender' must be text (or a number)"
    if len(str(sender)) > MAX_SENDER_ID:
        return f"'sender' must be at most {MAX_SENDER_ID} characters"
    if "\x00" in str(sender):
        return "'sender' must not contain NUL characters"
    if not isinstance(body.get("message"), str):
        return "'message' is required and must be text"
    if body.get("metadata") is not None and not isinstance(body["metadata"], dict):
        return "'metadata' must be a JSON object"
    if body.get("input_channel") is not None and not isinstance(body["input_channel"], str):
        return "'input_channel' must be text"
    return None


def _checked_body(request: Request) -> dict[str, Any]:
    body = request.json  # Sanic answers 400 itself when the body is not JSON
    problem = rest_problem(body)
    if problem is not None:
        raise InvalidUsage(problem)  # 400, with the sentence as the answer's message
    return body


def _check_rest_sender(extract_sender: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    # The REST handler reads the sender first, before anything else of the body: checking the
    # whole body here refuses a bad one before Rasa touches it.
    async def checked_sender(self: RestInput, request: Request) -> Any:
        _checked_body(request)
        return await extract_sender(self, request)

    return checked_sender


# --- the socket.io channel: the events' shape ---

def socket_message_problem(data: Any, needs_session: bool) -> str | None:
    if not isinstance(data, dict):
        return "a message must be an object with 'message' and 'session_id'"
    if not isinstance(data.get("message", ""), str):
        return "'message' must be text"
    session = data.get("session_id")
    if needs_session and session is not None and not isinstance(session, str):
        return "'session_id' must be text"
    return None


def socket_metadata(data: dict[str, Any], key: str) -> tuple[dict[str, Any] | None, str | None]:
    """The message's metadata as an object (the widget may send it as JSON text), or a problem."""
    metadata = data.get(key)
    if metadata is None:
        return {}, None
    if isinstance(metadata, str):
        try:
            metadata = json.loads(metadata)
        except ValueError:
            return None, f"'{key}' is not valid JSON"
    if not isinstance(metadata, dict):
        return None, f"'{key}' must be an object"
    return metadata, None


def _check_socket_events(blueprint: Callable[..., Any]) -> Callable[..., Any]:
    def checked_blueprint(self: SocketIOInput, on_new_message: Callable[..., Awaitable[Any]]) -> Any:
        created = blueprint(self, on_new_message)
        sio = self.sio
        handlers = sio.handlers[self.namespace or "/"]
        user_message, session_request = handlers[self.user_message_evt], handlers["session_request"]

        async def refuse(sid: str, problem: str) -> None:
            logger.info("refused a socket.io event: %s", problem)
            await sio.emit(self.bot_message_evt, {"text": UNREADABLE, "error": problem}, room=sid,
                           namespace=self.namespace)

        async def checked_user_message(sid: str, *args: Any) -> None:
            data = args[0] if len(args) == 1 else None
            problem = socket_message_problem(data, self.session_persistence)
            if problem is None:
                metadata, problem = socket_metadata(data, self.metadata_key)
            if problem is not None:
                await refuse(sid, problem)
                return
            await user_message(sid, {**data, self.metadata_key: metadata})

        async def checked_session_request(sid: str, *args: Any) -> None:
            data = args[0] if len(args) == 1 else None
            if data is not None and not isinstance(data, dict):
                await refuse(sid, "a session request must be an object (or nothing)")
                return
            session = (data or {}).get("session_id")
            if session is not None and not isinstance(session, str):
                await refuse(sid, "'session_id' must be text")
                return
            await session_request(sid, dict(data) if data else None)

        handlers[self.user_message_evt] = checked_user_message
        handlers["session_request"] = checked_session_request
        return created

    return checked_blueprint


def install(settings: RasaSettings | None = None) -> None:
    """Install the checks into Rasa's classes, once."""
    if getattr(Agent, _INSTALLED, False):
        return
    limit = (settings or RasaSettings.from_env()).max_message_chars
    Agent.handle_message = _limit_size(Agent.handle_message, limit)  # type: ignore[method-assign]
    RestInput._extract_sender = _check_rest_sender(RestInput._extract_sender)  # type: ignore[method-assign]
    SocketIOInput.blueprint = _check_socket_events(SocketIOInput.blueprint)  # type: ignore[method-assign]
    setattr(Agent, _INSTALLED, True)
