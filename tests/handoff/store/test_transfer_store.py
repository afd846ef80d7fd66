"""Transfers, the engine's messages and the closing outcomes in the store, on SQLite and
PostgreSQL: a transfer is written with its move, a told line once and within a bound, agents'
loads counted, "didn't need me" recorded for the reports, and a purge takes them all."""

from __future__ import annotations

from sqlalchemy.orm import Session

from handoff.store import Database, Escalation, reporting, transfers
from handoff.store import escalations as rows
from handoff.store.purge import delete_sender
from tests.handoff.store.test_escalation_store import agent, open_one


async def test_a_transfer_is_recorded_with_its_move(database: Database) -> None:
    maya, sam = await agent(database, "maya"), await agent(database, "sam", teams=("delivery", "general"))
    escalation = await open_one(database)
    await database.run(lambda s: rows.claim(s, escalation.id, maya, 1010.0))

    def move(session: Session) -> Escalation:  # one unit of work, as the service writes it
        rows.reassign(session, escalation.id, to=sam, by="maya", now=1020.0, team="general")
        transfers.record(session, escalation.id, by=maya, to_agent=sam, to_team="general", note="over to you",
                         unanswered=[{"text": "any news?", "time": 1015.0, "id": "3-0"}], now=1020.0)
        return rows.get(session, escalation.id)

    moved = await database.run(move)
    assert (moved.agent, moved.team, moved.state) == ("sam", "general", "accepted")
    [transfer] = moved.transfers
    assert (transfer.by, transfer.by_name, transfer.to_agent, transfer.to_agent_name, transfer.note) == (
        "maya", "Maya", "sam", "Sam", "over to you")
    assert transfer.unanswered == ({"text": "any news?", "time": 1015.0, "id": "3-0"},)
    assert await database.run(lambda s: transfers.loads(s, [maya.id, sam.id])) == {sam.id: 1}
    assert await database.run(transfers.queued_by_team) == {}


async def test_a_told_line_is_stored_once_and_within_a_bound(database: Database) -> None:
    escalation = await open_one(database)
    add = transfers.add_told
    assert await database.run(lambda s: add(s, escalation.id, line_id="1-0", at=1.0, text="Someone joins."))
    assert not await database.run(lambda s: add(s, escalation.id, line_id="1-0", at=1.0, text="Someone joins."))
    for n in range(2, transfers.MAX_TOLD + 5):
        await database.run(lambda s, n=n: add(s, escalation.id, line_id=f"{n}-0", at=float(n), text=f"reminder {n}"))
    told = (await database.run(lambda s: rows.get(s, escalation.id))).told
    assert len(told) == transfers.MAX_TOLD and told[0].text == "Someone joins."


async def test_didnt_need_me_is_a_reporting_event_and_a_purge_takes_everything(database: Database) -> None:
    maya = await agent(database, "maya")
    escalation = await open_one(database, now=1000.0)  # reason "frustration": the detector's rule
    await database.run(lambda s: rows.claim(s, escalation.id, maya, 1010.0))
    await database.run(lambda s: transfers.add_told(s, escalation.id, line_id="1-0", at=1.0, text="Someone joins."))
    await database.run(lambda s: transfers.record(s, escalation.id, by=maya, to_agent=None, to_team="delivery",
                                                  note="n", unanswered=[], now=1020.0))
    closed = await database.run(lambda s: rows.close(s, escalation.id, state="completed", outcome="unnecessary",
                                                     by="maya", detail="outcome unnecessary", now=1100.0))
    assert closed.outcome == "unnecessary"
    found = await database.run(lambda s: reporting.of_conversation(s, "c1"))
    unneeded = [e for e in found if e.kind == "handover_unneeded"]
    assert [(e.actor, e.agent, e.reason, e.detail) for e in unneeded] == [("agent", "maya", "frustration", "rule")]
    assert [e.detail for e in found if e.kind == "resolved"] == ["unnecessary"]
    assert await database.run(lambda s: delete_sender(s, "c1")) == [escalation.id]
