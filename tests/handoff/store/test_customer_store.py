"""Customer records in the store on SQLite and PostgreSQL: one record per order email whatever
the channel, hostile addresses refused, links idempotent even when two replicas race, bounded
orders, links and notes, and the purge of a customer with their notes."""

from __future__ import annotations

import asyncio

import pytest

from handoff.errors import Conflict, Invalid, NotFound
from handoff.store import Database, tasks
from handoff.store import customers as rows
from tests.handoff.store.test_escalation_store import agent, open_one


async def link(db: Database, email: str, sender: str, channel: str | None = "socketio",
               orders: tuple[str, ...] = ("LK-100233",), name: str | None = "Omar Haddad", now: float = 1000.0):
    return await db.run(lambda s: rows.link(s, email=email, name=name, sender_id=sender, channel=channel,
                                            orders=orders, now=now))


@pytest.mark.parametrize("text", [
    "", "   ", "not an address", "omar@example.com, liam@example.com", "Omar <omar@example.com>",
    "omar@example.com\nBcc: eve@example.com", "a" * 250 + "@example.com", None, 42, ["omar@example.com"],
])
def test_only_one_plain_address_is_a_key(text: object) -> None:
    assert rows.customer_email(text) is None


def test_an_address_is_keyed_in_lower_case_without_spaces() -> None:
    assert rows.customer_email("  Omar.Haddad@Example.COM ") == "omar.haddad@example.com"


async def test_the_same_email_on_every_channel_is_one_customer(database: Database) -> None:
    widget = await link(database, "Omar.Haddad@example.com", "web-1", "socketio", now=1000.0)
    telegram = await link(database, "omar.haddad@example.com", "7001", "telegram", orders=("lk-100234",), now=2000.0)
    whatsapp = await link(database, "OMAR.HADDAD@EXAMPLE.COM", "whatsapp:+15551234", "twilio", orders=(), now=3000.0)
    assert widget.id == telegram.id == whatsapp.id
    assert whatsapp.email == "omar.haddad@example.com" and whatsapp.name == "Omar Haddad"
    assert [(c.sender_id, c.channel) for c in whatsapp.conversations] == [
        ("whatsapp:+15551234", "twilio"), ("7001", "telegram"), ("web-1", "socketio")]
    assert whatsapp.orders == ["LK-100234", "LK-100233"]
    for sender in ("web-1", "7001", "whatsapp:+15551234"):
        assert [c.id for c in await database.run(lambda s, sender=sender: rows.of_sender(s, sender))] == [widget.id]
    other = await link(database, "liam@example.com", "web-2", name=None)
    assert other.id != widget.id and other.name is None
    assert await database.run(lambda s: rows.of_sender(s, "nobody")) == []
    assert (await database.run(lambda s: rows.by_email(s, " omar.haddad@EXAMPLE.com"))).id == widget.id


async def test_linking_again_changes_nothing_and_keeps_the_orders_bounded(database: Database) -> None:
    first = await link(database, "omar@example.com", "web-1")
    again = await link(database, "omar@example.com", "web-1")
    assert again.conversations == first.conversations
    many = (*(f"LK-{100000 + i}" for i in range(rows.MAX_ORDERS + 5)), "not a number", "LK-100000")
    grown = await link(database, "omar@example.com", "web-1", orders=many, now=2000.0)
    (conversation,) = grown.conversations
    assert len(conversation.orders) == rows.MAX_ORDERS and conversation.orders[-1] == many[rows.MAX_ORDERS + 4]
    assert (conversation.first_verified_at, conversation.verified_at) == (1000.0, 2000.0)


async def test_hostile_input_is_refused_and_a_name_is_cleaned(database: Database) -> None:
    with pytest.raises(Invalid, match="not one email address"):
        await link(database, "omar@example.com; drop table customers", "web-1")
    with pytest.raises(Invalid, match="1 to 255 characters"):
        await link(database, "omar@example.com", "x" * 256)
    odd = await link(database, "omar@example.com", "🙂'\"; --", name="Omar\x00\n  Haddad" + "x" * 300)
    assert odd.name == ("Omar Haddad" + "x" * 300)[: rows.MAX_NAME_CHARS]
    assert odd.sender_ids == ["🙂'\"; --"]


async def test_two_replicas_linking_the_same_customer_at_once_make_one_record(database: Database) -> None:
    made = await asyncio.gather(*(link(database, "race@example.com", f"c{i % 3}", now=1000.0 + i) for i in range(8)))
    assert len({c.id for c in made}) == 1
    final = await database.run(lambda s: rows.by_email(s, "race@example.com"))
    assert sorted(final.sender_ids) == ["c0", "c1", "c2"]


