"""The admin pages' API over HTTP, on SQLite and PostgreSQL: accounts, canned replies, teams and
the audit; every admin route refuses non-admins."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.routing import APIRoute

from handoff.api.deps import current_admin
from handoff.store import Database
from tests.handoff.databases import empty
from tests.handoff.harness import Server, handoff_settings

ADMIN_ROUTES = {
    ("GET", "/agents"), ("POST", "/agents"), ("PATCH", "/agents/{username}"), ("DELETE", "/agents/{username}"),
    ("POST", "/agents/{username}/reactivate"), ("PUT", "/agents/{username}/password"),
    ("POST", "/canned-responses"), ("PUT", "/canned-responses/{reply_id}"),
    ("DELETE", "/canned-responses/{reply_id}"), ("GET", "/teams"), ("GET", "/audit"),
    ("PUT", "/teams/{team}/leads/{username}"), ("DELETE", "/teams/{team}/leads/{username}"),
}


@pytest.fixture
async def shop(redis_url: str, database_url: str, tmp_path: Path) -> AsyncIterator[Server]:
    """One replica on a store that starts empty (the demo's accounts seeded), SQLite or PostgreSQL."""
    db = Database(database_url)
    empty(db.engine)
    await db.close()
    async with Server(handoff_settings(redis_url, database_url, tmp_path)) as running:
        yield running


async def changes(admin: httpx.AsyncClient, **params: Any) -> dict[str, Any]:
    """A page of the audit without the demo's seeded accounts (the system made those)."""
    page = (await admin.get("/audit", params=params)).json()
    return {**page, "events": [e for e in page["events"] if e["actor"] != "system"]}


async def sign_in(server: Server, username: str, password: str) -> httpx.Response:
    async with httpx.AsyncClient(base_url=server.url, trust_env=False) as client:
        return await client.post("/auth/login", json={"username": username, "password": password})


def api_routes(routes: list[Any]) -> list[APIRoute]:
    """Every APIRoute of the app, through the routers it includes (FastAPI wraps each one)."""
    found: list[APIRoute] = []
    for route in routes:
        if isinstance(route, APIRoute):
            found.append(route)
        elif hasattr(route, "original_router"):
            found.extend(api_routes(route.original_router.routes))
    return found


def depends_on_admin(route: APIRoute) -> bool:
    pending = list(route.dependant.dependencies)
    while pending:
        dependency = pending.pop()
        if dependency.call is current_admin:
            return True
        pending.extend(dependency.dependencies)
    return False


async def test_every_admin_route_refuses_agents_before_reading_the_body(shop: Server) -> None:
    routes = api_routes(shop.app.routes)
    assert len(routes) > 40
    admin_routes = {(method, route.path) for route in routes if depends_on_admin(route) for method in route.methods}
    assert admin_routes == ADMIN_ROUTES
    maya = await shop.login("maya")
    for method, path in sorted(admin_routes):
        url = path.replace("{username}", "sam").replace("{reply_id}", "greeting").replace("{team}", "delivery")
        for body in ({"junk": "x" * 10}, None):
            response = await maya.request(method, url, json=body)
            assert (response.status_code, response.json()["detail"]) == (403, "only an admin can do this"), url
    async with httpx.AsyncClient(base_url=shop.url, trust_env=False) as anonymous:
        assert (await anonymous.get("/audit")).status_code == 401
    assert (await changes(await shop.login("admin")))["events"] == []  # nothing changed
    await maya.aclose()


async def test_an_admin_manages_an_account_from_creation_to_reactivation(shop: Server) -> None:
    admin = await shop.login("admin")
    created = await admin.post("/agents", json={"username": "jo", "password": "jo's first one", "display_name": "Jo",
                                                "teams": ["delivery"]})
    assert created.status_code == 201 and created.json()["active"] is True
    jo = await shop.login("jo", "jo's first one")
    assert (await jo.put("/agents/me/presence", json={"status": "online"})).status_code == 200
    presence = shop.services.presence
    assert "jo" not in await presence.online_agents("returns")

    changed = await admin.patch("/agents/jo", json={"teams": ["delivery", "returns"], "role": "admin",
                                                    "capacity": 5})
    assert changed.status_code == 200
    assert {k: changed.json()[k] for k in ("teams", "role", "capacity", "display_name")} == {
        "teams": ["delivery", "returns"], "role": "admin", "capacity": 5, "display_name": "Jo"}
    assert (await jo.get("/teams")).status_code == 200  # an admin now, on their next request
    assert "jo" in await presence.online_agents("returns")  # the routing sees the new team at once

    assert (await admin.put("/agents/jo/password", json={"password": "reset by admin"})).status_code == 204
    assert (await jo.get("/agents/me")).status_code == 401  # the reset ended jo's tokens
    assert (await sign_in(shop, "jo", "jo's first one")).status_code == 401
    jo = await shop.login("jo", "reset by admin")

    assert (await admin.delete("/agents/jo")).status_code == 204
    assert (await jo.get("/agents/me")).status_code == 401
    assert "jo" not in await presence.online_agents()  # not available while their console closes
    assert (await sign_in(shop, "jo", "reset by admin")).status_code == 401
    assert "jo" not in [a["username"] for a in (await admin.get("/agents")).json()]
    listed = (await admin.get("/agents", params={"include_inactive": "true"})).json()
    assert [a["active"] for a in listed if a["username"] == "jo"] == [False]
    again = await admin.post("/agents", json={"username": "JO", "password": "someone else", "teams": ["general"]})
    assert again.status_code == 409 and "reactivate it" in again.json()["detail"]
    assert (await admin.delete("/agents/jo")).status_code == 409

    reactivated = await admin.post("/agents/jo/reactivate", json={"password": "back again, jo"})
    assert reactivated.status_code == 200 and reactivated.json()["teams"] == ["delivery", "returns"]
    assert (await sign_in(shop, "jo", "reset by admin")).status_code == 401
    assert (await sign_in(shop, "jo", "back again, jo")).status_code == 200

    audit = await changes(admin)
    assert [(e["actor"], e["action"], e["target"]) for e in reversed(audit["events"])] == [
        ("admin", "agent.created", "agent jo"), ("admin", "agent.updated", "agent jo"),
        ("admin", "agent.password_reset", "agent jo"), ("admin", "agent.deactivated", "agent jo"),
        ("admin", "agent.reactivated", "agent jo"),
    ]
    assert audit["events"][3]["after"] == {"teams": ["delivery", "returns"], "role": "admin", "capacity": 5}
    assert "password" not in str(audit["events"][3]) and "$2" not in str(audit)
    await admin.aclose()


async def test_bad_requests_get_clear_errors_and_change_nothing(shop: Server) -> None:
    admin = await shop.login("admin")
    for method, url, body, status, says in (
        ("PATCH", "/agents/sam", {"teams": ["billing"]}, 422, "unknown: billing"),
        ("PATCH", "/agents/sam", {"capacity": 0}, 422, "capacity"),
        ("PATCH", "/agents/admin", {"role": "agent"}, 422, "your own account"),
        ("DELETE", "/agents/admin", None, 422, "your own account"),
        ("PATCH", "/agents/" + "z" * 5000, {"capacity": 2}, 404, "no agent named"),
        ("PATCH", "/agents/%00", {"capacity": 2}, 404, "no agent named"),
        ("POST", "/agents/sam/reactivate", {"password": "long enough"}, 409, "active already"),
        ("PUT", "/agents/sam/password", {"password": "short"}, 422, "at least 8"),
        ("PUT", "/canned-responses/" + "ü%25{x}" * 300, {"title": "t", "team": "general", "text": "x"}, 404, "no such"),
        ("POST", "/canned-responses", {"title": "  ", "team": "general", "text": "x"}, 422, "title is empty"),
        ("POST", "/canned-responses", {"title": "t", "team": "billing", "text": "x"}, 422, "team must be one of"),
        ("POST", "/canned-responses", {"title": "t", "team": "general", "text": "x" * 100_000}, 422, "text"),
        ("POST", "/canned-responses", {"title": "t\x00", "team": "general", "text": "x"}, 422, "NUL"),
        ("DELETE", "/canned-responses/a%00b", None, 404, "no such"),
        ("PATCH", "/agents/sam", {"display_name": "Sam\x00"}, 422, "NUL"),
        ("POST", "/agents", {"username": "kim", "password": "long enough", "display_name": "\x00"}, 422, "NUL"),
        ("GET", "/audit?limit=100000", None, 422, "limit"),
        ("GET", "/audit?before=-1", None, 422, "before"),
    ):
        response = await admin.request(method, url, json=body)
        assert response.status_code == status and says in response.json()["detail"], (url, response.text)
    assert (await changes(admin))["events"] == []
    await admin.aclose()


async def test_canned_replies_come_from_the_store_and_admins_edit_them(shop: Server) -> None:
    admin, maya = await shop.login("admin"), await shop.login("maya")
    seeded = (await maya.get("/canned-responses")).json()
    assert len(seeded) == 12 and {"id", "title", "team", "text"} <= set(seeded[0])
    created = await admin.post("/canned-responses", json={"title": "Size guide", "team": "returns",
                                                          "text": "Our size guide is at https://example.com/sizes"})
    assert created.status_code == 201
    reply_id = created.json()["id"]
    assert reply_id in [r["id"] for r in (await maya.get("/canned-responses")).json()]
    edited = await admin.put(f"/canned-responses/{reply_id}", json={"title": "Sizes", "team": "general",
                                                                    "text": "See our size guide."})
    assert edited.json() | {"updated_at": 0} == {"id": reply_id, "title": "Sizes", "team": "general",
                                                 "text": "See our size guide.", "updated_at": 0, "updated_by": "admin"}
    assert (await admin.delete("/canned-responses/lost-parcel")).status_code == 204
    assert "lost-parcel" not in [r["id"] for r in (await maya.get("/canned-responses")).json()]
    events = (await changes(admin))["events"]
    assert [e["action"] for e in events] == ["canned_reply.deleted", "canned_reply.updated", "canned_reply.created"]
    assert events[0]["target"] == "canned reply lost-parcel" and events[0]["before"]["team"] == "delivery"
    for client in (admin, maya):
        await client.aclose()


async def test_teams_list_their_members_and_the_audit_reads_by_pages(shop: Server) -> None:
    admin = await shop.login("admin")
    teams = (await admin.get("/teams")).json()
    assert [(t["name"], [m["username"] for m in t["members"]]) for t in teams] == [
        ("returns", ["admin", "maya"]), ("delivery", ["admin", "sam"]), ("general", ["admin", "maya", "sam"])]
    for capacity in range(1, 6):
        assert (await admin.patch("/agents/sam", json={"capacity": capacity})).status_code == 200
    first = await changes(admin, limit=2)
    second = await changes(admin, limit=2, before=first["next_before"])
    third = await changes(admin, limit=2, before=second["next_before"])
    # 3 to 1, then up to 5: five changes, newest first, then the demo's 3 accounts (the system's)
    assert [e["after"]["capacity"] for e in first["events"] + second["events"] + third["events"]] == [5, 4, 3, 2, 1]
    last = (await admin.get("/audit", params={"limit": 5, "before": third["next_before"]})).json()
    assert [e["actor"] for e in last["events"]] == ["system"] * 2 and last["next_before"] is None
    await admin.aclose()


async def test_an_admin_makes_a_member_a_team_lead_and_it_is_audited(shop: Server) -> None:
    admin, sam = await shop.login("admin"), await shop.login("sam")  # sam: delivery and general
    made = await admin.put("/teams/delivery/leads/sam")
    assert made.status_code == 200 and made.json()["leads"] == ["delivery"]
    assert (await admin.put("/teams/delivery/leads/sam")).json()["leads"] == ["delivery"]  # once is enough
    teams = {t["name"]: t for t in (await admin.get("/teams")).json()}
    assert teams["delivery"]["leads"] == ["sam"] and teams["general"]["leads"] == []
    assert [(m["username"], m["lead"]) for m in teams["delivery"]["members"]] == [("admin", False), ("sam", True)]
    assert (await sam.get("/agents/me")).json()["leads"] == ["delivery"]  # what his console reads

    refused = {
        "/teams/returns/leads/sam": (409, "Sam is not in the returns team: add them to it on the Agents tab first"),
        "/teams/nope/leads/sam": (404, "no team 'nope'; teams are returns, delivery, general"),
        "/teams/delivery/leads/nobody": (404, "no agent named 'nobody'"),
    }
    for path, (status, detail) in refused.items():
        response = await admin.put(path)
        assert (response.status_code, response.json()["detail"]) == (status, detail), path

    # Leaving a team ends leading it; joining it again does not make one its lead again.
    assert (await admin.patch("/agents/sam", json={"teams": ["general"]})).json()["leads"] == []
    assert (await admin.patch("/agents/sam", json={"teams": ["delivery", "general"]})).json()["leads"] == []
    assert (await admin.put("/teams/general/leads/sam")).json()["leads"] == ["general"]
    assert (await admin.put("/teams/delivery/leads/sam")).json()["leads"] == ["delivery", "general"]
    stopped = await admin.delete("/teams/general/leads/sam")
    assert stopped.status_code == 200 and stopped.json()["leads"] == ["delivery"]
    assert (await sam.get("/agents/me")).json()["leads"] == ["delivery"]  # his next request knows

    audit = (await changes(admin))["events"]
    assert [(e["action"], e["target"], e["before"], e["after"]) for e in reversed(audit)] == [
        ("agent.updated", "agent sam", {"leads": []}, {"leads": ["delivery"]}),
        ("agent.updated", "agent sam", {"teams": ["delivery", "general"], "leads": ["delivery"]},
         {"teams": ["general"], "leads": []}),
        ("agent.updated", "agent sam", {"teams": ["general"]}, {"teams": ["delivery", "general"]}),
        ("agent.updated", "agent sam", {"leads": []}, {"leads": ["general"]}),
        ("agent.updated", "agent sam", {"leads": ["general"]}, {"leads": ["delivery", "general"]}),
        ("agent.updated", "agent sam", {"leads": ["delivery", "general"]}, {"leads": ["delivery"]}),
    ]
    assert (await admin.delete("/agents/sam")).status_code == 204
    gone = await admin.put("/teams/general/leads/sam")
    assert (gone.status_code, gone.json()["detail"]) == (409, "sam is deactivated: reactivate the account first")
    for client in (admin, sam):
        await client.aclose()
