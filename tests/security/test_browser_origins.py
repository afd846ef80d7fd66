"""Issue 19, low findings about browsers, against the real stack:
- Rasa ran with CORS `*`: any page could call its HTTP API and channels from a visitor's browser.
  Now only the widget's origins (BATON_WIDGET_ORIGINS, by default the demo page's) get CORS
  headers, and Rasa's socket.io refuses connections from other pages.
- The console's CSP allowed `connect-src ws: wss:`, a connection to any host.
- The console's WebSocket took its token in the URL (`/ws?token=`), where logs record it. Now the
  token is the first message, and a token in the URL is refused.
"""

from __future__ import annotations

import json

import httpx
import pytest
import socketio
from websockets.asyncio.client import connect

from tests.conftest import Stack
from tests.e2e.test_channels import login

EVIL = "https://evil.example"


def widget_origin(stack: Stack) -> str:
    """The demo page's origin: where the stack's widget is (BATON_WIDGET_ORIGINS' default)."""
    return stack.url("handoff")


def test_rasa_answers_cors_only_for_the_widgets_origins(stack: Stack) -> None:
    url = f"{stack.url('rasa')}/webhooks/rest/webhook"
    preflight = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}
    evil = httpx.options(url, headers={"Origin": EVIL, **preflight}, timeout=30)
    assert "access-control-allow-origin" not in evil.headers
    status = httpx.get(f"{stack.url('rasa')}/", headers={"Origin": EVIL}, timeout=30)
    assert "access-control-allow-origin" not in status.headers
    ours = httpx.options(url, headers={"Origin": widget_origin(stack), **preflight}, timeout=30)
    assert ours.headers.get("access-control-allow-origin") == widget_origin(stack)


async def test_rasas_socket_refuses_other_pages(stack: Stack) -> None:
    client = socketio.AsyncClient(reconnection=False)
    with pytest.raises(socketio.exceptions.ConnectionError):
        await client.connect(stack.url("rasa"), transports=["websocket"], headers={"Origin": EVIL}, wait_timeout=15)
    ours = socketio.AsyncClient(reconnection=False)
    await ours.connect(
        stack.url("rasa"), transports=["websocket"], headers={"Origin": widget_origin(stack)}, wait_timeout=15
    )
    await ours.disconnect()


def test_the_console_may_connect_only_to_its_own_origin(stack: Stack) -> None:
    policy = httpx.get(f"{stack.url('handoff')}/console", timeout=30).headers["content-security-policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["connect-src"].split() == ["'self'"]


async def test_the_console_token_is_never_in_the_websocket_url(stack: Stack) -> None:
    token = login(stack)["Authorization"].removeprefix("Bearer ")
    ws_url = stack.url("handoff").replace("http://", "ws://") + "/ws"
    async with connect(f"{ws_url}?token={token}", proxy=None) as ws:
        first = json.loads(await ws.recv())
        assert first["type"] == "error"
        await ws.wait_closed()
        assert ws.close_code == 4401
    async with connect(ws_url, proxy=None) as ws:
        await ws.send(json.dumps({"type": "auth", "token": token}))
        hello = json.loads(await ws.recv())
        assert hello["type"] == "hello" and hello["data"]["username"] == "maya"
