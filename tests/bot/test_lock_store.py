"""Two Rasa replicas share one Redis lock store: may they process one conversation at once?

Rasa 3.6's RedisLockStore keeps each conversation's ticket lock as one JSON value that every
replica reads, changes and writes back (`issue_ticket`: get, add a ticket, set). Two replicas
that read before either writes both issue ticket 0, and both are served: Rasa issue 9213, whose
fix was merged and reverted. The first test shows it happen on real Redis, with the two reads
made to meet as two replicas' can. bot/lock_store.py's store issues tickets with one atomic
INCR and serves them in a Lua script, so the same meeting cannot give two replicas one turn;
the rest test it, each "replica" a store of its own on the same Redis, as processes would be.
"""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

import pytest
import redis
from rasa.core.lock_store import LockError, RedisLockStore, TicketLock
from rasa.utils.endpoints import EndpointConfig

from bot.lock_store import TicketRedisLockStore

CONVERSATION = "conversation:with/any characters \u2603 " + "x" * 300


class MeetingRedisLockStore(RedisLockStore):
    """Rasa's store, with each replica's first read of the lock held until both have read:
    the order two replicas' requests take on a busy Redis, made certain instead of likely."""

    def __init__(self, url: str, meeting: threading.Barrier) -> None:
        connection = redis.Redis.from_url(url).connection_pool.connection_kwargs
        super().__init__(host=connection["host"], port=connection["port"], db=connection.get("db", 0),
                         password=connection.get("password"))
        self.meeting = meeting
        self.reads = 0

    def get_lock(self, conversation_id: str) -> TicketLock | None:
        lock = super().get_lock(conversation_id)
        self.reads += 1
        if self.reads == 1:
            self.meeting.wait(timeout=10)
        return lock


def store(url: str, **kwargs: Any) -> TicketRedisLockStore:
    return TicketRedisLockStore(EndpointConfig(url=url, type="bot.lock_store.TicketRedisLockStore", **kwargs))


def both_tickets(issue: Any) -> list[int]:
    """Two replicas issue a ticket for one conversation at the same moment."""
    tickets: list[int] = []
    threads = [threading.Thread(target=lambda i=i: tickets.append(issue(i))) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    return sorted(tickets)


def test_rasas_redis_lock_store_gives_two_replicas_the_same_ticket(redis_url: str) -> None:
    meeting = threading.Barrier(2)
    replicas = [MeetingRedisLockStore(redis_url, meeting) for _ in range(2)]
    tickets = both_tickets(lambda i: replicas[i].issue_ticket(CONVERSATION))
    assert tickets == [0, 0]  # one turn, two holders: both process the conversation at once
    lock = replicas[0].get_lock(CONVERSATION)
    assert lock is not None and not lock.is_locked(0)


def test_tickets_issued_at_the_same_moment_are_distinct_and_in_order(redis_url: str) -> None:
    replicas = [store(redis_url) for _ in range(2)]
    assert both_tickets(lambda i: replicas[i].issue_ticket(CONVERSATION)) == [1, 2]
    assert replicas[0].issue_ticket(CONVERSATION) == 3


async def test_two_replicas_never_process_one_conversation_at_once(redis_url: str) -> None:
    replicas = [store(redis_url) for _ in range(2)]
    inside: list[str] = []
    overlaps = 0
    order: list[int] = []

    async def handle(replica: TicketRedisLockStore, message: int) -> None:
        nonlocal overlaps
        async with replica.lock(CONVERSATION, wait_time_in_seconds=0.01):
            overlaps += bool(inside)
            inside.append("busy")
            order.append(message)
            await asyncio.sleep(0.002)
            inside.pop()

    # 2 replicas x 40 messages of one conversation, all at once.
    await asyncio.gather(*(handle(replicas[m % 2], m) for m in range(80)))
    assert overlaps == 0 and sorted(order) == list(range(80))
    assert order == sorted(order)  # served in the order the tickets were issued
    assert not redis.Redis.from_url(redis_url).keys("*lock*queue*")  # nothing left behind


async def test_other_conversations_do_not_wait(redis_url: str) -> None:
    replica = store(redis_url)
    async with replica.lock("first"):
        started = time.perf_counter()
        async with replica.lock("second", wait_time_in_seconds=5):
            assert time.perf_counter() - started < 1


async def test_an_expired_ticket_lets_the_next_one_in(redis_url: str) -> None:
    replicas = [store(redis_url) for _ in range(2)]
    stuck = replicas[0].issue_ticket(CONVERSATION, lock_lifetime=0.2)  # a replica that died holding it
    assert stuck == 1
    started = time.perf_counter()
    async with replicas[1].lock(CONVERSATION, wait_time_in_seconds=0.02):
        assert 0.1 < time.perf_counter() - started < 5


async def test_a_ticket_that_lapses_while_waiting_is_refused_not_served(redis_url: str) -> None:
    replica = store(redis_url)
    replica.issue_ticket(CONVERSATION, lock_lifetime=1.0)  # an earlier message, still being processed
    with pytest.raises(LockError):
        async with replica.lock(CONVERSATION, lock_lifetime=0.05, wait_time_in_seconds=0.01):
            pytest.fail("served after its lifetime")


def test_keys_hold_a_digest_not_the_id_and_expire(redis_url: str) -> None:
    replica = store(redis_url, key_prefix="shop")
    replica.issue_ticket(CONVERSATION, lock_lifetime=30)
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    keys = client.keys("*")
    assert keys and all(key.startswith("shop:lock:") and "conversation" not in key for key in keys)
    assert all(0 < client.pttl(key) <= 90_000 for key in keys)
    assert replica.is_someone_waiting(CONVERSATION)
    replica.delete_lock(CONVERSATION)
    assert not client.keys("*") and not replica.is_someone_waiting(CONVERSATION)
