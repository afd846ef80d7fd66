"""handoff/store/audit.py on SQLite and PostgreSQL: events appended in the change's transaction,
read newest first by pages that neither repeat nor skip, and never updated or deleted."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, update
from sqlalchemy.exc import DatabaseError

from handoff.store import Database, audit
from handoff.store.models import AuditEventRow


async def test_pages_run_newest_first_without_repeats_while_events_are_appended(database: Database) -> None:
    for i in range(5):
        await database.run(lambda s, i=i: audit.append(s, actor="boss", action="agent.created", target=f"agent a{i}",
                                                       now=100.0 + i, after={"teams": ["general"]}))
    first = await database.run(lambda s: audit.page(s, before_id=None, limit=2))
    assert [e.target for e in first] == ["agent a4", "agent a3"]
    assert first[0].public() | {"id": 0} == {"id": 0, "at": 104.0, "actor": "boss", "action": "agent.created",
                                             "target": "agent a4", "before": None, "after": {"teams": ["general"]}}
    await database.run(lambda s: audit.append(s, actor="boss", action="agent.updated", target="agent new", now=200.0))
    second = await database.run(lambda s: audit.page(s, before_id=first[-1].id, limit=2))
    third = await database.run(lambda s: audit.page(s, before_id=second[-1].id, limit=2))
    assert [e.target for e in second + third] == ["agent a2", "agent a1", "agent a0"]
    assert len(await database.run(lambda s: audit.page(s, before_id=None, limit=10_000))) == 6  # bounded by MAX_PAGE


async def test_a_change_that_fails_leaves_no_audit_line(database: Database) -> None:
    def work(session):  # type: ignore[no-untyped-def]
        audit.append(session, actor="boss", action="agent.created", target="agent ghost", now=1.0)
        raise RuntimeError("the change failed after its audit line was written")

    with pytest.raises(RuntimeError):
        await database.run(work)
    assert await database.run(lambda s: audit.page(s, before_id=None, limit=10)) == []


@pytest.mark.parametrize("change", [
    update(AuditEventRow).values(actor="someone else"),
    delete(AuditEventRow),
])
async def test_the_database_refuses_to_change_or_delete_an_event(database: Database, change) -> None:  # type: ignore[no-untyped-def]
    await database.run(lambda s: audit.append(s, actor="boss", action="agent.deactivated", target="agent sam", now=1.0))
    with pytest.raises(DatabaseError, match="append-only"):
        await database.run(lambda s: s.execute(change))
    [kept] = await database.run(lambda s: audit.page(s, before_id=None, limit=10))
    assert (kept.actor, kept.target) == ("boss", "agent sam")