async def test_the_oldest_conversation_link_goes_past_the_bound(database: Database, monkeypatch) -> None:
    monkeypatch.setattr(rows, "MAX_CONVERSATIONS", 3)
    for i in range(5):
        customer = await link(database, "omar@example.com", f"c{i}", now=1000.0 + i)
    assert customer.sender_ids == ["c4", "c3", "c2"]


async def test_notes_are_bounded_audited_by_author_and_time_and_deleted(database: Database, monkeypatch) -> None:
    maya = await agent(database, "maya")
    customer = await link(database, "omar@example.com", "web-1")
    note = await database.run(lambda s: rows.add_note(s, customer.id, author=maya, text="  prefers email ", now=5.0))
    assert (note.text, note.author, note.author_name, note.at) == ("prefers email", "maya", "Maya", 5.0)
    for text, error in (("   ", "the note is empty"), ("x" * (rows.MAX_NOTE_CHARS + 1), "at most 500")):
        with pytest.raises(Invalid, match=error):
            await database.run(lambda s, text=text: rows.add_note(s, customer.id, author=maya, text=text, now=6.0))
    with pytest.raises(NotFound):
        await database.run(lambda s: rows.add_note(s, 424242, author=maya, text="hello", now=6.0))
    monkeypatch.setattr(rows, "MAX_NOTES", 2)
    await database.run(lambda s: rows.add_note(s, customer.id, author=maya, text="calls after 6 pm", now=7.0))
    with pytest.raises(Conflict, match="already has 2 notes"):
        await database.run(lambda s: rows.add_note(s, customer.id, author=maya, text="a third", now=8.0))
    removed = await database.run(lambda s: rows.delete_note(s, customer.id, note.id))
    assert removed.id == note.id
    assert [n.text for n in await database.run(lambda s: rows.notes(s, customer.id))] == ["calls after 6 pm"]
    with pytest.raises(NotFound):
        await database.run(lambda s: rows.delete_note(s, customer.id + 1, note.id))


async def test_escalations_and_open_tasks_of_every_conversation(database: Database) -> None:
    maya = await agent(database, "maya")
    customer = await link(database, "omar@example.com", "web-1")
    await link(database, "omar@example.com", "7001", "telegram")
    on_widget, on_telegram = await open_one(database, "web-1"), await open_one(database, "7001", now=2000.0)
    await open_one(database, "someone-else")
    task = await database.run(lambda s: tasks.create(s, on_widget.id, agent=maya, note="call the carrier",
                                                     promise=None, due_at=3000.0, by="maya", now=1000.0))
    senders = (await database.run(lambda s: rows.get(s, customer.id))).sender_ids
    assert [e.id for e in await database.run(lambda s: rows.escalations_of(s, senders))] == [on_telegram.id,
                                                                                             on_widget.id]
    assert [t.id for t in await database.run(lambda s: rows.open_tasks_of(s, senders))] == [task.id]
    await database.run(lambda s: tasks.complete(s, task.id, now=1500.0))
    assert await database.run(lambda s: rows.open_tasks_of(s, senders)) == []


async def test_deleting_a_conversations_customer_removes_record_links_and_notes(database: Database) -> None:
    maya = await agent(database, "maya")
    omar = await link(database, "omar@example.com", "web-1")
    await link(database, "omar@example.com", "7001", "telegram")
    liam = await link(database, "liam@example.com", "web-2", name="Liam")
    await database.run(lambda s: rows.add_note(s, omar.id, author=maya, text="prefers email", now=5.0))
    gone = await database.run(lambda s: rows.delete_of_senders(s, ["7001"]))
    assert [(c.id, sorted(c.sender_ids)) for c in gone] == [(omar.id, ["7001", "web-1"])]
    assert await database.run(lambda s: rows.by_email(s, "omar@example.com")) is None
    assert await database.run(lambda s: rows.of_sender(s, "web-1")) == []
    assert await database.run(lambda s: rows.notes(s, omar.id)) == []
    assert (await database.run(lambda s: rows.by_email(s, "liam@example.com"))).id == liam.id
    assert await database.run(lambda s: rows.unlink_senders(s, ["web-2"])) == 1
    assert (await database.run(lambda s: rows.by_email(s, "liam@example.com"))).conversations == ()
