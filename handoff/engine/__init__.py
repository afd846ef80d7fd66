"""The hand-over engine: follows each conversation's events after the stream consumer applied
them, decides when a person takes over, tells the customer what happens next, builds the
context packet and opens the escalation (see docs/architecture.md, "The hand-over engine")."""

from handoff.engine.hook import HandoffEngine

__all__ = ["HandoffEngine"]
