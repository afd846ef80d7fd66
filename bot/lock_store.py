"""A Redis lock store under which two Rasa replicas never process one conversation at once.

Rasa 3.6's RedisLockStore keeps a conversation's ticket lock as one JSON value that each replica
reads, changes and writes back, so two replicas can both be issued the first ticket (Rasa issue
9213; tests/bot/test_lock_store.py shows it). Here, as in Rasa Pro's concurrent lock store, a
ticket comes from one atomic INCR, and the queue of a conversation's tickets changes only inside
Lua scripts, which Redis runs one at a time:
- `<prefix>:lock:<digest>:next` counts tickets; `:queue` is a sorted set of waiting tickets by
  number; `:expiry` maps each to the Redis-clock millisecond it lapses at (a replica that dies
  holding a ticket delays the conversation by the lifetime at most, as in Rasa);
- a ticket is served when it is the lowest unexpired one in the queue;
- keys name a digest of the conversation id (contract/id_digest.py), never the id, and expire.

endpoints.yml names this class as the lock store (Rasa builds it from `lock_store:`).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager

import redis
from rasa.core.lock import Ticket, TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, LockStore
from rasa.utils.endpoints import EndpointConfig

from contract.id_digest import id_digest

logger = logging.getLogger(__name__)

DEFAULT_KEY_PREFIX = "baton"
# How often a waiting message asks whether its turn has come: Rasa waits a whole second, which
# every second message of a conversation would add to its reply.
POLL_SECONDS = 0.02
# Keys outlive the newest ticket by this much, so an idle conversation leaves nothing behind.
KEY_SLACK_MS = 60_000

_NOW = "local t = redis.call('TIME') local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) "
_DROP_EXPIRED = (
    "local all = redis.call('HGETALL', KEYS[3]) "
    "for i = 1, #all, 2 do if tonumber(all[i + 1]) <= now then "
    "redis.call('ZREM', KEYS[2], all[i]) redis.call('HDEL', KEYS[3], all[i]) end end "
)
# KEYS: next, queue, expiry. ARGV: lifetime in ms. Returns the new ticket.
_ISSUE = _NOW + (
    "local ticket = redis.call('INCR', KEYS[1]) "
    "redis.call('ZADD', KEYS[2], ticket, ticket) "
    "redis.call('HSET', KEYS[3], ticket, now + tonumber(ARGV[1])) "
    "local ttl = tonumber(ARGV[1]) + tonumber(ARGV[2]) "
    "for i = 1, 3 do if redis.call('PTTL', KEYS[i]) < ttl then redis.call('PEXPIRE', KEYS[i], ttl) end end "
    "return ticket"
)
# KEYS: next, queue, expiry. ARGV: ticket. 1: its turn; 0: wait; -1: it has lapsed.
_TURN = _NOW + _DROP_EXPIRED + (
    "if redis.call('HEXISTS', KEYS[3], ARGV[1]) == 0 then return -1 end "
    "local head = redis.call('ZRANGE', KEYS[2], 0, 0) "
    "if head[1] == ARGV[1] then return 1 end return 0"
)
# KEYS: next, queue, expiry. ARGV: ticket. Removes it; an empty queue leaves no keys.
_FINISH = _NOW + (
    "redis.call('ZREM', KEYS[2], ARGV[1]) redis.call('HDEL', KEYS[3], ARGV[1]) "
) + _DROP_EXPIRED + (
    "if redis.call('ZCARD', KEYS[2]) == 0 then redis.call('DEL', KEYS[1], KEYS[2], KEYS[3]) end return 0"
)


class TicketRedisLockStore(LockStore):
    """Ticket locks in Redis, issued and served atomically across replicas."""

    def __init__(self, endpoint_config: EndpointConfig | None = None, client: redis.Redis | None = None,
                 key_prefix: str | None = None, poll_seconds: float = POLL_SECONDS) -> None:
        kwargs = dict(endpoint_config.kwargs) if endpoint_config else {}
        if client is None:
            if endpoint_config is None or not endpoint_config.url:
                raise ValueError("TicketRedisLockStore needs a Redis url (endpoints.yml lock_store: url)")
            client = redis.Redis.from_url(endpoint_config.url, socket_timeout=5)
        self.red = client
        self.key_prefix = f"{key_prefix or kwargs.get('key_prefix') or DEFAULT_KEY_PREFIX}:lock:"
        self.poll_seconds = poll_seconds
        self._issue = self.red.register_script(_ISSUE)
        self._turn = self.red.register_script(_TURN)
        self._finish = self.red.register_script(_FINISH)
        super().__init__()

    def keys(self, conversation_id: str) -> list[str]:
        base = self.key_prefix + id_digest(conversation_id)
        return [f"{base}:next", f"{base}:queue", f"{base}:expiry"]

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        try:
            return int(self._issue(keys=self.keys(conversation_id),
                                   args=[max(1, int(lock_lifetime * 1000)), KEY_SLACK_MS]))
        except redis.RedisError as error:
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error

    def turn(self, conversation_id: str, ticket: int) -> int:
        """1 when `ticket` is served now, 0 while an earlier one is, -1 once it has lapsed."""
        try:
            return int(self._turn(keys=self.keys(conversation_id), args=[ticket]))
        except redis.RedisError as error:
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error

    @asynccontextmanager
    async def lock(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME,
                   wait_time_in_seconds: float = 1) -> AsyncGenerator[TicketLock, None]:
        ticket = self.issue_ticket(conversation_id, lock_lifetime)
        poll = min(self.poll_seconds, wait_time_in_seconds)
        try:
            while (turn := self.turn(conversation_id, ticket)) == 0:
                await asyncio.sleep(poll)
            if turn < 0:
                raise LockError(f"Could not acquire lock for conversation_id '{conversation_id}'.")
            yield TicketLock(conversation_id, deque([Ticket(ticket, time.time() + lock_lifetime)]))
        finally:
            self.finish_serving(conversation_id, ticket)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        try:
            self._finish(keys=self.keys(conversation_id), args=[ticket_number])
        except redis.RedisError:
            # The ticket lapses by itself; the next message waits its lifetime at most.
            logger.exception("Could not release ticket %s of a conversation's lock.", ticket_number)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        self.finish_serving(conversation_id, ticket_number)

    def is_someone_waiting(self, conversation_id: str) -> bool:
        return bool(self.red.zcard(self.keys(conversation_id)[1]))

    def get_lock(self, conversation_id: str) -> TicketLock | None:
        """The waiting tickets as Rasa's TicketLock (for callers of the base class's API)."""
        _, queue, expiry = self.keys(conversation_id)
        tickets = [int(t) for t in self.red.zrange(queue, 0, -1)]
        if not tickets:
            return None
        lapses = self.red.hmget(expiry, tickets)
        now_ms = self._now_ms()
        live = [Ticket(t, float(lapse) / 1000) for t, lapse in zip(tickets, lapses, strict=True)
                if lapse is not None and int(lapse) > now_ms]
        return TicketLock(conversation_id, deque(live))

    def delete_lock(self, conversation_id: str) -> None:
        if self.red.delete(*self.keys(conversation_id)):
            logger.debug("Deleted a conversation's lock.")

    def save_lock(self, lock: TicketLock) -> None:
        raise NotImplementedError("tickets change only through issue_ticket and finish_serving, atomically")

    def _now_ms(self) -> int:
        seconds, micros = self.red.time()
        return int(seconds) * 1000 + micros // 1000
