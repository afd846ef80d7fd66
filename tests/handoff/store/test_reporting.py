"""Reporting events written by the store with each change of an escalation, on SQLite and
PostgreSQL: one per change, with the wait, the outcome and the rating; a key stored once."""

from __future__ import annotations

from handoff.store import Database, reporting
from handoff.store import escalations as rows
from handoff.store.reporting import ReportingEvent
from tests.handoff.store.test_escalation_store import agent, open_one


async def events(db: Database, sender: str = "c1") -> list[tuple[str, str, float | None, str | None]]:
    found = await db.run(lambda s: reporting.of_conversation(s, sender))
    return [(e.kind, e.actor, e.value, e.detail) for e in found]


async def test_a_hand_over_from_asked_to_csat(database: Database) -> None:
    maya = await agent(database, "maya")
    escalation = await open_one(database, now=1000.0)  # reason "frustration": the detector's rule
    await database.run(lambda s: rows.claim(s, escalation.id, maya, 1090.0))
    await database.run(lambda s: rows.first_response(s, escalation.id, agent="maya", now=1100.0))
    await database.run(lambda s: rows.first_response(s, escalation.id, agent="maya", now=1150.0))
    await database.run(lambda s: rows.close(s, escalation.id, state="completed", outcome="resolved", by="maya",
                                            detail="outcome resolved; handed back", now=1400.0, handed_back=True))
    await database.run(lambda s: rows.set_csat(s, "c1", rating=2, comment=None, now=1500.0))
    await database.run(lambda s: rows.set_csat(s, "c1", rating=2, comment="slow", now=1510.0))
    assert await events(database) == [
        ("handover_asked", "rule", None, None),
        ("queued", "system", None, None),
        ("claimed", "agent", 90.0, None),
        ("first_response", "agent", 100.0, None),
        ("resolved", "agent", 400.0, "resolved"),
        ("handed_back", "agent", None, None),
        ("csat", "customer", 2.0, None),
    ]
    stored = await database.run(lambda s: reporting.of_conversation(s, "c1"))
    assert {(e.team, e.channel, e.reason, e.customer) for e in stored} == {
        ("delivery", "rest", "frustration", "liam.obrien@example.com")}
    assert {e.agent for e in stored if e.kind in ("claimed", "resolved", "csat")} == {"maya"}


async def test_a_conversation_handed_over_again_is_reopened(database: Database) -> None:
    maya = await agent(database, "maya")
    first = await open_one(database, now=1000.0)
    await database.run(lambda s: rows.claim(s, first.id, maya, 1010.0))
    await database.run(lambda s: rows.close(s, first.id, state="completed", outcome="resolved", by="maya",
                                            detail=None, now=1100.0))
    assert "reopened" not in [kind for kind, *_ in await events(database)]
    await open_one(database, now=2000.0)
    assert [kind for kind, *_ in await events(database)][-3:] == ["handover_asked", "queued", "reopened"]


async def test_nobody_could_take_it_and_a_transfer_queues_again(database: Database) -> None:
    maya = await agent(database, "maya")
    escalation = await open_one(database, now=1000.0)
    await database.run(lambda s: rows.claim(s, escalation.id, maya, 1010.0))
    await database.run(lambda s: rows.requeue(s, escalation.id, team="returns", by="maya", detail="to returns",
                                              now=1020.0))
    await database.run(lambda s: rows.close(s, escalation.id, state="failed", outcome="follow_up", by="system",
                                            detail=None, now=1030.0))
    assert [(kind, actor) for kind, actor, *_ in await events(database)][-2:] == [
        ("queued", "agent"), ("unstaffed", "system")]


async def test_an_event_seen_twice_is_stored_once(database: Database) -> None:
    event = ReportingEvent(key="stream:1-0:no_match", kind="no_match", at=5.0, actor="bot", sender_id="c9",
                           detail="x" * 2000)
    assert await database.run(lambda s: reporting.add(s, event)) is True
    assert await database.run(lambda s: reporting.add(s, event)) is False
    assert await database.run(lambda s: reporting.count(s, "no_match")) == 1
    stored = await database.run(lambda s: reporting.of_conversation(s, "c9"))
    assert len(stored[0].detail or "") == reporting.DETAIL_CHARS


def test_who_caused_a_hand_over() -> None:
    assert reporting.handover_actor("explicit_request") == "customer"
    assert reporting.handover_actor("frustration") == "rule"
    assert reporting.handover_actor("knowledge_no_match") == "bot"


async def test_retention_and_a_customer_s_purge_remove_their_events(database: Database) -> None:
    from handoff.escalations.retention import RetentionSweeper
    from handoff.store.purge import delete_sender

    day = 86_400.0
    for number, (sender, at) in enumerate([("old", 1.0), ("old", 2.0), ("kept", 10 * day), ("forget-me", 10 * day)]):
        event = ReportingEvent(key=f"k{number}", kind="conversation_started", at=at, actor="customer", sender_id=sender)
        await database.run(lambda s, event=event: reporting.add(s, event))
    await RetentionSweeper(database, retention_seconds=5 * day).sweep(now=10 * day)
    await database.run(lambda s: delete_sender(s, "forget-me"))
    assert await database.run(lambda s: reporting.count(s)) == 1
    assert len(await database.run(lambda s: reporting.of_conversation(s, "kept"))) == 1
