"""The reporting events' one way in: insert unless an event with the same key is stored.

Runs inside a unit of work (Database.run), so an event written with a state change commits or
rolls back with it, and so do its count in the daily rollup (handoff/store/rollup.py) and its
conversation's row (handoff/store/conversation_flags.py). The key
makes writing twice harmless: a stream entry delivered again after a crash, a vote read again
after a restart."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from handoff.store import conversation_flags, rollup
from handoff.store.models import EscalationRow, ReportingEventRow
from handoff.store.records import Task

Actor = Literal["bot", "rule", "agent", "customer", "visitor", "system"]
KINDS = frozenset({
    "conversation_started", "article_answered", "helped_yes", "helped_no", "no_match", "nlu_fallback",
    "handover_asked", "queued", "claimed", "first_response", "resolved", "handed_back", "unstaffed",
    "csat", "reopened", "help_vote", "answer_rejected", "handover_unneeded",
    "auto_resolved",  # a conversation waiting on a silent customer, closed (escalations/auto_resolve.py)
    "sla_warning", "sla_breach",  # an SLA target near or past its due time (escalations/sla.py)
    "flow_completed", "flow_abandoned",  # a bot form run to its end or left (stream/reporting.py)
    "followup_due",  # a follow-up task came due (escalations/followup_tasks.py)
})
DETAIL_CHARS = 500


@dataclass(frozen=True)
class ReportingEvent:
    key: str
    kind: str
    at: float
    actor: Actor
    sender_id: str | None = None
    customer: str | None = None
    channel: str | None = None
    team: str | None = None
    agent: str | None = None
    reason: str | None = None
    value: float | None = None
    detail: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown reporting event kind {self.kind!r}")


FIELDS = tuple(ReportingEvent.__dataclass_fields__)


def handover_actor(reason: str) -> Actor:
    """Who caused a hand-over: the customer asked, the frustration detector (a rule) judged, or a
    bot flow gave up (no answer, failed checks, a case only a person may decide)."""
    if reason == "explicit_request":
        return "customer"
    if reason == "frustration":
        return "rule"
    return "bot"


def add(session: Session, event: ReportingEvent) -> bool:
    """Store `event` unless its key is stored; True when it was new."""
    values = asdict(event)
    if values["detail"] is not None:
        values["detail"] = values["detail"][:DETAIL_CHARS]
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = (insert(ReportingEventRow).values(**values).on_conflict_do_nothing(index_elements=["key"])
                 .returning(ReportingEventRow.id))
    new = session.execute(statement).scalar() is not None
    if new:  # counted once, with the event (decisions 0230, 0260)
        rollup.count(session, values)
        conversation_flags.count(session, values)
    return new


def followup_due(session: Session, task: Task | None, now: float) -> Task | None:
    """The "follow-up due" event of a task just marked due (None: another replica marked it),
    in the same transaction; the value is how long the task waited since it was made."""
    if task is not None:
        escalation = session.get(EscalationRow, task.escalation_id)
        add(session, ReportingEvent(
            key=f"followup_due:{task.id}", kind="followup_due", at=now, actor="system", sender_id=task.sender_id,
            customer=escalation.email if escalation else None, channel=escalation.channel if escalation else None,
            team=task.team, agent=task.agent, reason=escalation.reason if escalation else None,
            value=now - task.created_at))
    return task


def count(session: Session, kind: str | None = None) -> int:
    query = select(func.count()).select_from(ReportingEventRow)
    if kind is not None:
        query = query.where(ReportingEventRow.kind == kind)
    return int(session.scalar(query) or 0)


def of_conversation(session: Session, sender_id: str) -> list[ReportingEvent]:
    query = select(ReportingEventRow).where(ReportingEventRow.sender_id == sender_id).order_by(ReportingEventRow.id)
    return [ReportingEvent(**{name: getattr(row, name) for name in FIELDS}) for row in session.scalars(query)]
