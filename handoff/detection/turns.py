"""What the detector reads (a conversation's turns) and what it answers (an assessment)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Role = Literal["customer", "bot", "agent"]


@dataclass(frozen=True)
class Turn:
    role: Role
    text: str
    timestamp: float
    intent: str | None = None  # customer turns: NLU intent name
    confidence: float | None = None
    action: str | None = None  # bot turns: the action that produced it, if known


@dataclass(frozen=True)
class Assessment:
    handover: bool  # the decision
    reason: str | None  # "explicit_request" | "frustration" | "nlu_fallback_repeated" | None
    score: float  # frustration score 0..1
    signals: dict[str, float] = field(default_factory=dict)  # signal name -> contribution that fired (non-zero only)
