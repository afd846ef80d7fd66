"""Customers across channels: units of work on customers, customer_conversations and
customer_notes (run them with Database.run).

A customer is written only when a conversation verified one of their orders (the linker,
handoff/customers/linker.py); the key is the order's email, normalised by `customer_email`.
Everything is bounded: the conversations kept per customer, the orders kept per conversation,
the notes per customer and their length.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from handoff.errors import Conflict, Invalid, NotFound
from handoff.store.escalations import to_escalation
from handoff.store.models import CustomerConversationRow, CustomerNoteRow, CustomerRow, EscalationRow, TaskRow
from handoff.store.records import Agent, Escalation, Task
from handoff.store.tasks import UNDONE, to_task
from orders.identity import normalize_email, normalize_order_number

MAX_EMAIL_CHARS = 254  # RFC 5321's limit on a forward path
MAX_NAME_CHARS = 120
MAX_CONVERSATIONS = 200  # per customer: the oldest link goes first
MAX_ORDERS = 20  # per conversation
MAX_NOTES = 50  # per customer
MAX_NOTE_CHARS = 500


@dataclass(frozen=True)
class CustomerNote:
    id: int
    customer_id: int
    author: str
    author_name: str
    text: str
    at: float

    def public(self) -> dict[str, Any]:
        return {"id": self.id, "author": self.author, "author_name": self.author_name, "text": self.text,
                "at": self.at}


@dataclass(frozen=True)
class CustomerConversation:
    sender_id: str
    channel: str | None
    orders: tuple[str, ...]
    first_verified_at: float
    verified_at: float


@dataclass(frozen=True)
class Customer:
    id: int
    email: str
    name: str | None
    created_at: float
    verified_at: float
    conversations: tuple[CustomerConversation, ...] = ()

    @property
    def sender_ids(self) -> list[str]:
        return [c.sender_id for c in self.conversations]

    @property
    def orders(self) -> list[str]:
        """Every order verified in any conversation, each once, newest conversation first."""
        seen: dict[str, None] = {}
        for conversation in sorted(self.conversations, key=lambda c: -c.verified_at):
            seen.update(dict.fromkeys(conversation.orders))
        return list(seen)


def customer_email(text: Any) -> str | None:
    """The key of a customer: the one address in `text`, lower case, or None. Hostile input (a
    whole paragraph, control characters, several addresses, an absurd length) yields None, never
    a key made of it."""
    if not isinstance(text, str) or not text or len(text) > MAX_EMAIL_CHARS:
        return None
    email = normalize_email(text)
    if email is None or email != text.strip().lower():
        return None
    return email


def _name(text: Any) -> str | None:
    if not isinstance(text, str):
        return None
    cleaned = " ".join("".join(ch for ch in text if ch.isprintable()).split())
    return cleaned[:MAX_NAME_CHARS] or None


def _insert(session: Session, table: Any) -> Any:
    dialect = session.get_bind().dialect.name
    return (postgresql_insert if dialect == "postgresql" else sqlite_insert)(table)


def _conversations(session: Session, customer_id: int) -> tuple[CustomerConversation, ...]:
    query = (select(CustomerConversationRow).where(CustomerConversationRow.customer_id == customer_id)
             .order_by(CustomerConversationRow.verified_at.desc(), CustomerConversationRow.id.desc())
             .limit(MAX_CONVERSATIONS))
    return tuple(CustomerConversation(r.sender_id, r.channel, tuple(r.orders or ()), r.first_verified_at,
                                      r.verified_at) for r in session.scalars(query))


def _to_customer(session: Session, row: CustomerRow) -> Customer:
    return Customer(row.id, row.email, row.name, row.created_at, row.verified_at, _conversations(session, row.id))


def link(session: Session, *, email: str, name: str | None, sender_id: str, channel: str | None,
         orders: Iterable[str], now: float) -> Customer:
    """The customer of `email` (created if new), with this conversation linked and its verified
    `orders` added. Idempotent, and safe when two replicas link the same customer at once: both
    inserts are INSERT ... ON CONFLICT DO NOTHING on the unique keys."""
    key = customer_email(email)
    if key is None:
        raise Invalid("not one email address")
    if not sender_id or len(sender_id) > 255:
        raise Invalid("a conversation id of 1 to 255 characters is needed")
    numbers = [n for n in (normalize_order_number(str(o)) for o in orders) if n]
    session.execute(_insert(session, CustomerRow).values(email=key, name=_name(name), created_at=now, verified_at=now)
                    .on_conflict_do_nothing(index_elements=["email"]))
    row = session.scalars(select(CustomerRow).where(CustomerRow.email == key).with_for_update()).one()
    row.verified_at = max(row.verified_at, now)
    if _name(name):
        row.name = _name(name)
    session.execute(_insert(session, CustomerConversationRow).values(
        customer_id=row.id, sender_id=sender_id, channel=(channel or None) and channel[:64], orders=[],
        first_verified_at=now, verified_at=now).on_conflict_do_nothing(index_elements=["customer_id", "sender_id"]))
    conversation = session.scalars(select(CustomerConversationRow).where(
        CustomerConversationRow.customer_id == row.id, CustomerConversationRow.sender_id == sender_id)).one()
    known = list(conversation.orders or [])
    conversation.orders = (known + [n for n in dict.fromkeys(numbers) if n not in known])[-MAX_ORDERS:]
    conversation.verified_at = max(conversation.verified_at, now)
    if channel and not conversation.channel:
        conversation.channel = channel[:64]
    session.flush()
    _trim_conversations(session, row.id)
    return _to_customer(session, row)


def _trim_conversations(session: Session, customer_id: int) -> None:
    keep = (select(CustomerConversationRow.id).where(CustomerConversationRow.customer_id == customer_id)
            .order_by(CustomerConversationRow.verified_at.desc(), CustomerConversationRow.id.desc())
            .limit(MAX_CONVERSATIONS))
    session.execute(delete(CustomerConversationRow).where(
        CustomerConversationRow.customer_id == customer_id, CustomerConversationRow.id.not_in(keep)))


def of_sender(session: Session, sender_id: str) -> list[Customer]:
    """The customers who verified an order in this conversation, the latest first (usually one)."""
    query = (select(CustomerRow).join(CustomerConversationRow, CustomerConversationRow.customer_id == CustomerRow.id)
             .where(CustomerConversationRow.sender_id == sender_id)
             .order_by(CustomerConversationRow.verified_at.desc()).limit(10))
    return [_to_customer(session, row) for row in session.scalars(query)]


def by_email(session: Session, email: str) -> Customer | None:
    key = customer_email(email)
    row = session.scalars(select(CustomerRow).where(CustomerRow.email == key)).one_or_none() if key else None
    return _to_customer(session, row) if row else None


def get(session: Session, customer_id: int) -> Customer:
    row = session.get(CustomerRow, customer_id)
    if row is None:
        raise NotFound(f"no customer {customer_id}")
    return _to_customer(session, row)


def notes(session: Session, customer_id: int) -> list[CustomerNote]:
    query = (select(CustomerNoteRow).where(CustomerNoteRow.customer_id == customer_id)
             .order_by(CustomerNoteRow.id).limit(MAX_NOTES))
    return [CustomerNote(n.id, n.customer_id, n.agent.username, n.agent.display_name, n.text, n.at)
            for n in session.scalars(query)]


def add_note(session: Session, customer_id: int, *, author: Agent, text: str, now: float) -> CustomerNote:
    """A private note on the customer; refused past MAX_NOTES (an agent deletes one first)."""
    cleaned = text.strip()
    if not cleaned:
        raise Invalid("the note is empty")
    if len(cleaned) > MAX_NOTE_CHARS:
        raise Invalid(f"a note on a customer is at most {MAX_NOTE_CHARS} characters")
    customer = session.scalars(select(CustomerRow).where(CustomerRow.id == customer_id).with_for_update()).one_or_none()
    if customer is None:
        raise NotFound(f"no customer {customer_id}")
    count = session.scalar(select(func.count()).select_from(CustomerNoteRow)
                           .where(CustomerNoteRow.customer_id == customer_id)) or 0
    if count >= MAX_NOTES:
        raise Conflict(f"this customer already has {MAX_NOTES} notes, the most kept; delete one first")
    row = CustomerNoteRow(customer_id=customer_id, agent_id=author.id, text=cleaned, at=now)
    session.add(row)
    session.flush()
    return CustomerNote(row.id, customer_id, author.username, author.display_name, cleaned, now)


def delete_note(session: Session, customer_id: int, note_id: int) -> CustomerNote:
    row = session.get(CustomerNoteRow, note_id)
    if row is None or row.customer_id != customer_id:
        raise NotFound(f"no note {note_id} on customer {customer_id}")
    note = CustomerNote(row.id, customer_id, row.agent.username, row.agent.display_name, row.text, row.at)
    session.delete(row)
    session.flush()
    return note


def delete_of_senders(session: Session, sender_ids: Sequence[str]) -> list[Customer]:
    """Delete the customers linked to these conversations, with every link and note of theirs
    (privacy: handoff/purge.py); the customers as they were, so the caller can purge the other
    conversations they had."""
    if not sender_ids:
        return []
    ids = list(session.scalars(select(CustomerConversationRow.customer_id)
                               .where(CustomerConversationRow.sender_id.in_(list(sender_ids))).distinct()))
    found = [_to_customer(session, row) for row in session.scalars(select(CustomerRow).where(CustomerRow.id.in_(ids)))]
    if ids:
        session.execute(delete(CustomerNoteRow).where(CustomerNoteRow.customer_id.in_(ids)))
        session.execute(delete(CustomerConversationRow).where(CustomerConversationRow.customer_id.in_(ids)))
        session.execute(delete(CustomerRow).where(CustomerRow.id.in_(ids)))
    return found


def escalations_of(session: Session, sender_ids: Sequence[str], limit: int = 50) -> list[Escalation]:
    """The escalations of these conversations, newest first (at most `limit`)."""
    if not sender_ids:
        return []
    query = (select(EscalationRow).where(EscalationRow.sender_id.in_(list(sender_ids)))
             .order_by(EscalationRow.id.desc()).limit(limit))
    return [to_escalation(row) for row in session.scalars(query)]


def open_tasks_of(session: Session, sender_ids: Sequence[str], limit: int = 50) -> list[Task]:
    """The follow-up tasks not done yet of these conversations' escalations, soonest due first."""
    if not sender_ids:
        return []
    query = (select(TaskRow).join(EscalationRow, EscalationRow.id == TaskRow.escalation_id)
             .where(EscalationRow.sender_id.in_(list(sender_ids)), TaskRow.state.in_(UNDONE))
             .order_by(TaskRow.due_at, TaskRow.id).limit(limit))
    return [to_task(row) for row in session.scalars(query)]


