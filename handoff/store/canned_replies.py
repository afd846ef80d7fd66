"""Canned replies: units of work on their table, each change appended to the audit in the same
transaction (store/audit.py)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from handoff.errors import Conflict, NotFound
from handoff.store import audit
from handoff.store.models import CannedReplyRow

# Far more than a team reads through in a drop-down; the list is one page.
MAX_REPLIES = 500


@dataclass(frozen=True)
class CannedReply:
    id: str
    title: str
    team: str
    text: str
    updated_at: float
    updated_by: str

    def public(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "team": self.team, "text": self.text,
                "updated_at": self.updated_at, "updated_by": self.updated_by}

    def content(self) -> dict[str, str]:
        """What the audit records of it."""
        return {"title": self.title, "team": self.team, "text": self.text}


def _reply(row: CannedReplyRow) -> CannedReply:
    return CannedReply(id=row.id, title=row.title, team=row.team, text=row.text, updated_at=row.updated_at,
                       updated_by=row.updated_by)


def all_replies(session: Session) -> list[CannedReply]:
    query = select(CannedReplyRow).order_by(CannedReplyRow.team, CannedReplyRow.title).limit(MAX_REPLIES)
    return [_reply(row) for row in session.scalars(query)]


def add(session: Session, *, title: str, team: str, text: str, by: str, now: float) -> CannedReply:
    if (session.scalar(select(func.count()).select_from(CannedReplyRow)) or 0) >= MAX_REPLIES:
        raise Conflict(f"there are {MAX_REPLIES} canned replies already: delete some first")
    row = CannedReplyRow(id=secrets.token_hex(8), title=title, team=team, text=text, updated_at=now, updated_by=by)
    session.add(row)
    session.flush()
    created = _reply(row)
    audit.append(session, actor=by, action="canned_reply.created", target=f"canned reply {row.id}", now=now,
                 after=created.content())
    return created


def _locked(session: Session, reply_id: str) -> CannedReplyRow:
    # Ids are opaque to clients: one no reply can have (too long; a NUL, which PostgreSQL refuses
    # in a query) is simply not found.
    if len(reply_id) > 64 or "\x00" in reply_id:
        raise NotFound("no such canned reply (deleted by someone else?)")
    row = session.scalar(select(CannedReplyRow).where(CannedReplyRow.id == reply_id).with_for_update())
    if row is None:
        raise NotFound("no such canned reply (deleted by someone else?)")
    return row


def update(session: Session, reply_id: str, *, title: str, team: str, text: str, by: str, now: float) -> CannedReply:
    row = _locked(session, reply_id)
    before = _reply(row).content()
    row.title, row.team, row.text, row.updated_at, row.updated_by = title, team, text, now, by
    updated = _reply(row)
    audit.append(session, actor=by, action="canned_reply.updated", target=f"canned reply {row.id}", now=now,
                 before=before, after=updated.content())
    return updated


def delete(session: Session, reply_id: str, *, by: str, now: float) -> None:
    row = _locked(session, reply_id)
    audit.append(session, actor=by, action="canned_reply.deleted", target=f"canned reply {row.id}", now=now,
                 before=_reply(row).content())
    session.delete(row)
