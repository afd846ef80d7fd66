"""Real-time pushes to agents' consoles, across replicas.

Whatever happens (a new escalation, a customer's message, typing) is published once on a
Redis pub/sub channel; every replica subscribes and hands each message to the WebSockets
connected to it whose agent may see it: admins, agents of the teams named, and the agents
named. So an agent gets the push whichever replica their console is connected to.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import RedisError

from handoff.keys import keyed
from handoff.store import Agent, Escalation

logger = logging.getLogger(__name__)
# A console that does not read its socket for this many messages is cut off rather than
# letting its backlog grow without end; it reconnects and reloads the queue.
MAX_BACKLOG = 500
# How long an agent's keystroke counts as "typing" for a widget that connects afterwards; the
# consoles send one notice every 3 s while the agent types.
TYPING_REMEMBERED_SECONDS = 5


@dataclass(eq=False)
class Connection:
    agent: Agent
    outbox: asyncio.Queue[dict[str, Any] | None] = field(default_factory=lambda: asyncio.Queue(MAX_BACKLOG))

    def wants(self, teams: list[str], agents: list[str]) -> bool:
        if self.agent.is_admin or self.agent.username in agents:
            return True
        return any(team in self.agent.teams for team in teams)

    def deliver(self, message: dict[str, Any]) -> bool:
        try:
            self.outbox.put_nowait(message)
            return True
        except asyncio.QueueFull:
            return False


class LiveHub:
    def __init__(self, redis: Redis, prefix: str) -> None:
        self.redis = redis
        self.channel = f"{prefix}:live"
        self.prefix = prefix
        self.connections: set[Connection] = set()
        # Other local consumers of every published message (the widgets' event streams).
        self.listeners: list[Callable[[dict[str, Any]], None]] = []
        self.subscribed = asyncio.Event()

    async def publish(self, type_: str, data: dict[str, Any], *, teams: Iterable[str] = (),
                      agents: Iterable[str | None] = ()) -> None:
        """Push {"type", "data"} to every console (on any replica) of these teams and agents, and admins'."""
        message = {"type": type_, "data": data, "teams": sorted(set(teams)),
                   "agents": sorted({a for a in agents if a})}
        try:
            await self.redis.publish(self.channel, json.dumps(message, default=str))
        except RedisError as error:  # the record is in the database; the console reloads it
            logger.warning("live push %s not sent: %s", type_, error)

    async def publish_for(self, escalation: Escalation, type_: str, data: dict[str, Any], *,
                          also_teams: Iterable[str] = (), also_agents: Iterable[str | None] = ()) -> None:
        """Push to everyone who may see this escalation: its team and the agent who holds it."""
        await self.publish(type_, {"escalation_id": escalation.id, "sender_id": escalation.sender_id, **data},
                           teams=[escalation.team, *also_teams], agents=[escalation.agent, *also_agents])

    async def agent_typing(self, escalation: Escalation, agent: Agent, at: float) -> None:
        """Pushed like any event, and remembered for a few seconds: a widget that (re)connects
        while the agent is still typing shows it at once instead of at the next notice."""
        try:
            await self.redis.set(self._typing_key(escalation.sender_id), at, ex=TYPING_REMEMBERED_SECONDS)
        except RedisError as error:
            logger.warning("agent typing not remembered: %s", error)
        await self.publish_for(escalation, "agent.typing", {"agent": agent.username, "at": at})

    async def agent_stopped_typing(self, sender_id: str) -> None:
        with contextlib.suppress(RedisError):
            await self.redis.delete(self._typing_key(sender_id))

    async def agent_typing_at(self, sender_id: str) -> float | None:
        """When the agent of this conversation last typed, if within the last few seconds."""
        try:
            value = await self.redis.get(self._typing_key(sender_id))
        except RedisError:
            return None
        return float(value) if value is not None else None

    def _typing_key(self, sender_id: str) -> str:
        return keyed(self.prefix, "agent-typing", sender_id)

    def connect(self, agent: Agent) -> Connection:
        connection = Connection(agent)
        self.connections.add(connection)
        return connection

    def disconnect(self, connection: Connection) -> None:
        self.connections.discard(connection)

    def dispatch(self, message: dict[str, Any]) -> int:
        """Hand one published message to the local connections that want it; how many got it."""
        for listener in self.listeners:
            listener(message)
        outgoing = {"type": message.get("type"), "data": message.get("data", {})}
        teams, agents = message.get("teams", []), message.get("agents", [])
        delivered = 0
        for connection in list(self.connections):
            if not connection.wants(teams, agents):
                continue
            if connection.deliver(outgoing):
                delivered += 1
            else:
                logger.warning("console of %s is not reading; disconnecting it", connection.agent.username)
                self.disconnect(connection)
                with contextlib.suppress(asyncio.QueueFull):
                    connection.outbox.put_nowait(None)
        return delivered

    async def run(self, stop: asyncio.Event) -> None:
        """Subscribe and dispatch until stopped; resubscribe after a Redis failure."""
        backoff = 0.5
        while not stop.is_set():
            pubsub = self.redis.pubsub(ignore_subscribe_messages=True)
            try:
                await pubsub.subscribe(self.channel)
                self.subscribed.set()
                backoff = 0.5
                while not stop.is_set():
                    raw = await pubsub.get_message(timeout=0.5)
                    if raw is None or raw.get("type") != "message":
                        continue
                    try:
                        self.dispatch(json.loads(raw["data"]))
                    except (ValueError, TypeError) as error:
                        logger.warning("unreadable live message dropped: %s", error)
            except RedisError as error:
                self.subscribed.clear()
                logger.warning("live channel lost Redis (%s); retrying in %.1fs", error, backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 10.0)
            finally:
                with contextlib.suppress(RedisError):
                    await pubsub.aclose()
