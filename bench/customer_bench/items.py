"""The frozen set's items as read from bench/customer_eval/, and its dev/test split."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "customer_eval"
SPLITS = ("dev", "test")
# Classes whose conversations all end without a person; every other class is decided per item.
CONVERSATION_CLASSES = (
    "promise", "article_about_person", "indirect_request", "other_language", "facts_remembered", "sarcasm",
    "person_only_topic", "verification_failures", "nonsense", "frustration_lookalike", "calm",
)
QUESTION_CLASSES = ("answerable", "quantity", "policy_as_action", "sloppy_typing", "person_handled", "off_domain")
# Failed verifications pause order lookups; played last so a lockout cannot reach another item.
PLAYED_LAST = ("verification_failures",)
MAX_TURNS = 12
MAX_TEXT = 1000


def split_of(item_id: str) -> str:
    """The README's rule: test when sha256(id)'s last hex digit is 0-7, else dev."""
    return "test" if hashlib.sha256(item_id.encode("utf-8")).hexdigest()[-1] in "01234567" else "dev"


@dataclass(frozen=True)
class Conversation:
    id: str
    cls: str
    turns: tuple[str, ...]
    needs_person: bool

    @property
    def split(self) -> str:
        return split_of(self.id)


@dataclass(frozen=True)
class Question:
    id: str
    cls: str
    text: str
    facts: tuple[re.Pattern[str], ...]
    article_allowed: bool

    @property
    def split(self) -> str:
        return split_of(self.id)


def _text(value: object, where: str) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_TEXT:
        raise ValueError(f"{where}: expected a non-empty string of at most {MAX_TEXT} characters")
    return value


def _rows(path: Path) -> list[dict[str, object]]:
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            row = json.loads(line)
            if not isinstance(row, dict):
                raise ValueError(f"{path.name}:{number}: expected an object")
            rows.append(row)
    return rows


def _unique(ids: list[str], name: str) -> None:
    if len(set(ids)) != len(ids):
        raise ValueError(f"{name}: duplicate ids")


def conversations(data: Path = DATA) -> list[Conversation]:
    found = []
    for row in _rows(data / "conversations.jsonl"):
        where = f"conversation {row.get('id')!r}"
        turns = row.get("turns")
        if not isinstance(turns, list) or not 1 <= len(turns) <= MAX_TURNS:
            raise ValueError(f"{where}: turns must be a list of 1 to {MAX_TURNS} messages")
        if row.get("class") not in CONVERSATION_CLASSES or not isinstance(row.get("needs_person"), bool):
            raise ValueError(f"{where}: unknown class or needs_person not a boolean")
        found.append(Conversation(_text(row.get("id"), where), str(row["class"]),
                                  tuple(_text(t, where) for t in turns), bool(row["needs_person"])))
    _unique([c.id for c in found], "conversations.jsonl")
    return found


def questions(data: Path = DATA) -> list[Question]:
    found = []
    for row in _rows(data / "questions.jsonl"):
        where = f"question {row.get('id')!r}"
        facts = row.get("facts")
        if row.get("class") not in QUESTION_CLASSES or not isinstance(facts, list):
            raise ValueError(f"{where}: unknown class or facts not a list")
        found.append(Question(_text(row.get("id"), where), str(row["class"]), _text(row.get("question"), where),
                              tuple(re.compile(_text(f, where), re.IGNORECASE) for f in facts),
                              row.get("article", True) is not False))
    _unique([q.id for q in found], "questions.jsonl")
    return found


def chosen(items: list, split: str, limit: int | None, ids: set[str] | None = None) -> list:
    """Items of one split (or all), optionally only the named ids, the first `limit` of them."""
    picked = [i for i in items if (split == "all" or i.split == split) and (not ids or i.id in ids)]
    return picked[:limit] if limit is not None else picked


def play_order(convs: list[Conversation]) -> list[list[Conversation]]:
    """Phases, each played to its end before the next: everything else first, then the classes
    that lock orders, those whose customer gets verified before those who get locked out. A lock
    holds the order for everyone for 15 minutes (decision 0115), so a locked-out conversation
    played before another one on the same demo order would lock that customer out too: the
    product doing its job, but not the independent customer the item describes."""
    locking = [c for c in convs if c.cls in PLAYED_LAST]
    return [[c for c in convs if c.cls not in PLAYED_LAST],
            [c for c in locking if not c.needs_person], [c for c in locking if c.needs_person]]
