"""Logging in, tokens that expire, presence, and the admin's agent accounts, over HTTP."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.exceptions import ConnectionClosed

from handoff.auth.tokens import TokenIssuer
from tests.handoff.harness import DEMO_PASSWORD, Server, handoff_settings, next_push


async def login(server: Server, username: str, password: str = DEMO_PASSWORD, source: str = "127.0.0.1",
                ) -> httpx.Response:
    """A login from `source`, one of loopback's many addresses, as a distinct client would be."""
    transport = httpx.AsyncHTTPTransport(local_address=source)
    async with httpx.AsyncClient(base_url=server.url, trust_env=False, transport=transport) as client:
        return await client.post("/auth/login", json={"username": username, "password": password})


@pytest.fixture
async def strict(redis_url: str, tmp_path: Path) -> AsyncIterator[Server]:
    """A replica that locks after 3 failures per account or 6 per address, for 3 seconds, whose
    tokens last 4 seconds, and whose consoles recheck their token every 0.2 s."""
    settings = handoff_settings(
        redis_url, f"sqlite:///{tmp_path / 'handoff.db'}", tmp_path, HANDOFF_LOGIN_FAILURES_PER_ACCOUNT=3,
        HANDOFF_LOGIN_FAILURES_PER_ADDRESS=6, HANDOFF_LOGIN_WINDOW_SECONDS=3, HANDOFF_TOKEN_TTL_SECONDS=4,
        HANDOFF_TOKEN_RECHECK_SECONDS=0.2)
    async with Server(settings) as running:
        yield running


async def test_login_returns_an_expiring_token_and_the_agent(server: Server) -> None:
    async with httpx.AsyncClient(base_url=server.url, trust_env=False) as client:
        response = await client.post("/auth/login", json={"username": "maya", "password": "larkspur-demo"})
        assert response.status_code == 200
        body = response.json()
        assert body["token_type"] == "bearer"
        assert time.time() < body["expires_at"] <= time.time() + server.settings.token_ttl_seconds + 1
        assert body["agent"] == {"id": body["agent"]["id"], "username": "maya", "display_name": "Maya", "role": "agent",
                                 "teams": ["returns", "general"], "capacity": 3, "leads": [], "status": "offline"}
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
        current = await server.services.accounts.current("maya")
        assert current is not None
        fresh = issuer.issue("maya", "agent", current[1]).token
        assert (await client.get("/agents/me", headers={"Authorization": f"Bearer {fresh}"})).status_code == 200
        # Signed with the key but not for maya's current credentials: refused.
        unstamped = issuer.issue("maya", "agent").token
        response = await client.get("/agents/me", headers={"Authorization": f"Bearer {unstamped}"})
        assert response.status_code == 401 and "password of this account changed" in response.json()["detail"]


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
                                          "teams": ["delivery"], "capacity": 2, "leads": [], "status": "offline",
                                          "active_chats": 0, "active": True}
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


async def test_no_demo_accounts_outside_the_demo(redis_url: str, tmp_path: Path) -> None:
    """Issue 19, finding 8: the demo accounts and their published password were seeded into any
    empty store. Without HANDOFF_DEMO_MODE the store starts with no account at all."""
    settings = handoff_settings(redis_url, f"sqlite:///{tmp_path / 'shop.db'}", tmp_path, HANDOFF_DEMO_MODE=False)
    async with Server(settings) as shop:
        assert await shop.services.accounts.all() == []
        for username in ("admin", "maya", "sam"):
            assert (await login(shop, username)).status_code == 401
        await shop.services.accounts.create(username="owner", password="a long secret", display_name="Owner",
                                            role="admin", teams=["general"])
        assert (await login(shop, "owner", "a long secret")).status_code == 200
    assert not settings.demo_mode and handoff_settings(redis_url, "sqlite://", tmp_path).demo_mode


