"""The part of a conversation's live transcript an agent may read through one escalation.

The transcript in Redis is the whole conversation, for as long as it lives: what came after
this escalation closed, and what was said under other teams' escalations of the same
customer. Through an escalation an agent reads up to its close, and not the stretches of the
conversation that belonged to an escalation they may not see now.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from handoff.store import Escalation


def _time(line: dict[str, Any]) -> float | None:
    value = line.get("time")
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _window(escalation: Escalation) -> tuple[float, float]:
    return escalation.created_at, escalation.closed_at if escalation.closed_at is not None else float("inf")


def scoped(lines: Sequence[dict[str, Any]], escalation: Escalation, others: Iterable[Escalation],
           may_see: Callable[[Escalation], bool]) -> list[dict[str, Any]]:
    """The lines of `escalation`'s conversation that `may_see` allows, up to its close. A line
    without a time cannot be placed, so it is shown only when nothing needs placing."""
    hidden = [_window(other) for other in others if other.id != escalation.id and not may_see(other)]
    closed_at = escalation.closed_at
    kept = []
    for line in lines:
        at = _time(line)
        if at is None:
            if closed_at is None and not hidden:
                kept.append(line)
            continue
        if closed_at is not None and at > closed_at:
            continue
        if any(start <= at <= end for start, end in hidden):
            continue
        kept.append(line)
    return kept
