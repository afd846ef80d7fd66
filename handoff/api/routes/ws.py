"""WS /ws: the console's live feed.

The agent's token is the first message, {"type": "auth", "token": "<jwt>"}, within
AUTH_TIMEOUT_SECONDS of connecting: browsers cannot put headers on a WebSocket, and a token in
the URL (`/ws?token=`) would be written to access logs, proxies' logs and browser history. A
connection that names a token in its URL is refused, so no client keeps sending it there.

The server pushes {"type": T, "data": {...}} with T in escalation.new, escalation.updated,
customer.message, customer.typing, agent.message, agent.typing, conversation.line (a notice or
the bot's line, as handoff/conversations/readable.py reads it) (and "hello" first, "error"
for a client message it could not act on). The client may send {"type": "typing",
"escalation_id": N}, {"type": "heartbeat"} or {"type": "presence", "status": "away"}.
While the socket is open the agent's presence is kept alive; once it closes, the agent goes
offline when the presence TTL runs out. The server closes it (code 4401, with an "error" first)
when its token expires or is revoked: signed out, the password changed, the account removed.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from typing import Any

from fastapi import APIRouter, HTTPException, WebSocket, WebSocketDisconnect

from handoff.api.deps import session_for_token
from handoff.errors import HandoffError
from handoff.realtime.live import Connection
from handoff.services import Services
from handoff.store import Agent
from handoff.tasks import cancel_and_wait

logger = logging.getLogger(__name__)
router = APIRouter(tags=["live"])
UNAUTHORIZED = 4401  # WebSocket close codes 4000-4999 are the application's own
STOP_PATIENCE_SECONDS = 5.0
# How a console's reader and writer end when the console goes away.
CLOSED = (WebSocketDisconnect, RuntimeError)


AUTH_TIMEOUT_SECONDS = 10.0
# A token is a few hundred characters; a first message far longer is not an auth message.
MAX_AUTH_MESSAGE_CHARS = 8_192


async def _first_message_token(websocket: WebSocket) -> str:
    """The token of the connection's first message; HTTPException(401) when there is none."""
    try:
        raw = await asyncio.wait_for(websocket.receive_text(), AUTH_TIMEOUT_SECONDS)
    except TimeoutError:
        raise HTTPException(401, 'send {"type": "auth", "token": "..."} first') from None
    try:
        message = json.loads(raw) if len(raw) <= MAX_AUTH_MESSAGE_CHARS else None
    except ValueError:
        message = None
    token = message.get("token") if isinstance(message, dict) and message.get("type") == "auth" else None
    if not isinstance(token, str) or not token:
        raise HTTPException(401, 'the first message must be {"type": "auth", "token": "..."}')
    return token


@router.websocket("/ws")
async def live_feed(websocket: WebSocket) -> None:
    services: Services = websocket.app.state.services
    await websocket.accept()
    try:
        if "token" in websocket.query_params:
            raise HTTPException(401, 'a token in the URL is not accepted; send {"type": "auth", "token": ...} first')
        token = await _first_message_token(websocket)
        signed_in = await session_for_token(services, token)
    except HTTPException as error:
        await _refuse(websocket, str(error.detail))
        return
    except WebSocketDisconnect:
        return
    agent = signed_in.agent
    connection = services.live.connect(agent)
    status = await services.presence.heartbeat(agent)
    await websocket.send_json({"type": "hello", "data": {**agent.public(), "status": status}})
    watch = asyncio.create_task(_watch_token(services, token, signed_in.claims.expires_at))
    tasks = [
        asyncio.create_task(_send(websocket, connection)),
        asyncio.create_task(_receive(websocket, services, agent)),
        asyncio.create_task(_keep_present(services, agent)),
        watch,
    ]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        if watch.done() and not watch.cancelled() and watch.exception() is None:
            with contextlib.suppress(RuntimeError, WebSocketDisconnect):
                await _refuse(websocket, watch.result())
    finally:
        services.live.disconnect(connection)
        # Not one cancel() and an await: a cancel can be lost inside a Redis call (handoff/tasks.py),
        # and the service could not shut down while this handler waited for the heartbeat.
        await cancel_and_wait(tasks, patience=STOP_PATIENCE_SECONDS)
        for task in tasks:
            _log_unexpected_end(task)
        # The console may be gone already (its socket closed first): nothing left to close.
        with contextlib.suppress(*CLOSED):
            await websocket.close()


def _log_unexpected_end(task: asyncio.Task[None]) -> None:
    if not task.done() or task.cancelled():
        return
    error = task.exception()
    if error is not None and not isinstance(error, CLOSED):
        logger.error("console task %s failed", task.get_name(), exc_info=error)


async def _refuse(websocket: WebSocket, detail: str) -> None:
    await websocket.send_json({"type": "error", "data": {"detail": detail}})
    # A close reason is at most 123 bytes of UTF-8.
    await websocket.close(code=UNAUTHORIZED, reason=detail.encode()[:120].decode(errors="ignore"))


async def _watch_token(services: Services, token: str, expires_at: float) -> str:
    """Returns why the token no longer holds: it expired, or was revoked (signed out, the password
    changed, the account removed; checked every HANDOFF_TOKEN_RECHECK_SECONDS)."""
    interval = services.settings.token_recheck_seconds
    while True:
        remaining = expires_at - time.time()
        if remaining <= 0:
            return "the token has expired: log in again"
        await asyncio.sleep(min(interval, remaining))
        try:
            await session_for_token(services, token)
        except HTTPException as error:
            return str(error.detail)
        except Exception as error:  # the store not answering for a moment: the expiry still holds
            logger.warning("could not recheck a console's token: %s: %s", type(error).__name__, error)


async def _send(websocket: WebSocket, connection: Connection) -> None:
    while True:
        message = await connection.outbox.get()
        if message is None:  # cut off for not reading
            return
        await websocket.send_json(message)


async def _receive(websocket: WebSocket, services: Services, agent: Agent) -> None:
    while True:
        raw = await websocket.receive_text()
        try:
            reply = await _handle(json.loads(raw), services, agent)
        except (ValueError, TypeError, AttributeError):
            reply = {"type": "error", "data": {"detail": 'send JSON like {"type": "typing", "escalation_id": 1}'}}
        except HandoffError as error:
            reply = {"type": "error", "data": {"detail": error.detail}}
        if reply:
            await websocket.send_json(reply)


async def _handle(message: dict[str, Any], services: Services, agent: Agent) -> dict[str, Any] | None:
    kind = message.get("type")
    if kind == "typing":
        escalation_id = message.get("escalation_id")
        if isinstance(escalation_id, str) and escalation_id.isdigit():
            escalation_id = int(escalation_id)
        if not isinstance(escalation_id, int) or isinstance(escalation_id, bool):
            return {"type": "error", "data": {"detail": "typing needs an integer escalation_id"}}
        await services.escalations.typing(agent, escalation_id)
        return None
    if kind == "heartbeat":
        await services.presence.heartbeat(agent)
        return None
    if kind == "presence" and message.get("status") in ("online", "away"):
        status = await services.presence.set(agent, message["status"])
        return {"type": "presence", "data": {"status": status}}
    return {"type": "error", "data": {"detail": f"unknown message type {kind!r}"}}


async def _keep_present(services: Services, agent: Agent) -> None:
    interval = max(1.0, services.settings.presence_ttl_seconds / 3)
    while True:
        await asyncio.sleep(interval)
        await services.presence.heartbeat(agent)
