"""Signed-out tokens: units of work on the revoked_tokens table (run them with Database.run).
A row lives until its token would have expired anyway; each sign-out sweeps the expired ones,
so the table holds at most the tokens signed out within one token lifetime."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from handoff.store.models import RevokedTokenRow


def revoke(session: Session, token_id: str, expires_at: float, now: float) -> None:
    session.execute(delete(RevokedTokenRow).where(RevokedTokenRow.expires_at < now))
    if session.get(RevokedTokenRow, token_id) is None:
        session.add(RevokedTokenRow(token_id=token_id, expires_at=expires_at))


def is_revoked(session: Session, token_id: str) -> bool:
    return session.scalar(select(RevokedTokenRow.token_id).where(RevokedTokenRow.token_id == token_id)) is not None