def unlink_senders(session: Session, sender_ids: Sequence[str]) -> int:
    """Forget that these conversations belonged to any customer; how many links went."""
    if not sender_ids:
        return 0
    result = session.execute(delete(CustomerConversationRow)
                             .where(CustomerConversationRow.sender_id.in_(list(sender_ids))))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def delete_links_before(session: Session, cutoff: float, limit: int = 500) -> int:
    """Forget conversations last verified before `cutoff` (at most `limit`); how many went."""
    ids = list(session.scalars(select(CustomerConversationRow.id).where(CustomerConversationRow.verified_at < cutoff)
                               .order_by(CustomerConversationRow.verified_at).limit(limit)))
    if ids:
        session.execute(delete(CustomerConversationRow).where(CustomerConversationRow.id.in_(ids)))
    return len(ids)


def delete_unlinked_before(session: Session, cutoff: float, limit: int = 500) -> int:
    """Delete customers with no conversation left and none verified since `cutoff` (at most
    `limit`), with their notes; how many went."""
    linked = select(CustomerConversationRow.customer_id).where(CustomerConversationRow.customer_id == CustomerRow.id)
    ids = list(session.scalars(select(CustomerRow.id).where(CustomerRow.verified_at < cutoff, ~linked.exists())
                               .order_by(CustomerRow.verified_at).limit(limit)))
    if ids:
        session.execute(delete(CustomerNoteRow).where(CustomerNoteRow.customer_id.in_(ids)))
        session.execute(delete(CustomerRow).where(CustomerRow.id.in_(ids)))
    return len(ids)
