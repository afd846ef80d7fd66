"""Logging in, tokens that expire, presence, and the admin's agent accounts, over HTTP."""

from __future__ import annotations

import time

import httpx

from handoff.auth.tokens import TokenIssuer
from tests.handoff.harness import Server


async def test_login_returns_an_expiring_token_and_the_agent(server: Server) -> None:
    async with httpx.AsyncClient(base_url=server.url, trust_env=False) as client:
        response = await client.post("/auth/login", json={"username": "maya", "password": "larkspur-demo"})
        assert response.status_code == 200
        body = response.json()
        assert body["token_type"] == "bearer"
        assert time.time() < body["expires_at"] <= time.time() + server.settings.token_ttl_seconds + 1
        assert body["agent"] == {"id": body["agent"]["id"], "username": "maya", "display_name": "Maya", "role": "agent",
                                 "teams": ["returns", "general"], "capacity": 3, "status": "offline"}
        wrong = await client.post("/auth/login", json={"username": "maya", "password": "not-her-password"})
        assert (wrong.status_code, wrong.json()) == (401, {"detail": "wrong username or password"})
        unknown = await client.post("/auth/login", json={"username": "ghost", "password": "larkspur-demo"})
        assert unknown.status_code == 401
        missing = await client.post("/auth/login", json={"username": "maya"})
        assert missing.status_code == 422 and missing.json()["detail"] == "password: Field required"


async def test_expired_forged_and_missing_tokens_get_401(server: Server) -> None:
    issuer = TokenIssuer(server.settings.secret_key(), ttl_seconds=60)
    expired = issuer.issue("maya", "agent", now=time.time() - 120).token
    forged = TokenIssuer("some-other-secret-somebody-made-up-42", ttl_seconds=60).issue("admin", "admin").token
    async with httpx.AsyncClient(base_url=server.url, trust_env=False) as client:
        for headers, says in (
            ({"Authorization": f"Bearer {expired}"}, "the token has expired: log in again"),
            ({"Authorization": f"Bearer {forged}"},
             "the token is not valid (Signature verification failed): log in again"),
            ({}, "not logged in: send Authorization: Bearer <token> from POST /auth/login"),
        ):
            response = await client.get("/escalations", headers=headers)
            assert (response.status_code, response.json()["detail"]) == (401, says)
        fresh = issuer.issue("maya", "agent").token
        assert (await client.get("/agents/me", headers={"Authorization": f"Bearer {fresh}"})).status_code == 200


async def test_presence_online_away_offline(server: Server) -> None:
    maya = await server.login("maya")
    presence = server.services.presence
    assert (await maya.put("/agents/me/presence", json={"status": "online"})).json()["status"] == "online"
    assert await presence.online_agents("returns") == ["maya"]
    assert await presence.online_agents("delivery") == []
    assert (await maya.put("/agents/me/presence", json={"status": "away"})).json()["status"] == "away"
    assert await presence.online_agents() == []
    assert [a["status"] for a in await presence.present("returns")] == ["away"]
    bad = await maya.put("/agents/me/presence", json={"status": "asleep"})
    assert bad.status_code == 422 and "status" in bad.json()["detail"]
    assert (await maya.put("/agents/me/presence", json={"status": "offline"})).json()["status"] == "offline"
    assert await presence.present() == []
    await maya.aclose()


async def test_only_an_admin_lists_and_creates_agents(server: Server) -> None:
    admin, maya = await server.login("admin"), await server.login("maya")
    assert (await maya.get("/agents")).status_code == 403
    denied = await maya.post("/agents", json={"username": "eve", "password": "long enough", "teams": ["general"]})
    assert (denied.status_code, denied.json()["detail"]) == (403, "only an admin can do this")
    assert [a["username"] for a in (await admin.get("/agents")).json()] == ["admin", "maya", "sam"]
    created = await admin.post("/agents", json={"username": "jo", "password": "long enough", "display_name": "Jo",
                                                "teams": ["delivery"], "capacity": 2})
    assert created.status_code == 201
    assert created.json() | {"id": 0} == {"id": 0, "username": "jo", "display_name": "Jo", "role": "agent",
                                          "teams": ["delivery"], "capacity": 2, "status": "offline", "active_chats": 0}
    again = await admin.post("/agents", json={"username": "jo", "password": "long enough", "teams": ["delivery"]})
    assert (again.status_code, again.json()["detail"]) == (409, "an agent named 'jo' already exists")
    bad_team = await admin.post("/agents", json={"username": "kim", "password": "long enough", "teams": ["billing"]})
    assert bad_team.status_code == 422 and "unknown: billing" in bad_team.json()["detail"]
    jo = await server.login("jo", "long enough")
    assert (await jo.get("/agents/me")).json()["teams"] == ["delivery"]
    for client in (admin, maya, jo):
        await client.aclose()


async def test_health_reports_the_database_and_what_is_down(server: Server) -> None:
    async with httpx.AsyncClient(base_url=server.url, trust_env=False) as client:
        response = await client.get("/health")
    body = response.json()
    assert body["database"] == "sqlite"
    assert body["dependencies"]["database"] == body["dependencies"]["redis"] == "ok"
    # The harness points at a Rasa that is not running: degraded, not down, and it says why.
    assert response.status_code == 200 and body["status"] == "degraded"
    assert body["dependencies"]["rasa"] == "down: ConnectError" and "rasa" in body["degraded"]
