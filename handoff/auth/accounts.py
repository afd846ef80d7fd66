"""Agent accounts: log in, create, list, change a password, remove, sign a token out, and the
demo accounts seeded into an empty store in the demo."""

from __future__ import annotations

import asyncio
import logging
import re
import time

from handoff.auth.passwords import hash_password, password_problem, verify_password
from handoff.auth.tokens import TokenClaims, credential_stamp
from handoff.errors import Conflict, Forbidden, Invalid, NotFound
from handoff.store import Agent, Database, revoked_tokens
from handoff.store import agents as agent_rows
from handoff.store.records import TEAMS

logger = logging.getLogger(__name__)
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")

# (username, display name, role, teams) seeded when the agents table is empty.
DEMO_ACCOUNTS = (
    ("maya", "Maya", "agent", ("returns", "general")),
    ("sam", "Sam", "agent", ("delivery", "general")),
    ("admin", "Admin", "admin", ("returns", "delivery", "general")),
)


class Accounts:
    def __init__(self, db: Database, default_capacity: int = 3, bcrypt_rounds: int = 12) -> None:
        self.db = db
        self.default_capacity = default_capacity
        self.bcrypt_rounds = bcrypt_rounds
        # Unknown usernames are checked against this hash, so the answer takes as long whether or
        # not the account exists (no probing for usernames by timing).
        self._nobody_hash: str | None = None

    async def authenticate(self, username: str, password: str) -> Agent | None:
        signed_in = await self.sign_in(username, password)
        return signed_in[0] if signed_in else None

    async def sign_in(self, username: str, password: str) -> tuple[Agent, str] | None:
        """The agent and the stamp of their credentials (auth/tokens.py) when the password is right."""
        found = await self.db.run(lambda s: agent_rows.with_password(s, username.strip().lower()))
        if found is None and self._nobody_hash is None:
            self._nobody_hash = await asyncio.to_thread(hash_password, "no-such-agent", self.bcrypt_rounds)
        hashed = found[1] if found else (self._nobody_hash or "")
        # bcrypt is CPU-bound for ~0.2 s: keep it off the event loop.
        matches = await asyncio.to_thread(verify_password, password, hashed)
        return (found[0], credential_stamp(found[1])) if found and matches else None

    async def current(self, username: str) -> tuple[Agent, str] | None:
        """The account as a token must match it now: the agent and their credentials' stamp."""
        found = await self.db.run(lambda s: agent_rows.with_password(s, username))
        return (found[0], credential_stamp(found[1])) if found else None

    async def change_password(self, agent: Agent, current: str, new: str) -> None:
        """A new password; every token issued before stops working (their stamp is the old one)."""
        if await self.sign_in(agent.username, current) is None:
            raise Forbidden("the current password is wrong")
        if problem := password_problem(new):
            raise Invalid(problem)
        hashed = await asyncio.to_thread(hash_password, new, self.bcrypt_rounds)
        if not await self.db.run(lambda s: agent_rows.set_password(s, agent.username, hashed)):
            raise NotFound(f"no agent named {agent.username!r}")

    async def remove(self, username: str) -> Agent:
        """Remove an account: it can no longer log in, and its tokens stop working."""
        return await self.db.run(lambda s: agent_rows.remove(s, username.strip().lower()))

    async def revoke(self, claims: TokenClaims) -> None:
        """Sign one token out until it would have expired."""
        await self.db.run(lambda s: revoked_tokens.revoke(s, claims.token_id, claims.expires_at, time.time()))

    async def is_revoked(self, claims: TokenClaims) -> bool:
        return await self.db.run(lambda s: revoked_tokens.is_revoked(s, claims.token_id))

    async def get(self, username: str) -> Agent | None:
        return await self.db.run(lambda s: agent_rows.by_username(s, username))

    async def all(self) -> list[Agent]:
        return await self.db.run(agent_rows.all_agents)

    async def active_chats(self, agent: Agent) -> int:
        return await self.db.run(lambda s: agent_rows.active_chats(s, agent.id))

    async def create(
        self, *, username: str, password: str, display_name: str, role: str = "agent",
        teams: list[str] | tuple[str, ...] = ("general",), capacity: int | None = None,
    ) -> Agent:
        username = username.strip().lower()
        if not USERNAME.match(username):
            raise Invalid("the username must be 2-64 characters: lowercase letters, digits, '.', '_' or '-'")
        if problem := password_problem(password):
            raise Invalid(problem)
        if role not in ("agent", "admin"):
            raise Invalid("the role must be 'agent' or 'admin'")
        unknown = sorted(set(teams) - set(TEAMS))
        if unknown or not teams:
            raise Invalid(f"teams must be a non-empty list of {', '.join(TEAMS)}; unknown: {', '.join(unknown)}")
        capacity = self.default_capacity if capacity is None else capacity
        if capacity < 1:
            raise Invalid("the capacity must be at least 1 conversation")
        name = display_name.strip() or username
        hashed = await asyncio.to_thread(hash_password, password, self.bcrypt_rounds)
        now = time.time()
        return await self.db.run(
            lambda s: agent_rows.add(
                s, username=username, display_name=name, password_hash=hashed, role=role,
                teams=list(dict.fromkeys(teams)), capacity=capacity, now=now,
            )
        )

    async def seed_demo(self, password: str) -> bool:
        """Create the demo accounts when there are no agents at all; True when it did. Only in the
        demo (HANDOFF_DEMO_MODE): their usernames and password are public."""
        if await self.db.run(agent_rows.count):
            return False
        for username, name, role, teams in DEMO_ACCOUNTS:
            try:
                await self.create(username=username, password=password, display_name=name, role=role, teams=teams)
            except Conflict:  # another replica seeded it at the same moment
                continue
            except Invalid as error:
                logger.error("demo account %s not created (HANDOFF_DEMO_PASSWORD?): %s", username, error)
        logger.info("seeded the demo agent accounts: %s", ", ".join(a[0] for a in DEMO_ACCOUNTS))
        return True