async def test_repeated_failures_lock_the_account_for_that_client_then_it_opens_again(strict: Server) -> None:
    for _ in range(3):
        assert (await login(strict, "maya", "guess-guess", source="127.0.0.5")).status_code == 401
    locked = await login(strict, "maya", source="127.0.0.5")  # the right password, but locked: not even checked
    assert locked.status_code == 429 and "too many failed logins for this account" in locked.json()["detail"]
    assert 1 <= int(locked.headers["Retry-After"]) <= 3
    assert (await login(strict, "MAYA ", "guess", source="127.0.0.5")).status_code == 429  # spelt otherwise
    assert (await login(strict, "sam", source="127.0.0.5")).status_code == 200  # other accounts are not locked
    # Issue 24: the guesser's lock is theirs; maya signs in from her own address meanwhile.
    assert (await login(strict, "maya", source="127.0.0.1")).status_code == 200
    await asyncio.sleep(3.2)
    assert (await login(strict, "maya", source="127.0.0.5")).status_code == 200
    # A success clears that client's count for the account.
    for _ in range(2):
        assert (await login(strict, "maya", "guess-guess", source="127.0.0.5")).status_code == 401
    assert (await login(strict, "maya", source="127.0.0.5")).status_code == 200
    assert (await login(strict, "maya", "guess-guess", source="127.0.0.5")).status_code == 401


async def test_repeated_failures_from_one_address_lock_that_address(strict: Server) -> None:
    for i in range(6):  # a different username each time: no account reaches its own limit
        assert (await login(strict, f"user{i}-" + "x" * 50, "guess-guess", source="127.0.0.7")).status_code == 401
    refused = await login(strict, "admin", source="127.0.0.7")
    assert refused.status_code == 429 and "your address" in refused.json()["detail"]
    assert (await login(strict, "admin", source="127.0.0.1")).status_code == 200  # other clients log in


async def test_sign_out_password_change_and_removal_revoke_tokens(server: Server) -> None:
    maya, other_maya, admin = await server.login("maya"), await server.login("maya"), await server.login("admin")
    assert (await maya.post("/auth/logout")).status_code == 204
    gone = await maya.get("/agents/me")
    assert (gone.status_code, gone.json()["detail"]) == (401, "this token was signed out: log in again")
    assert (await other_maya.get("/agents/me")).status_code == 200  # only that token

    wrong = await other_maya.put("/agents/me/password",
                                 json={"current_password": "nope-nope", "new_password": "a new long one"})
    assert (wrong.status_code, wrong.json()["detail"]) == (403, "the current password is wrong")
    short = await other_maya.put("/agents/me/password",
                                 json={"current_password": DEMO_PASSWORD, "new_password": "short"})
    assert short.status_code == 422
    changed = await other_maya.put("/agents/me/password",
                                   json={"current_password": DEMO_PASSWORD, "new_password": "a new long one"})
    assert changed.status_code == 204
    assert (await other_maya.get("/agents/me")).status_code == 401
    assert (await login(server, "maya")).status_code == 401
    maya = await server.login("maya", "a new long one")

    assert (await maya.delete("/agents/sam")).status_code == 403
    assert (await admin.delete("/agents/admin")).status_code == 422
    assert (await admin.delete("/agents/nobody")).status_code == 404
    assert (await admin.delete("/agents/maya")).status_code == 204
    assert (await maya.get("/agents/me")).status_code == 401
    assert (await login(server, "maya", "a new long one")).status_code == 401
    assert "maya" not in [a["username"] for a in (await admin.get("/agents")).json()]
    for client in (maya, other_maya, admin):
        await client.aclose()


async def closed_with(ws: Any) -> tuple[dict[str, Any], int]:
    error = await next_push(ws, "error", timeout=6)
    with pytest.raises(ConnectionClosed):
        async with asyncio.timeout(6):
            while True:
                await ws.recv()
    return error["data"], ws.close_code


async def test_an_open_console_is_closed_when_its_token_is_revoked_or_expires(strict: Server) -> None:
    maya = await strict.login("maya")
    async with strict.websocket(maya.token) as ws:  # type: ignore[attr-defined]
        await next_push(ws, "hello")
        assert (await maya.post("/auth/logout")).status_code == 204
        data, code = await closed_with(ws)
        assert code == 4401 and data["detail"] == "this token was signed out: log in again"
    sam = await strict.login("sam")
    async with strict.websocket(sam.token) as ws:  # type: ignore[attr-defined]
        await next_push(ws, "hello")
        data, code = await closed_with(ws)  # 4 s tokens
        assert code == 4401 and "expired" in data["detail"]
    for client in (maya, sam):
        await client.aclose()
