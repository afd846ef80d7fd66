"""Rasa's socket.io channel (the chat widget), bound to signed widget sessions.

Rasa 3.6's channel joins a browser to whatever conversation its `session_request` names and takes
a `user_uttered` for whatever `session_id` it carries. The conversation id is shown to agents, so
with it alone anyone could read the customer's replies live and write as the customer. Here a
browser is joined to a conversation only with the signature the handoff service issued with the
id (contract/widget_session.py, the key HANDOFF_WIDGET_KEY shared through the stack's settings),
and its messages are taken only for the conversation its socket was joined to. A refusal is an
`session_refused` event with the reason (the widget then starts a new session).

Browsers' connections are taken only from the widget's origins (`allowed_origins`); a socket.io
WebSocket is not covered by CORS, so the check is made here, on connect.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.socketio import SocketBlueprint, SocketIOOutput
from rasa.core.channels.socketio import SocketIOInput as RasaSocketIOInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.settings import RasaSettings
from bot.socketio_rooms import shared_server
from contract import widget_session

logger = logging.getLogger(__name__)

REFUSED = "session_refused"
# A socket's own fields, kept in python-socketio's per-connection session.
BOUND = "baton_session_id"


# The widget's own id of a message (bot/message_ids.py handles a message resent under it once).
MESSAGE_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")


def message_id(raw: Any) -> str | None:
    """The widget's id of a message, if it is one; else None and Rasa makes one up."""
    return raw if isinstance(raw, str) and MESSAGE_ID.fullmatch(raw) else None


def origins(raw: Any) -> frozenset[str]:
    return frozenset(item for item in re.split(r"[\s,]+", raw) if item) if isinstance(raw, str) else frozenset()


class SocketIOInput(RasaSocketIOInput):
    widget_key: bytes = b""
    allowed_origins: frozenset[str] = frozenset()

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        credentials = credentials or {}
        key = str(credentials.get("widget_key") or "")
        if not key:
            # Without it every session would be refused, or worse, signed with a guessable key.
            raise ValueError("the socket.io channel needs widget_key (HANDOFF_WIDGET_KEY, set by the stack)")
        channel = super().from_credentials(credentials)
        assert isinstance(channel, SocketIOInput)
        channel.widget_key = key.encode()
        channel.allowed_origins = origins(credentials.get("allowed_origins"))
        return channel

    def origin_allowed(self, environ: dict[str, Any]) -> bool:
        """A browser always sends Origin; a connection without one is not a page's."""
        origin = environ.get("HTTP_ORIGIN")
        return origin is None or origin in self.allowed_origins

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        # cors_allowed_origins=[]: Rasa's CORS set-up (--cors) answers the HTTP requests, as in Rasa's channel.
        # Rooms shared over Redis: an emit from any Rasa replica reaches this one's sockets.
        sio, rooms = shared_server(RasaSettings.from_env().redis_url, async_mode="sanic", cors_allowed_origins=[])
        socketio_webhook = SocketBlueprint(sio, self.socketio_path, "socketio_webhook", __name__)
        self.sio = sio

        @socketio_webhook.listener("before_server_start")
        async def listen(*_: Any) -> None:
            await rooms.ready(sio)

        @socketio_webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            # HAProxy's check (stack/haproxy.py): Rasa serves before its model is loaded, and its
            # own `/` says ok then; `/status` would need the API token.
            agent = getattr(request.app.ctx, "agent", None)
            if agent is None or not agent.is_ready():
                return response.json({"status": "loading"}, status=503)
            return response.json({"status": "ok"})

        @sio.on("connect", namespace=self.namespace)
        async def connect(sid: str, environ: dict[str, Any], auth: dict[str, Any] | None) -> bool:
            if not self.origin_allowed(environ):
                logger.info("socket.io connection refused from origin %r", environ.get("HTTP_ORIGIN"))
                return False
            return True

        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: str, data: Any = None) -> None:  # an event may carry no data
            data = data if isinstance(data, dict) else {}
            session_id, secret = data.get("session_id"), data.get("secret")
            if not widget_session.valid(self.widget_key, session_id, secret):
                await sio.emit(
                    REFUSED,
                    {
                        "session_id": session_id if isinstance(session_id, str) else None,
                        "detail": "this session needs the secret issued with it",
                    },
                    room=sid,
                    namespace=self.namespace,
                )
                return
            session = await sio.get_session(sid, namespace=self.namespace)
            previous = session.get(BOUND)
            if previous and previous != session_id:
                sio.leave_room(sid, previous, namespace=self.namespace)
            session[BOUND] = session_id
            await sio.save_session(sid, session, namespace=self.namespace)
            sio.enter_room(sid, session_id, namespace=self.namespace)
            await sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)

        @sio.on(self.user_message_evt, namespace=self.namespace)
        async def handle_message(sid: str, data: Any = None) -> dict[str, Any]:
            data = data if isinstance(data, dict) else {}
            bound = (await sio.get_session(sid, namespace=self.namespace)).get(BOUND)
            claimed = data.get("session_id")
            if not bound or (claimed is not None and claimed != bound):
                await sio.emit(
                    REFUSED,
                    {
                        "session_id": claimed if isinstance(claimed, str) else None,
                        "detail": "send session_request with the session's secret first",
                    },
                    room=sid,
                    namespace=self.namespace,
                )
                return {"ok": False, "error": "session not confirmed"}
            text = data.get("message", "")
            if not isinstance(text, str):
                return {"ok": False, "error": "a message is text"}
            metadata = data.get(self.metadata_key) or {}
            if isinstance(metadata, str):
                try:
                    metadata = json.loads(metadata)
                except ValueError:
                    metadata = {}
            message = UserMessage(
                text,
                SocketIOOutput(sio, self.bot_message_evt),
                bound,
                input_channel=self.name(),
                metadata=metadata if isinstance(metadata, dict) else {},
                message_id=message_id(data.get("message_id")),
            )
            await on_new_message(message)
            return {"ok": True}

        return socketio_webhook
