"""The live state the handoff service keeps for every conversation, in Redis.

Applying an event is idempotent: each conversation remembers the last stream id it
applied, and a Lua script checks and applies in one step, so an entry delivered twice
(after a crash, or to a second replica) changes nothing.

Nothing is kept for ever: each event gives the conversation's keys the retention as their TTL
(HANDOFF_RETENTION_DAYS), so a conversation is gone that long after its last event, and the
index (sender ids by when their last event was applied) drops the conversations gone by then.
"""

from __future__ import annotations

import json
import time
from typing import Any

from redis.asyncio import Redis

from defaults import MAX_MESSAGE_CHARS
from handoff.keys import keyed
from handoff.settings import DEFAULT_RETENTION_SECONDS
from handoff.stream.events import StreamEvent

# KEYS: state hash, transcript list, conversation index (zset)
# ARGV: entry id, field updates as JSON object, transcript entry JSON or "", sender, time now,
#       retention in seconds, the oldest time the index keeps
_APPLY = """
local function newer(a, b)
  if not b then return true end
  local am, as = string.match(a, '(%d+)-(%d+)')
  local bm, bs = string.match(b, '(%d+)-(%d+)')
  am, as, bm, bs = tonumber(am), tonumber(as), tonumber(bm), tonumber(bs)
  return am > bm or (am == bm and as > bs)
end
local last = redis.call('HGET', KEYS[1], 'last_id')
if not newer(ARGV[1], last or nil) then return 0 end
redis.call('HSET', KEYS[1], 'last_id', ARGV[1])
local updates = cjson.decode(ARGV[2])
for field, value in pairs(updates) do redis.call('HSET', KEYS[1], field, value) end
redis.call('HINCRBY', KEYS[1], 'events', 1)
if ARGV[3] ~= '' then redis.call('RPUSH', KEYS[2], ARGV[3]) end
redis.call('EXPIRE', KEYS[1], ARGV[6])
redis.call('EXPIRE', KEYS[2], ARGV[6])
redis.call('ZADD', KEYS[3], ARGV[5], ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', '(' .. ARGV[7])
return 1
"""


class ConversationStore:
    def __init__(self, redis: Redis, prefix: str, retention_seconds: int = DEFAULT_RETENTION_SECONDS,
                 max_text_chars: int = 4 * MAX_MESSAGE_CHARS) -> None:
        self.redis = redis
        self.prefix = prefix
        self.retention_seconds = retention_seconds
        self.max_text_chars = max_text_chars  # of one transcript line (HANDOFF_TRANSCRIPT_TEXT_CHARS)
        self._apply = redis.register_script(_APPLY)

    def _state_key(self, sender_id: str) -> str:
        return keyed(self.prefix, "conv", sender_id)

    def _transcript_key(self, sender_id: str) -> str:
        return keyed(self.prefix, "conv", sender_id) + ":transcript"

    @property
    def _index_key(self) -> str:
        return f"{self.prefix}:conversations"

    async def apply(self, event: StreamEvent) -> bool:
        """Apply one event; False when it had already been applied."""
        if not event.sender_id:
            return False
        updates: dict[str, Any] = {}
        if event.channel:
            updates["channel"] = event.channel
        if event.type == "pause":
            updates["owner"] = "agent"
        elif event.type == "resume":
            updates["owner"] = "bot"
        elif event.type == "slot" and event.event.get("name"):
            updates[f"slot:{event.event['name']}"] = json.dumps(event.event.get("value"))
        entry = event.transcript_entry(self.max_text_chars)
        # The index is scored by when the event was applied, not by the event's own timestamp:
        # one missing or far off would keep a conversation listed for ever, or drop it at once.
        now = time.time()
        applied = await self._apply(
            keys=[self._state_key(event.sender_id), self._transcript_key(event.sender_id), self._index_key],
            args=[
                event.entry_id,
                json.dumps(updates),
                json.dumps(entry) if entry else "",
                event.sender_id,
                now,
                self.retention_seconds,
                now - self.retention_seconds,
            ],
        )
        return bool(applied)

    async def state(self, sender_id: str) -> dict[str, str]:
        raw = await self.redis.hgetall(self._state_key(sender_id))
        return {k.decode(): v.decode() for k, v in raw.items()}

    async def field(self, sender_id: str, name: str) -> str | None:
        """One field of the conversation's state; the engine keeps its own marks there, beside
        what the stream applied, so they live and go with the conversation."""
        value = await self.redis.hget(self._state_key(sender_id), name)
        return value.decode() if value else None

    async def set_field(self, sender_id: str, name: str, value: str) -> None:
        key = self._state_key(sender_id)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(key, name, value).expire(key, self.retention_seconds)
            await pipe.execute()

    async def forget(self, sender_id: str) -> int:
        """Remove the conversation's state, transcript and index entry; how many of them there were."""
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.delete(self._state_key(sender_id), self._transcript_key(sender_id))
            pipe.zrem(self._index_key, sender_id)
            deleted, unindexed = await pipe.execute()
        return int(deleted) + int(unindexed)

    async def transcript(self, sender_id: str) -> list[dict[str, Any]]:
        lines = await self.redis.lrange(self._transcript_key(sender_id), 0, -1)
        return [json.loads(line) for line in lines]

    async def recent(self, sender_id: str, count: int) -> list[dict[str, Any]]:
        """The last `count` lines of the transcript, oldest first."""
        lines = await self.redis.lrange(self._transcript_key(sender_id), -max(1, count), -1)
        return [json.loads(line) for line in lines]
