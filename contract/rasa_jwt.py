"""The claims of the JWT every caller of Rasa's HTTP API and REST channel signs with RASA_TOKEN
(Rasa checks it with --jwt-secret, bot/serve.py): the handoff service and the launcher build
the same token. Standard library only; each caller signs with PyJWT."""

from __future__ import annotations

import time
from typing import Any


def admin_claims(username: str, ttl_seconds: int, now: float | None = None) -> dict[str, Any]:
    """Rasa reads `user.role`: `admin` may use any conversation, `user` only its own."""
    issued = int(time.time() if now is None else now)
    return {"user": {"username": username, "role": "admin"}, "iat": issued, "exp": issued + ttl_seconds}
