"""What an agent asks of the queue: a view, filters, a search and an order, all bounded.

The views: `mine` (the ones I hold), `unassigned` (waiting for anyone), `teams` (open in my
teams), `all` (every open one; admins only) and `closed` (completed or failed, newest first).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from handoff.errors import Forbidden, Invalid
from handoff.escalations.labels import CHANNEL_NAMES
from handoff.store.records import OPEN_STATES, TEAMS, Agent

View = Literal["mine", "unassigned", "teams", "all", "closed"]
# "sla": the least business time left on a running SLA target first (escalations/sla_policy.py).
Sort = Literal["waiting", "priority", "newest", "sla"]
VIEWS: tuple[str, ...] = ("mine", "unassigned", "teams", "all", "closed")
SORTS: tuple[str, ...] = ("waiting", "priority", "newest", "sla")
CLOSED_STATES = ("completed", "failed")
MAX_PAGE = 100
MAX_OFFSET = 10_000
MAX_SEARCH = 100


@dataclass(frozen=True)
class QueueQuery:
    view: View | None = None
    states: tuple[str, ...] = OPEN_STATES
    mine: bool = False
    unassigned: bool = False
    teams: tuple[str, ...] | None = None  # None: every team the agent may see
    channel: str | None = None
    reason: str | None = None
    search: str | None = None
    sort: Sort = "priority"
    limit: int = MAX_PAGE
    offset: int = 0


def queue_query(agent: Agent, *, view: str | None, state: str | None, mine: bool, team: str | None,
                channel: str | None, reason: str | None, search: str | None, sort: str | None,
                limit: int, offset: int) -> QueueQuery:
    """Check what was asked and turn it into one query; anything out of bounds is refused."""
    if view is not None and view not in VIEWS:
        raise Invalid(f"unknown view {view!r}; views are {', '.join(VIEWS)}")
    if sort is not None and sort not in SORTS:
        raise Invalid(f"unknown sort {sort!r}; sorts are {', '.join(SORTS)}")
    if team is not None and team not in TEAMS:
        raise Invalid(f"unknown team {team!r}; teams are {', '.join(TEAMS)}")
    if channel is not None and channel not in CHANNEL_NAMES:
        raise Invalid(f"unknown channel {channel!r}; channels are {', '.join(CHANNEL_NAMES)}")
    if reason is not None and (not reason.replace("_", "").isalnum() or len(reason) > 64):
        raise Invalid("a reason is a word like missed_delivery")
    if not 1 <= limit <= MAX_PAGE or not 0 <= offset <= MAX_OFFSET:
        raise Invalid(f"limit is 1 to {MAX_PAGE}, offset 0 to {MAX_OFFSET}")
    search = (search or "").strip() or None
    if search is not None and len(search) > MAX_SEARCH:
        raise Invalid(f"a search is at most {MAX_SEARCH} characters")
    if view == "all" and not agent.is_admin:
        raise Forbidden("only admins see every team's queue")
    states: tuple[str, ...] = OPEN_STATES
    teams: tuple[str, ...] | None = None
    unassigned = False
    if view == "mine":
        mine = True
    elif view == "unassigned":
        states, unassigned = ("initiated", "queued"), True
    elif view == "teams":
        teams = tuple(agent.teams)
    elif view == "closed":
        states = CLOSED_STATES
    elif view is None and state is not None:
        states = (state,)
    if team is not None:
        teams = (team,) if teams is None or team in teams else ()
    chosen: Sort = "newest" if view == "closed" else "priority"
    if sort is not None:
        chosen = sort  # type: ignore[assignment]  # checked against SORTS above
    return QueueQuery(view=view, states=states, mine=mine, unassigned=unassigned, teams=teams,  # type: ignore[arg-type]
                      channel=channel, reason=reason, search=search, sort=chosen, limit=limit, offset=offset)
