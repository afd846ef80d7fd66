"""Chat-widget sessions: the conversation id a visitor's browser keeps, and the secret that
proves the browser was given it.

Rasa's socket.io channel trusts whatever `session_id` a browser names, and the conversation id
is also shown to agents in the console, so the id alone must not unlock the transcript. When
the widget starts a conversation the handoff service issues the id together with
HMAC(key, id); reading the history later requires both. The secret is derived, not stored, so
any replica can check it and nothing expires separately from the conversation itself.

The key is HANDOFF_WIDGET_KEY when set; otherwise one is generated once and kept in Redis,
shared by every replica and surviving restarts (a visitor's stored secret stays valid).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import uuid
from dataclasses import dataclass

from redis.asyncio import Redis

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
        key = await self._signing_key()
        return hmac.new(key, f"widget-session:{session_id}".encode(), hashlib.sha256).hexdigest()

    async def start(self) -> WidgetSession:
        session_id = uuid.uuid4().hex
        return WidgetSession(session_id, await self._sign(session_id))

    async def verify(self, session_id: str, secret: str) -> bool:
        if not SESSION_ID.match(session_id) or not secret:
            return False
        return hmac.compare_digest(await self._sign(session_id), secret)
