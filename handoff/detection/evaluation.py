"""The labelled data in `handoff/eval/`, its dev/test split, and the figures both fitting and the bench use.

Split: an item is in the test split when the first hex digit of sha256(id) is below 6 (6 of 16,
about 38%), else dev. The split is fixed by the ids, so nobody chooses what is held out.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from handoff.detection.turns import Turn

EVAL_DIR = Path(__file__).resolve().parent.parent / "eval"


def split_of(item_id: str) -> str:
    return "test" if int(hashlib.sha256(item_id.encode()).hexdigest()[0], 16) < 6 else "dev"


@dataclass(frozen=True)
class Message:
    id: str
    text: str
    frustrated: bool
    explicit_request: bool
    kind: str

    @property
    def handover(self) -> bool:
        return self.frustrated or self.explicit_request

    def history(self) -> list[Turn]:
        return [Turn(role="customer", text=self.text, timestamp=0.0)]


@dataclass(frozen=True)
class Conversation:
    id: str
    kind: str
    handover: bool
    reason: str | None
    handover_at: int | None
    turns: tuple[Turn, ...]

    def prefixes(self) -> Iterator[tuple[int, list[Turn]]]:
        """(index, history) for every customer turn: what the detector sees after each message."""
        for index, turn in enumerate(self.turns):
            if turn.role == "customer":
                yield index, list(self.turns[: index + 1])


def _read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if line.strip():
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as exc:
                    raise ValueError(f"{path}:{number}: not JSON: {exc.msg}") from None


def load_messages(path: Path = EVAL_DIR / "messages.jsonl") -> list[Message]:
    return [
        Message(row["id"], row["text"], row["label"] == "frustrated", bool(row["explicit_request"]), row["kind"])
        for row in _read_jsonl(path)
    ]


def load_conversations(path: Path = EVAL_DIR / "conversations.jsonl") -> list[Conversation]:
    conversations = []
    for row in _read_jsonl(path):
        turns = tuple(
            Turn(
                role=turn["role"],
                text=turn["text"],
                timestamp=float(turn["timestamp"]),
                intent=turn.get("intent"),
                confidence=turn.get("confidence"),
                action=turn.get("action"),
            )
            for turn in row["turns"]
        )
        conversations.append(
            Conversation(row["id"], row["kind"], bool(row["handover"]), row["reason"], row["handover_at"], turns)
        )
    return conversations


def only(items: Iterable[Any], split: str) -> list[Any]:
    return [item for item in items if split == "all" or split_of(item.id) == split]


@dataclass(frozen=True)
class Scores:
    tp: int
    fp: int
    fn: int
    tn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @classmethod
    def of(cls, pairs: Iterable[tuple[bool, bool]]) -> Scores:
        """From (predicted, labelled) pairs."""
        tp = fp = fn = tn = 0
        for predicted, labelled in pairs:
            tp += predicted and labelled
            fp += predicted and not labelled
            fn += labelled and not predicted
            tn += not predicted and not labelled
        return cls(tp, fp, fn, tn)
