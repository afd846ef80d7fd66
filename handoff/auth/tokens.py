"""Agents' access tokens: JWT (HS256) naming the agent, with an expiry."""

from __future__ import annotations

import time
from dataclasses import dataclass

import jwt

ALGORITHM = "HS256"
MIN_SECRET_BYTES = 32


class TokenError(Exception):
    """The token is missing, malformed, forged or expired; the message says which."""


@dataclass(frozen=True)
class IssuedToken:
    token: str
    expires_at: float


class TokenIssuer:
    def __init__(self, secret: str, ttl_seconds: int) -> None:
        if len(secret.encode()) < MIN_SECRET_BYTES:
            raise ValueError(f"HANDOFF_SECRET must be at least {MIN_SECRET_BYTES} bytes (HS256 wants 32 or more)")
        self._secret = secret
        self.ttl_seconds = ttl_seconds

    def issue(self, username: str, role: str, now: float | None = None) -> IssuedToken:
        issued = int(now if now is not None else time.time())
        expires = issued + self.ttl_seconds
        claims = {"sub": username, "role": role, "iat": issued, "exp": expires}
        return IssuedToken(jwt.encode(claims, self._secret, algorithm=ALGORITHM), float(expires))

    def username(self, token: str) -> str:
        """The agent the token was issued to, if it is genuine and has not expired."""
        if not token:
            raise TokenError("not logged in: send Authorization: Bearer <token> from POST /auth/login")
        try:
            claims = jwt.decode(token, self._secret, algorithms=[ALGORITHM], options={"require": ["exp", "sub"]})
        except jwt.ExpiredSignatureError as error:
            raise TokenError("the token has expired: log in again") from error
        except jwt.InvalidTokenError as error:
            raise TokenError(f"the token is not valid ({error}): log in again") from error
        return str(claims["sub"])
