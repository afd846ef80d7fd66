"""Agent accounts: log in, change one's password, sign a token out; an admin's changes (create,
edit, lead a team, deactivate, reactivate, reset a password: each appended to the audit in the same
transaction, decision 0190); and the demo accounts seeded into an empty store in the demo."""

from __future__ import annotations

import asyncio
import logging
import re
import time
from typing import Any

from sqlalchemy.orm import Session

from handoff.auth.passwords import hash_password, password_problem, verify_password
from handoff.auth.tokens import TokenClaims, credential_stamp
from handoff.errors import Conflict, Forbidden, Invalid, NotFound
from handoff.store import Agent, Database, audit, revoked_tokens
from handoff.store import agents as agent_rows
from handoff.store.models import AgentRow
from handoff.store.records import TEAMS

logger = logging.getLogger(__name__)
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
# Who made a change that no signed-in admin made: the shell (create_agent.py), the demo's seed.
SYSTEM = "system"

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
        found = await self._with_password(username.strip().lower())
        if found is None and self._nobody_hash is None:
            self._nobody_hash = await asyncio.to_thread(hash_password, "no-such-agent", self.bcrypt_rounds)
        hashed = found[1] if found else (self._nobody_hash or "")
        # bcrypt is CPU-bound for ~0.2 s: keep it off the event loop.
        matches = await asyncio.to_thread(verify_password, password, hashed)
        return (found[0], credential_stamp(found[1])) if found and matches else None

    async def current(self, username: str) -> tuple[Agent, str] | None:
        """The account as a token must match it now: the agent and their credentials' stamp."""
        found = await self._with_password(username)
        return (found[0], credential_stamp(found[1])) if found else None

    async def _with_password(self, username: str) -> tuple[Agent, str] | None:
        # A name no account can have is not looked up (PostgreSQL refuses a NUL in a query's text).
        if not USERNAME.match(username):
            return None
        return await self.db.run(lambda s: agent_rows.with_password(s, username))

    async def change_password(self, agent: Agent, current: str, new: str) -> None:
        """A new password; every token issued before stops working (their stamp is the old one)."""
        if await self.sign_in(agent.username, current) is None:
            raise Forbidden("the current password is wrong")
        if problem := password_problem(new):
            raise Invalid(problem)
        hashed = await asyncio.to_thread(hash_password, new, self.bcrypt_rounds)
        if not await self.db.run(lambda s: agent_rows.set_password(s, agent.username, hashed)):
            raise NotFound(f"no agent named {agent.username!r}")

    async def revoke(self, claims: TokenClaims) -> None:
        """Sign one token out until it would have expired."""
        await self.db.run(lambda s: revoked_tokens.revoke(s, claims.token_id, claims.expires_at, time.time()))

    async def is_revoked(self, claims: TokenClaims) -> bool:
        return await self.db.run(lambda s: revoked_tokens.is_revoked(s, claims.token_id))

    async def get(self, username: str) -> Agent | None:
        if not USERNAME.match(username):
            return None
        return await self.db.run(lambda s: agent_rows.by_username(s, username))

    async def all(self, *, include_inactive: bool = False) -> list[Agent]:
        return await self.db.run(lambda s: agent_rows.all_agents(s, include_inactive=include_inactive))

    async def active_chats(self, agent: Agent) -> int:
        return await self.db.run(lambda s: agent_rows.active_chats(s, agent.id))

    async def create(
        self, *, username: str, password: str, display_name: str, role: str = "agent",
        teams: list[str] | tuple[str, ...] = ("general",), capacity: int | None = None, by: str = SYSTEM,
    ) -> Agent:
        username = username.strip().lower()
        if not USERNAME.match(username):
            raise Invalid("the username must be 2-64 characters: lowercase letters, digits, '.', '_' or '-'")
        if problem := password_problem(password):
            raise Invalid(problem)
        role, teams = _checked_role(role), _checked_teams(teams)
        capacity = _checked_capacity(self.default_capacity if capacity is None else capacity)
        name = _checked_name(display_name) or username
        hashed = await asyncio.to_thread(hash_password, password, self.bcrypt_rounds)
        now = time.time()

        def work(session: Session) -> Agent:
            created = agent_rows.add(session, username=username, display_name=name, password_hash=hashed, role=role,
                                     teams=teams, capacity=capacity, now=now)
            audit.append(session, actor=by, action="agent.created", target=f"agent {username}", now=now,
                         after=_profile(created))
            return created

        return await self.db.run(work)

    async def update(self, username: str, by: Agent, *, display_name: str | None = None, role: str | None = None,
                     teams: list[str] | None = None, capacity: int | None = None) -> Agent:
        """Change what an admin may change of an account: its name, admin flag, teams, capacity."""
        changes: dict[str, Any] = {}
        if display_name is not None:
            changes["display_name"] = _checked_name(display_name)
            if not changes["display_name"]:
                raise Invalid("the display name is empty")
        if role is not None:
            changes["role"] = _checked_role(role)
        if teams is not None:
            changes["teams"] = _checked_teams(teams)
        if capacity is not None:
            changes["capacity"] = _checked_capacity(capacity)
        now = time.time()

        def work(session: Session) -> Agent:
            agent_rows.lock_active_admins(session)  # before the row: the order every admin change takes
            row = agent_rows.for_update(session, _normal(username))
            before = _profile(agent_rows.to_agent(row))
            if changes.get("role", row.role) != "admin" and row.role == "admin":
                _keep_an_admin(session, row, by, "remove the admin flag of")
            for name, value in changes.items():
                setattr(row, name, value)
            # One leads only a team one is in: leaving a team ends leading it (the audit shows both).
            row.leads = [team for team in (row.leads or ()) if team in row.teams]
            after = _profile(agent_rows.to_agent(row))
            if after != before:
                audit.append(session, actor=by.username, action="agent.updated", target=f"agent {row.username}",
                             now=now, before=_changed(before, after), after=_changed(after, before))
            return agent_rows.to_agent(row)

        return await self.db.run(work)

    async def set_lead(self, team: str, username: str, lead: bool, by: Agent) -> Agent:
        """Make an agent a lead of one of their teams, or stop it (decision 0235): a lead sees the
        reports of the teams they lead. One team at a time, so two admins changing two teams of
        one agent at once both count."""
        if team not in TEAMS:
            raise NotFound(f"no team {team[:32]!r}; teams are {', '.join(TEAMS)}")
        now = time.time()

        def work(session: Session) -> Agent:
            row = agent_rows.for_update(session, _normal(username))
            if not row.active:
                raise Conflict(f"{row.username} is deactivated: reactivate the account first")
            if lead and team not in row.teams:
                raise Conflict(f"{row.display_name} is not in the {team} team: add them to it on the Agents tab first")
            leads = list(row.leads or ())
            wanted = [t for t in TEAMS if t in leads or t == team] if lead else [t for t in leads if t != team]
            if wanted != leads:
                row.leads = wanted
                audit.append(session, actor=by.username, action="agent.updated", target=f"agent {row.username}",
                             now=now, before={"leads": leads}, after={"leads": wanted})
            return agent_rows.to_agent(row)

        return await self.db.run(work)

    async def deactivate(self, username: str, by: Agent) -> Agent:
        """The account cannot sign in and its tokens stop working; it keeps its name and history."""
        now = time.time()

        def work(session: Session) -> Agent:
            agent_rows.lock_active_admins(session)  # before the row: the order every admin change takes
            row = agent_rows.for_update(session, _normal(username))
            if row.role == "admin":
                _keep_an_admin(session, row, by, "deactivate")
            agent_rows.deactivate(session, row)
            audit.append(session, actor=by.username, action="agent.deactivated", target=f"agent {row.username}",
                         now=now, before={"active": True}, after={"active": False})
            return agent_rows.to_agent(row)

        return await self.db.run(work)

    async def reactivate(self, username: str, password: str, by: Agent) -> Agent:
        """A deactivated account signs in again, with a new password: a token it held before
        cannot come back to life with it (its stamp is of the old password)."""
        hashed = await self._new_hash(password)
        now = time.time()

        def work(session: Session) -> Agent:
            row = agent_rows.for_update(session, _normal(username))
            if row.active:
                raise Conflict(f"{row.username} is active already")
            row.active, row.password_hash = True, hashed
            audit.append(session, actor=by.username, action="agent.reactivated", target=f"agent {row.username}",
                         now=now, before={"active": False}, after={"active": True, "password": "set by the admin"})
            return agent_rows.to_agent(row)

        return await self.db.run(work)

    async def reset_password(self, username: str, password: str, by: Agent) -> Agent:
        """An admin sets an agent's password (forgotten, or shared by mistake): their tokens stop working."""
        hashed = await self._new_hash(password)
        now = time.time()

        def work(session: Session) -> Agent:
            row = agent_rows.for_update(session, _normal(username))
            if not row.active:
                raise Conflict(f"{row.username} is deactivated: reactivate the account, with a new password")
            row.password_hash = hashed
            audit.append(session, actor=by.username, action="agent.password_reset", target=f"agent {row.username}",
                         now=now)
            return agent_rows.to_agent(row)

        return await self.db.run(work)

    async def _new_hash(self, password: str) -> str:
        if problem := password_problem(password):
            raise Invalid(problem)
        return await asyncio.to_thread(hash_password, password, self.bcrypt_rounds)

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


