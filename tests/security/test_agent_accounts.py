"""Issue 19, finding 8, replayed against the handoff service started from its Procfile line:

- repeated failed logins lock the account, and the client address, for a while;
- the demo accounts and their published password exist only in the demo (HANDOFF_DEMO_MODE),
  never in a shop's empty store, whose first admin is made from the shell;
- a token stops working when it is signed out, when the password changes and when the account
  is removed, and an open console WebSocket is closed when its token is revoked or expires."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import subprocess
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from stack.settings import ROOT
from tests.conftest import Stack

DEMO = {"HANDOFF_DEMO_MODE": "1"}
PASSWORD = "larkspur-demo"  # the published demo password


async def login(handoff: Stack, username: str, password: str, source: str = "127.0.0.1") -> httpx.Response:
    """A login from `source`, one of loopback's addresses, as a distinct client would come."""
    transport = httpx.AsyncHTTPTransport(local_address=source)
    async with httpx.AsyncClient(base_url=handoff.url("handoff"), timeout=60, trust_env=False,
                                 transport=transport) as client:
        return await client.post("/auth/login", json={"username": username, "password": password})


async def token(handoff: Stack, username: str, password: str = PASSWORD) -> str:
    response = await login(handoff, username, password)
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


async def call(handoff: Stack, method: str, path: str, bearer: str, **kwargs: Any) -> httpx.Response:
    async with httpx.AsyncClient(base_url=handoff.url("handoff"), timeout=60, trust_env=False) as client:
        return await client.request(method, path, headers={"Authorization": f"Bearer {bearer}"}, **kwargs)


async def test_failed_logins_lock_the_account_and_the_address(handoff_alone: Callable[[dict[str, str]], Stack]) -> None:
    handoff = handoff_alone(DEMO)
    admin = await token(handoff, "admin")
    created = await call(handoff, "POST", "/agents", admin,
                         json={"username": "target", "password": "the right one", "teams": ["general"]})
    assert created.status_code == 201
    for attempt in range(5):
        wrong = await login(handoff, "target", f"guess number {attempt}")
        assert wrong.status_code == 401, wrong.text
    locked = await login(handoff, "target", "the right one")
    assert locked.status_code == 429, "the sixth try, with the right password, went through"
    assert "too many failed logins" in locked.json()["detail"] and int(locked.headers["Retry-After"]) > 0
    assert (await login(handoff, "maya", PASSWORD)).status_code == 200  # other accounts still log in

    # One address guessing across many usernames, none of which reaches its own limit.
    for attempt in range(20):
        assert (await login(handoff, f"user-{attempt}", "guess", source="127.0.0.9")).status_code == 401
    refused = await login(handoff, "sam", PASSWORD, source="127.0.0.9")
    assert refused.status_code == 429 and "your address" in refused.json()["detail"]
    assert (await login(handoff, "sam", PASSWORD, source="127.0.0.1")).status_code == 200


async def test_no_demo_accounts_in_a_shops_store(handoff_alone: Callable[[dict[str, str]], Stack]) -> None:
    handoff = handoff_alone({"HANDOFF_DEMO_MODE": "0"})
    for username in ("admin", "maya", "sam"):
        response = await login(handoff, username, PASSWORD)
        assert response.status_code == 401, f"{username} / the demo password logged in outside the demo"
    # The shop's first admin, from the shell, the password on stdin (never on a command line).
    made = subprocess.run(
        [str(ROOT / ".venvs/svc/bin/python"), "-m", "handoff.auth.create_agent", "owner", "--admin"],
        input="a long shop secret\n", capture_output=True, text=True, cwd=ROOT, timeout=120,
        env={**os.environ, **handoff.env})
    assert made.returncode == 0, made.stderr
    assert "created admin owner" in made.stdout
    owner = await token(handoff, "owner", "a long shop secret")
    assert (await call(handoff, "GET", "/agents", owner)).json()[0]["username"] == "owner"


async def closed_by_server(ws: Any, within: float) -> tuple[str, int | None]:
    """The error the server sent last and its close code, once it closed the socket."""
    detail = ""
    try:
        async with asyncio.timeout(within):
            while True:
                message = json.loads(await ws.recv())
                if message["type"] == "error":
                    detail = message["data"]["detail"]
    except ConnectionClosed:
        return detail, ws.close_code
    raise AssertionError(f"the console stayed open {within} s")


@contextlib.asynccontextmanager
async def console(handoff: Stack, token: str) -> AsyncIterator[Any]:
    """A console's live feed, signed in as the console does: the token as the first message."""
    async with connect(handoff.url("handoff").replace("http://", "ws://") + "/ws", proxy=None) as ws:
        await ws.send(json.dumps({"type": "auth", "token": token}))
        yield ws


async def test_revoked_tokens_stop_working_and_close_the_console(
        handoff_alone: Callable[[dict[str, str]], Stack]) -> None:
    handoff = handoff_alone(DEMO)

    # Signing out: that token, and a console open with it, are done.
    maya = await token(handoff, "maya")
    async with console(handoff, maya) as ws:
        assert json.loads(await ws.recv())["type"] == "hello"
        assert (await call(handoff, "POST", "/auth/logout", maya)).status_code == 204
        detail, code = await closed_by_server(ws, within=20)
    assert code == 4401 and "signed out" in detail
    assert (await call(handoff, "GET", "/agents/me", maya)).status_code == 401

    # A password change: every earlier token of the account.
    first, second = await token(handoff, "maya"), await token(handoff, "maya")
    changed = await call(handoff, "PUT", "/agents/me/password", first,
                         json={"current_password": PASSWORD, "new_password": "not the demo one"})
    assert changed.status_code == 204
    for old in (first, second):
        assert (await call(handoff, "GET", "/escalations", old)).status_code == 401

    # A deactivated account (DELETE deactivates, 0190): its tokens and its password.
    sam, admin = await token(handoff, "sam"), await token(handoff, "admin")
    async with console(handoff, sam) as ws:
        assert json.loads(await ws.recv())["type"] == "hello"
        assert (await call(handoff, "DELETE", "/agents/sam", admin)).status_code == 204
        detail, code = await closed_by_server(ws, within=20)
    assert code == 4401 and "was deactivated" in detail
    assert (await call(handoff, "GET", "/agents/me", sam)).status_code == 401
    assert (await login(handoff, "sam", PASSWORD)).status_code == 401


async def test_an_expired_token_closes_the_console(handoff_alone: Callable[[dict[str, str]], Stack]) -> None:
    handoff = handoff_alone({**DEMO, "HANDOFF_TOKEN_TTL_SECONDS": "4"})
    maya = await token(handoff, "maya")
    async with console(handoff, maya) as ws:
        assert json.loads(await ws.recv())["type"] == "hello"
        detail, code = await closed_by_server(ws, within=15)
    assert code == 4401 and "expired" in detail
