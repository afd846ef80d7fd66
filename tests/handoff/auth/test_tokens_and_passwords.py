"""Tokens expire and cannot be forged; passwords are salted bcrypt; the signing key is
generated once into var/handoff_secret and reused."""

from __future__ import annotations

import stat
import time
from pathlib import Path

import pytest

from handoff.auth.passwords import hash_password, password_problem, verify_password
from handoff.auth.tokens import TokenError, TokenIssuer, credential_stamp
from handoff.settings import HandoffSettings

SECRET = "a-secret-long-enough-for-hs256-signing"


def test_a_token_names_its_agent_until_it_expires() -> None:
    issuer = TokenIssuer(SECRET, ttl_seconds=60)
    issued = issuer.issue("maya", "agent")
    assert issuer.username(issued.token) == "maya"
    assert time.time() + 58 < issued.expires_at <= time.time() + 61
    stale = issuer.issue("maya", "agent", now=time.time() - 61)
    with pytest.raises(TokenError, match="expired"):
        issuer.username(stale.token)
    with pytest.raises(TokenError, match="not valid"):
        TokenIssuer(SECRET + "-other", 60).username(issued.token)
    with pytest.raises(TokenError, match="not valid"):
        issuer.username(issued.token[:-3] + "abc")
    with pytest.raises(TokenError, match="not logged in"):
        issuer.username("")
    with pytest.raises(ValueError, match="at least 32 bytes"):
        TokenIssuer("short", 60)


def test_a_token_carries_its_own_id_and_the_credentials_stamp() -> None:
    issuer = TokenIssuer(SECRET, ttl_seconds=60)
    first, second = issuer.issue("maya", "agent", "stamp-1"), issuer.issue("maya", "agent", "stamp-1")
    claims = issuer.read(first.token)
    assert (claims.username, claims.stamp, claims.expires_at) == ("maya", "stamp-1", first.expires_at)
    assert claims.token_id and claims.token_id != issuer.read(second.token).token_id
    # A new password always has a new salt, so a new stamp.
    hashed = [hash_password("correct horse", rounds=4) for _ in range(2)]
    assert credential_stamp(hashed[0]) != credential_stamp(hashed[1])
    assert credential_stamp(hashed[0]) == credential_stamp(hashed[0])


def test_passwords_are_salted_and_checked() -> None:
    first, second = hash_password("correct horse", rounds=4), hash_password("correct horse", rounds=4)
    assert first != second and first.startswith("$2b$04$")
    assert verify_password("correct horse", first) and not verify_password("correct hors", first)
    assert not verify_password("correct horse", "not a bcrypt hash")
    assert not verify_password("x" * 100, first)
    assert password_problem("short") == "the password must have at least 8 characters"
    assert "at most 72 bytes" in (password_problem("é" * 40) or "")
    assert password_problem("larkspur-demo") is None


def test_signing_key_is_generated_once_and_private(tmp_path: Path) -> None:
    settings = HandoffSettings(BATON_VAR=tmp_path, HANDOFF_SECRET="")
    key = settings.secret_key()
    path = tmp_path / "handoff_secret"
    assert len(key) >= 60 and path.read_text() == key
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert HandoffSettings(BATON_VAR=tmp_path, HANDOFF_SECRET="").secret_key() == key
    assert HandoffSettings(BATON_VAR=tmp_path, HANDOFF_SECRET=SECRET).secret_key() == SECRET
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left behind
