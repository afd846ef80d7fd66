"""Which agents are at their console: online or away, kept alive by a heartbeat.

Redis holds a sorted set username -> time the presence runs out, and a hash per agent
(status, teams, name) that expires at the same time. A console that closes stops sending
heartbeats, so its agent is offline after HANDOFF_PRESENCE_TTL_SECONDS without anyone
having to say so.
"""

from __future__ import annotations

import json
import time
from typing import Any, Literal

from redis.asyncio import Redis

from handoff.keys import keyed
from handoff.store import Agent

Status = Literal["online", "away", "offline"]


class Presence:
    def __init__(self, redis: Redis, prefix: str, ttl_seconds: int) -> None:
        self.redis = redis
        self.ttl = ttl_seconds
        self._index = f"{prefix}:presence"
        self._prefix = prefix

    def _key(self, username: str) -> str:
        return keyed(self._prefix, "presence", username)

    async def set(self, agent: Agent, status: Status) -> Status:
        """Set the agent's status; offline removes them at once."""
        if status == "offline":
            async with self.redis.pipeline(transaction=True) as pipe:
                pipe.zrem(self._index, agent.username).delete(self._key(agent.username))
                await pipe.execute()
            return "offline"
        now = time.time()
        fields = {"status": status, "teams": json.dumps(list(agent.teams)), "name": agent.display_name,
                  "role": agent.role, "since": now}
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(self._key(agent.username), mapping=fields).expire(self._key(agent.username), self.ttl)
            pipe.zadd(self._index, {agent.username: now + self.ttl})
            await pipe.execute()
        return status

    async def heartbeat(self, agent: Agent, default: Status = "online") -> Status:
        """Keep the agent present with the status they chose; present them as `default` if they were not."""
        current = await self.status(agent.username)
        if current == "offline":
            return await self.set(agent, default)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.expire(self._key(agent.username), self.ttl)
            pipe.zadd(self._index, {agent.username: time.time() + self.ttl})
            await pipe.execute()
        return current

    async def status(self, username: str) -> Status:
        value = await self.redis.hget(self._key(username), "status")
        return value.decode() if value else "offline"  # type: ignore[return-value]

    async def present(self, team: str | None = None) -> list[dict[str, Any]]:
        """Every agent online or away (of one team), with status and teams."""
        now = time.time()
        await self.redis.zremrangebyscore(self._index, "-inf", now)
        names = [n.decode() for n in await self.redis.zrangebyscore(self._index, now, "+inf")]
        if not names:
            return []
        async with self.redis.pipeline(transaction=False) as pipe:
            for name in names:
                pipe.hgetall(self._key(name))
            details = await pipe.execute()
        agents = []
        for name, raw in zip(names, details, strict=True):
            if not raw:
                continue
            fields = {k.decode(): v.decode() for k, v in raw.items()}
            teams = json.loads(fields.get("teams", "[]"))
            if team is None or team in teams:
                agents.append({"username": name, "status": fields.get("status"), "teams": teams,
                               "display_name": fields.get("name"), "role": fields.get("role")})
        return sorted(agents, key=lambda a: a["username"])

    async def online_agents(self, team: str | None = None) -> list[str]:
        """Usernames of agents online now (not away), of one team if given."""
        return [a["username"] for a in await self.present(team) if a["status"] == "online"]
