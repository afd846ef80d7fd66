"""The durable records of the handoff service (agents, escalations, their history, notes, CSAT),
in a relational database through SQLAlchemy: a SQLite file by default, PostgreSQL by URL."""

from handoff.store.db import Database
from handoff.store.records import Agent, Escalation, Note, Snooze, StateChange, Task

__all__ = ["Agent", "Database", "Escalation", "Note", "Snooze", "StateChange", "Task"]
