"""Chat-widget sessions: the conversation id a visitor's browser keeps, and the secret that
proves the browser was given it.

The conversation id is shown to agents in the console, so the id alone must not unlock the
conversation. When the widget starts a conversation the handoff service issues the id together
with HMAC(key, id) (contract/widget_session.py); reading the history requires both, and so does
Rasa's socket.io channel before it joins a browser to the conversation or takes its messages
(bot/channels/socketio.py). The secret is derived, not stored, so any replica can check it and
nothing expires separately from the conversation itself.

The key is HANDOFF_WIDGET_KEY, which the stack hands to both processes (stack/settings.py, kept
in var/widget_key). A handoff service started alone without it generates one and keeps it in
Redis; Rasa cannot check that one, so the widget's chat works only with the shared key."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import uuid
from dataclasses import dataclass

from redis.asyncio import Redis

from contract import widget_session

# Widget-issued ids are uuid4 hex; anything else never had a secret from us.
SESSION_ID = re.compile(r"^[0-9a-f]{32}$")


# A shorter stored key was not written by us (ours are 64 hex characters).
MIN_KEY_BYTES = 32


def stored_key(stored: bytes | str | None, key_name: str) -> bytes:
    """The signing key as read from Redis. Anything missing or short is refused: signing with
    whatever it turned into (the text "None" once) would let anyone compute every session's secret."""
    key = stored.encode() if isinstance(stored, str) else stored
    if not key or len(key) < MIN_KEY_BYTES:
        raise RuntimeError(f"the widget signing key {key_name} is missing or too short in Redis; "
                           "set HANDOFF_WIDGET_KEY or let the service generate it again")
    return key


@dataclass(frozen=True)
class WidgetSession:
    session_id: str
    secret: str


class WidgetSessions:
    def __init__(self, redis: Redis, prefix: str, configured_key: str = "") -> None:
        self.redis = redis
        self.key_name = f"{prefix}:widget:key"
        self._key = configured_key.encode() if configured_key else None

    async def _signing_key(self) -> bytes:
        if self._key is None:
            # SET NX: the first replica to start decides the key; the others read it.
            await self.redis.set(self.key_name, secrets.token_hex(32), nx=True)
            self._key = stored_key(await self.redis.get(self.key_name), self.key_name)
        return self._key

    async def _sign(self, session_id: str) -> str:
        return widget_session.signature(await self._signing_key(), session_id)

    async def start(self) -> WidgetSession:
        session_id = uuid.uuid4().hex
        return WidgetSession(session_id, await self._sign(session_id))

    async def resumed(self, session_id: str) -> WidgetSession:
        """The session of a widget-issued id, for a visitor who proved it another way (a reply
        link's token, handoff/auth/resume_links.py)."""
        if not SESSION_ID.match(session_id):
            raise ValueError("not a widget session id")
        return WidgetSession(session_id, await self._sign(session_id))

    async def verify(self, session_id: str, secret: str) -> bool:
        if not SESSION_ID.match(session_id) or not secret:
            return False
        return widget_session.valid(await self._signing_key(), session_id, secret)

    async def sign(self, purpose: str, message: str) -> str:
        """HMAC-SHA256 of `message` under a key derived from the widget key for `purpose` (a
        reply link's token, handoff/auth/resume_links.py), so no signature made for one purpose
        is ever a session's secret or valid for another purpose."""
        derived = hmac.new(await self._signing_key(), f"baton-purpose:{purpose}".encode(), hashlib.sha256).digest()
        return hmac.new(derived, message.encode(), hashlib.sha256).hexdigest()
