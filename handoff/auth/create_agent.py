"""`python -m handoff.auth.create_agent USERNAME [--admin] [--teams returns,general]`: create an
agent account from the shell, the way a shop's first admin is made (outside the demo no
account exists until one is). The password is read from standard input, never taken as an
argument: process listings and shell histories show those."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys

from handoff.auth.accounts import Accounts
from handoff.errors import HandoffError
from handoff.settings import get_settings
from handoff.store import Database
from handoff.store.records import TEAMS


def read_password() -> str:
    if sys.stdin.isatty():
        return getpass.getpass("password: ")
    return sys.stdin.readline().rstrip("\n")


async def create(username: str, password: str, *, admin: bool, teams: list[str], display_name: str) -> str:
    settings = get_settings()
    db = Database(settings.effective_database_url)
    await db.start()
    try:
        accounts = Accounts(db, settings.default_capacity, settings.bcrypt_rounds)
        agent = await accounts.create(username=username, password=password, display_name=display_name,
                                      role="admin" if admin else "agent", teams=teams)
        return f"created {agent.role} {agent.username} ({', '.join(agent.teams)})"
    finally:
        await db.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("username")
    parser.add_argument("--admin", action="store_true", help="an admin (sees every team, manages accounts)")
    parser.add_argument("--teams", default=",".join(TEAMS), help=f"comma-separated, of {', '.join(TEAMS)}")
    parser.add_argument("--name", default="", help="the name customers see (default: the username)")
    args = parser.parse_args(argv)
    teams = [team.strip() for team in args.teams.split(",") if team.strip()]
    try:
        print(asyncio.run(create(args.username, read_password(), admin=args.admin, teams=teams,
                                 display_name=args.name)))
    except HandoffError as error:
        print(f"not created: {error.detail}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
