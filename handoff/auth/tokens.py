"""Agents' access tokens: JWT (HS256) naming the agent, with an expiry, an id, and a stamp of
the agent's credentials.

A token stops working before it expires when it is revoked: signed out (its id, `jti`, is kept
in the store's revoked tokens until it would have expired), or when the account's password
changes or the account is removed (the token's `stamp` no longer matches the account's,
see credential_stamp).
"""

from __future__ import annotations

import hashlib
import secrets
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


@dataclass(frozen=True)
class TokenClaims:
    username: str
    token_id: str
    stamp: str
    expires_at: float


def credential_stamp(password_hash: str) -> str:
    """Changes whenever the stored password hash does (a new password always gets a new salt),
    so tokens issued before a password change or a removal no longer match the account."""
    return hashlib.sha256(f"baton-credentials:{password_hash}".encode()).hexdigest()[:32]


class TokenIssuer:
    def __init__(self, secret: str, ttl_seconds: int) -> None:
        if len(secret.encode()) < MIN_SECRET_BYTES:
            raise ValueError(f"HANDOFF_SECRET must be at least {MIN_SECRET_BYTES} bytes (HS256 wants 32 or more)")
        self._secret = secret
        self.ttl_seconds = ttl_seconds

    def issue(self, username: str, role: str, stamp: str = "", now: float | None = None) -> IssuedToken:
        issued = int(now if now is not None else time.time())
        expires = issued + self.ttl_seconds
        claims = {"sub": username, "role": role, "iat": issued, "exp": expires,
                  "jti": secrets.token_urlsafe(18), "stamp": stamp}
        return IssuedToken(jwt.encode(claims, self._secret, algorithm=ALGORITHM), float(expires))

    def read(self, token: str) -> TokenClaims:
        """The token's claims, if it is genuine and has not expired."""
        if not token:
            raise TokenError("not logged in: send Authorization: Bearer <token> from POST /auth/login")
        try:
            claims = jwt.decode(token, self._secret, algorithms=[ALGORITHM],
                                options={"require": ["exp", "sub", "jti"]})
        except jwt.ExpiredSignatureError as error:
            raise TokenError("the token has expired: log in again") from error
        except jwt.InvalidTokenError as error:
            raise TokenError(f"the token is not valid ({error}): log in again") from error
        return TokenClaims(str(claims["sub"]), str(claims["jti"]), str(claims.get("stamp", "")), float(claims["exp"]))

    def username(self, token: str) -> str:
        """The agent the token was issued to, if it is genuine and has not expired."""
        return self.read(token).username
