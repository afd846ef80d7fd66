"""The help centre's "Was this helpful?" votes: one per visitor and article, kept in SQLite.

The handoff service reads them (GET /votes, oldest first after a cursor) into its reporting
events; see docs/decisions/0175-help-centre-pages-and-votes.md for why it pulls them."""

from __future__ import annotations

import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

_SCHEMA = """
CREATE TABLE IF NOT EXISTS votes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    visitor TEXT NOT NULL,
    article_id TEXT NOT NULL,
    helpful INTEGER NOT NULL,
    at REAL NOT NULL,
    UNIQUE (visitor, article_id)
);
CREATE INDEX IF NOT EXISTS votes_at ON votes (at);
"""


@dataclass(frozen=True)
class Vote:
    seq: int
    visitor: str
    article_id: str
    helpful: bool
    at: float


class VoteStore:
    """A visitor who votes again on the same article changes their vote: the row is replaced
    and gets a new sequence number, so a reader following the cursor sees the change."""

    def __init__(self, path: Path, keep_days: int) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.keep_seconds = keep_days * 86400
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(_SCHEMA)

    def record(self, visitor: str, article_id: str, helpful: bool, now: float | None = None) -> Vote:
        at = time.time() if now is None else now
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                # Bounded: votes older than the retention go as new ones come.
                self._db.execute("DELETE FROM votes WHERE at < ?", (at - self.keep_seconds,))
                self._db.execute("DELETE FROM votes WHERE visitor = ? AND article_id = ?", (visitor, article_id))
                cursor = self._db.execute(
                    "INSERT INTO votes (visitor, article_id, helpful, at) VALUES (?, ?, ?, ?)",
                    (visitor, article_id, int(helpful), at),
                )
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        return Vote(int(cursor.lastrowid or 0), visitor, article_id, helpful, at)

    def after(self, seq: int, limit: int) -> list[Vote]:
        with self._lock:
            rows = self._db.execute(
                "SELECT seq, visitor, article_id, helpful, at FROM votes WHERE seq > ? ORDER BY seq LIMIT ?",
                (seq, limit),
            ).fetchall()
        return [Vote(r[0], r[1], r[2], bool(r[3]), r[4]) for r in rows]

    def counts(self, article_id: str) -> tuple[int, int]:
        """(helpful, not helpful) for one article."""
        with self._lock:
            row = self._db.execute(
                "SELECT COALESCE(SUM(helpful), 0), COALESCE(SUM(1 - helpful), 0) FROM votes WHERE article_id = ?",
                (article_id,),
            ).fetchone()
        return int(row[0]), int(row[1])

    def close(self) -> None:
        with self._lock:
            self._db.close()
