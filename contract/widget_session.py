"""The chat widget's session signature, checked by both sides: the handoff service issues it
with the session id (handoff/auth/widget_sessions.py), Rasa's socket.io channel refuses a
session without it (bot/channels/socketio.py). Both sides get the key from the stack
(HANDOFF_WIDGET_KEY). Standard library only."""

from __future__ import annotations

import hashlib
import hmac


def signature(key: bytes, session_id: str) -> str:
    """HMAC-SHA256 of the session id under the widget key, as hex."""
    return hmac.new(key, f"widget-session:{session_id}".encode(), hashlib.sha256).hexdigest()


def valid(key: bytes, session_id: object, secret: object) -> bool:
    """Whether `secret` is the signature of `session_id`; anything that is not a non-empty pair
    of strings is not."""
    if not key or not isinstance(session_id, str) or not isinstance(secret, str) or not session_id or not secret:
        return False
    return hmac.compare_digest(signature(key, session_id), secret)
