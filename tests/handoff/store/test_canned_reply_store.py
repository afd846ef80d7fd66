"""handoff/store/canned_replies.py on SQLite and PostgreSQL: the old file's replies seeded by the
migration, and every change audited with what it was before and after."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from handoff.errors import Conflict, NotFound
from handoff.store import Database, audit, canned_replies
from handoff.store.models import CannedReplyRow

SEED = Path(__file__).resolve().parents[3] / "handoff/store/migrations/seed/canned_replies.json"


async def test_a_new_store_holds_the_seed_file_s_replies(database: Database) -> None:
    seed = json.loads(SEED.read_text())
    stored = await database.run(canned_replies.all_replies)
    assert sorted((r.id, r.title, r.team, r.text) for r in stored) == sorted(
        (s["id"], s["title"], s["team"], s["text"]) for s in seed)
    assert len(stored) == 12 and {r.updated_by for r in stored} == {"system"}


async def test_create_edit_delete_each_leave_an_audit_line(database: Database) -> None:
    created = await database.run(lambda s: canned_replies.add(
        s, title="Size guide", team="returns", text="Our size guide: ...", by="boss", now=10.0))
    updated = await database.run(lambda s: canned_replies.update(
        s, created.id, title="Size guide", team="general", text="See the size guide.", by="ann", now=11.0))
    assert (updated.team, updated.updated_by, updated.updated_at) == ("general", "ann", 11.0)
    await database.run(lambda s: canned_replies.delete(s, created.id, by="boss", now=12.0))
    assert created.id not in [r.id for r in await database.run(canned_replies.all_replies)]
    for missing in (created.id, "x" * 10_000, "../etc"):
        with pytest.raises(NotFound):
            await database.run(lambda s, m=missing: canned_replies.delete(s, m, by="boss", now=13.0))
    events = await database.run(lambda s: audit.page(s, before_id=None, limit=10))
    assert [(e.actor, e.action) for e in events] == [
        ("boss", "canned_reply.deleted"), ("ann", "canned_reply.updated"), ("boss", "canned_reply.created")]
    assert events[1].before == {"title": "Size guide", "team": "returns", "text": "Our size guide: ..."}
    assert events[1].after == {"title": "Size guide", "team": "general", "text": "See the size guide."}
    assert events[0].before == events[1].after and events[0].after is None


async def test_the_number_of_replies_is_bounded(database: Database) -> None:
    existing = len(await database.run(canned_replies.all_replies))
    await database.run(lambda s: s.add_all(
        CannedReplyRow(id=f"r{i}", title=f"T{i}", team="general", text="x", updated_at=0.0, updated_by="t")
        for i in range(canned_replies.MAX_REPLIES - existing)))
    with pytest.raises(Conflict, match="500 canned replies already"):
        await database.run(lambda s: canned_replies.add(s, title="one more", team="general", text="x", by="b", now=1))
    assert len(await database.run(canned_replies.all_replies)) == canned_replies.MAX_REPLIES
