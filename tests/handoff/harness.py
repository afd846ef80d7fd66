"""The handoff service for API tests: the real app (create_app) served by a real uvicorn in
the test's event loop, with real Redis and a real database; plus a logged-in client and a
WebSocket reader."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from websockets.asyncio.client import ClientConnection, connect

from handoff.main import create_app
from handoff.services import Services
from handoff.settings import HandoffSettings

DEMO_PASSWORD = "larkspur-demo"
SHUTDOWN_SECONDS = 30.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def handoff_settings(redis_url: str, database_url: str, var_dir: Path, **extra: Any) -> HandoffSettings:
    values: dict[str, Any] = {
        "BATON_REDIS_URL": redis_url, "HANDOFF_DATABASE_URL": database_url, "BATON_VAR": var_dir,
        "HANDOFF_SECRET": "test-secret-for-agent-tokens-0123456789", "HANDOFF_BCRYPT_ROUNDS": 4,
        "HANDOFF_KEY_PREFIX": "test:handoff", "BATON_EVENT_STREAM": "test:events",
        "HANDOFF_READ_BLOCK_MS": 100,
        # Nothing listens here: calls to Rasa fail fast (the tests with the real Rasa are in test_with_rasa.py).
        "BATON_RASA_URL": f"http://127.0.0.1:{free_port()}", "RASA_TOKEN": "unused",
        "HANDOFF_DEMO_PASSWORD": DEMO_PASSWORD, "HANDOFF_DEMO_MODE": True,
    }
    values.update(extra)
    return HandoffSettings(**values)


class Server:
    """One replica of the handoff service on a free port."""

    def __init__(self, settings: HandoffSettings, *, engine: bool = False) -> None:
        """`engine`: with the engine, which opens escalations from the stream as in production."""
        self.settings = settings
        self.app = create_app(settings, engine=engine)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._server = uvicorn.Server(uvicorn.Config(self.app, host="127.0.0.1", port=self.port,
                                                     log_level="warning", lifespan="on"))
        self._task: asyncio.Task | None = None

    @property
    def services(self) -> Services:
        return self.app.state.services

    async def __aenter__(self) -> Server:
        self._task = asyncio.create_task(self._server.serve())
        async with asyncio.timeout(30):
            while not self._server.started:
                if self._task.done():
                    self._task.result()
                await asyncio.sleep(0.02)
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._server.should_exit = True
        if self._task is None:
            return
        # uvicorn waits for every connection and task without a limit: a service that cannot
        # stop fails its test here instead of hanging the suite.
        done, _ = await asyncio.wait({self._task}, timeout=SHUTDOWN_SECONDS)
        if not done:
            self._server.force_exit = True
            await asyncio.wait({self._task}, timeout=5)
            raise AssertionError(f"the handoff service did not shut down within {SHUTDOWN_SECONDS:.0f}s")
        self._task.result()

    async def login(self, username: str, password: str = DEMO_PASSWORD) -> httpx.AsyncClient:
        client = httpx.AsyncClient(base_url=self.url, timeout=30, trust_env=False)
        response = await client.post("/auth/login", json={"username": username, "password": password})
        response.raise_for_status()
        client.headers["Authorization"] = f"Bearer {response.json()['access_token']}"
        client.token = response.json()["access_token"]  # type: ignore[attr-defined]
        return client

    @contextlib.asynccontextmanager
    async def websocket(self, token: str) -> AsyncIterator[ClientConnection]:
        """The console's live feed, signed in as the console does: the token as the first message."""
        async with connect(f"ws://127.0.0.1:{self.port}/ws", proxy=None) as ws:
            await ws.send(json.dumps({"type": "auth", "token": token}))
            yield ws


async def next_push(ws: ClientConnection, type_: str, timeout: float = 5.0) -> dict[str, Any]:
    """The next message of this type the server pushes (others are skipped)."""
    async with asyncio.timeout(timeout):
        while True:
            message = json.loads(await ws.recv())
            if message["type"] == type_:
                return message


async def no_push(ws: ClientConnection, type_: str, wait: float = 1.0) -> None:
    """Fail if a message of this type arrives within `wait` seconds."""
    try:
        message = await next_push(ws, type_, timeout=wait)
    except TimeoutError:
        return
    raise AssertionError(f"unexpected push {message}")