def _normal(username: str) -> str:
    """The username an admin's change names, or NotFound when no account can have that name."""
    normal = username.strip().lower()
    if not USERNAME.match(normal):
        raise NotFound(f"no agent named {normal[:64]!r}")
    return normal


def _checked_name(display_name: str) -> str:
    name = display_name.strip()
    if "\x00" in name:
        raise Invalid("the display name holds a NUL character")
    return name


def _checked_role(role: str) -> str:
    if role not in ("agent", "admin"):
        raise Invalid("the role must be 'agent' or 'admin'")
    return role


def _checked_teams(teams: list[str] | tuple[str, ...]) -> list[str]:
    unknown = sorted(set(teams) - set(TEAMS))
    if unknown or not teams:
        raise Invalid(f"teams must be a non-empty list of {', '.join(TEAMS)}; unknown: {', '.join(unknown)}")
    return list(dict.fromkeys(teams))


def _checked_capacity(capacity: int) -> int:
    if capacity < 1:
        raise Invalid("the capacity must be at least 1 conversation")
    return capacity


def _keep_an_admin(session: Session, row: AgentRow, by: Agent, action: str) -> None:
    """Someone must be left who can manage the accounts; and nobody shuts themselves out."""
    if row.id == by.id:
        raise Invalid(f"you cannot {action} your own account; another admin can")
    if row.active and agent_rows.lock_active_admins(session) <= 1:
        raise Conflict(f"{row.username} is the last active admin: make another admin first")


def _profile(agent: Agent) -> dict[str, Any]:
    """What the audit records of an account (never its password hash)."""
    return {"display_name": agent.display_name, "role": agent.role, "teams": list(agent.teams),
            "leads": list(agent.leads), "capacity": agent.capacity, "active": agent.active}


def _changed(these: dict[str, Any], others: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in these.items() if others.get(key) != value}
