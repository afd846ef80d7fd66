"""`python -m handoff.purge <sender-id>`: remove one customer's data on request.

From Redis: the conversation's state, transcript and index entry, the engine's per-sender keys,
the typing mark, Rasa's tracker of the conversation, and every entry of theirs in the event
stream and the dead-letter stream (with their failure counts). From the store: their
escalations with history and notes, and those escalations' places in the queue. The customer
record the conversation is linked to (an order verified in it, handoff/customers/) goes too, with
the agents' notes on the customer, and so does every other conversation of that customer, on any
channel, as above: they are the same person's. Everything else
in Redis expires on its own within HANDOFF_RETENTION_DAYS (Rasa's lock keys last seconds).

The sender id is passed as it is (any characters); the command prints what it removed. An open
escalation is removed too: purge after the conversation is closed, or tell its agent.
"""

from __future__ import annotations

import argparse
import asyncio
from dataclasses import dataclass, field

from redis.asyncio import Redis

from defaults import MESSAGE_ID_KEY_PREFIX, MESSAGE_RATE_KEY_PREFIX
from handoff.conversations.store import ConversationStore
from handoff.escalations.queue import EscalationQueue
from handoff.keys import id_digest, keyed
from handoff.settings import HandoffSettings, get_settings
from handoff.store import Database
from handoff.store.customers import delete_of_senders, unlink_senders
from handoff.store.purge import delete_sender
from handoff.stream.events import StreamEvent

# Per-sender keys other parts keep (handoff/engine/, handoff/realtime/live.py), each `keyed`.
SENDER_KEY_KINDS = ("engine:opening", "engine:followup", "engine:waiting-reminder", "agent-typing")
PAGE = 1000


@dataclass(frozen=True)
class Purged:
    redis_keys: int
    stream_entries: int
    escalations: list[int]
    customers: list[int] = field(default_factory=list)
    # The customer's other conversations (any channel), purged with this one.
    conversations: list[str] = field(default_factory=list)


async def purge_stream(redis: Redis, stream: str, sender_id: str, attempts_key: str | None = None) -> int:
    """XDEL every entry of this sender, a page at a time; how many went."""
    removed = 0
    start = "-"
    while True:
        page = await redis.xrange(stream, min=start, count=PAGE)
        if not page:
            return removed
        theirs = []
        for raw_id, raw_fields in page:
            fields = {k.decode(errors="replace"): v.decode(errors="replace") for k, v in raw_fields.items()}
            if StreamEvent.from_entry(raw_id.decode(), fields).sender_id == sender_id:
                theirs.append(raw_id)
        if theirs:
            removed += int(await redis.xdel(stream, *theirs))
            if attempts_key:
                await redis.hdel(attempts_key, *theirs)
        start = "(" + page[-1][0].decode()


def rasa_tracker_key(rasa_key_prefix: str, sender_id: str) -> str:
    """The key of Rasa 3.6's RedisTrackerStore: it takes a prefix only if alphanumeric."""
    prefix = f"{rasa_key_prefix}:tracker:" if rasa_key_prefix.isalnum() else "tracker:"
    return prefix + sender_id


async def purge(redis: Redis, db: Database, settings: HandoffSettings, sender_id: str) -> Purged:
    """This conversation's data, and its customer's: the record, the notes, their other conversations."""
    customers = await db.run(lambda session: delete_of_senders(session, [sender_id]))
    others = list(dict.fromkeys(other for customer in customers for other in customer.sender_ids if other != sender_id))
    purged = await purge_conversation(redis, db, settings, sender_id)
    for other in others:
        # A conversation may have verified another person's order too (a household): that
        # person keeps their record, without this conversation.
        await db.run(lambda session, other=other: unlink_senders(session, [other]))
        more = await purge_conversation(redis, db, settings, other)
        purged = Purged(purged.redis_keys + more.redis_keys, purged.stream_entries + more.stream_entries,
                        purged.escalations + more.escalations)
    return Purged(purged.redis_keys, purged.stream_entries, purged.escalations,
                  [customer.id for customer in customers], others)


async def purge_conversation(redis: Redis, db: Database, settings: HandoffSettings, sender_id: str) -> Purged:
    """One conversation's data in Redis and the store."""
    prefix = settings.key_prefix
    redis_keys = await ConversationStore(redis, prefix).forget(sender_id)
    keys = [keyed(prefix, kind, sender_id) for kind in SENDER_KEY_KINDS]
    redis_keys += int(await redis.delete(*keys, rasa_tracker_key(settings.rasa_key_prefix, sender_id)))
    # The bot's count of their messages this minute (bot/message_rate.py); it expires in two.
    # ... and the ids of their messages it handled (bot/message_ids.py); they expire in a week.
    for bot_prefix in (MESSAGE_RATE_KEY_PREFIX, MESSAGE_ID_KEY_PREFIX):
        async for key in redis.scan_iter(match=f"{bot_prefix}:{id_digest(sender_id)}:*", count=PAGE):
            redis_keys += int(await redis.delete(key))
    stream = settings.event_stream
    entries = await purge_stream(redis, stream, sender_id, f"{stream}:attempts:{settings.consumer_group}")
    entries += await purge_stream(redis, f"{stream}:dead", sender_id)
    escalations = await db.run(lambda session: delete_sender(session, sender_id))
    queue = EscalationQueue(redis, prefix)
    for escalation_id in escalations:
        await queue.remove(escalation_id)
    return Purged(redis_keys, entries, escalations)


async def run(sender_id: str, settings: HandoffSettings) -> Purged:
    redis = Redis.from_url(settings.redis_url)
    db = Database(settings.effective_database_url)
    try:
        await db.start()
        return await purge(redis, db, settings, sender_id)
    finally:
        await db.close()
        await redis.aclose()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m handoff.purge",
                                     description="Remove one customer's data from Redis and the handoff store.")
    parser.add_argument("sender_id", help="the conversation's sender id, exactly as the channel gave it "
                                          "(put -- before an id that starts with -)")
    args = parser.parse_args(argv)
    purged = asyncio.run(run(args.sender_id, get_settings()))
    print(f"purged {args.sender_id!r}: {purged.redis_keys} Redis keys, {purged.stream_entries} stream entries, "
          f"{len(purged.escalations)} escalations {purged.escalations}, "
          f"{len(purged.customers)} customer records with their notes, "
          f"{len(purged.conversations)} other conversations of theirs")


if __name__ == "__main__":
    main()
