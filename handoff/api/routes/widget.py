"""The chat widget's own endpoints: start a session, read its earlier conversation, tell the
agent the visitor is typing, and hear when the agent is typing (Rasa's socket.io channel carries
bot messages only, so typing goes through the handoff service).

The widget is embedded in pages of any origin, so these answer cross-origin requests (CORS `*`,
including on errors). That is safe because nothing here relies on cookies: a session's history
is unlocked only by the secret issued with it (handoff/auth/widget_sessions.py).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable, Coroutine
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, HTTPException, Request, Response
from fastapi.responses import JSONResponse, StreamingResponse
from fastapi.routing import APIRoute

from handoff.api.deps import ConversationsDep, RedisDep, ServicesDep, SettingsDep
from handoff.auth.widget_sessions import WidgetSessions
from handoff.conversations.readable import readable
from handoff.engine.hours import BusinessHours
from handoff.engine.messages import header_status
from handoff.realtime.widget_streams import TooManyStreams

CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type, X-Widget-Secret",
    "Access-Control-Max-Age": "600",
}
# A long conversation is cut to its most recent lines; the widget shows a note when it was.
HISTORY_LIMIT = 300


class CorsRoute(APIRoute):
    """Adds the CORS headers to every answer of the route, errors included (a browser hides an
    error without them, and the widget could not tell "wrong secret" from "server down")."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def with_cors(request: Request) -> Response:
            try:
                response = await handler(request)
            except HTTPException as error:
                response = JSONResponse({"detail": error.detail}, status_code=error.status_code)
            response.headers.update(CORS_HEADERS)
            return response

        return with_cors


router = APIRouter(prefix="/widget", tags=["widget"], route_class=CorsRoute)


def get_widget_sessions(request: Request, redis: RedisDep, settings: SettingsDep) -> WidgetSessions:
    state = request.app.state
    if getattr(state, "widget_sessions", None) is None:
        state.widget_sessions = WidgetSessions(redis, settings.key_prefix, settings.widget_key)
    return state.widget_sessions


SessionsDep = Annotated[WidgetSessions, Depends(get_widget_sessions)]


@router.options("/{path:path}", include_in_schema=False)
async def preflight(path: str) -> Response:
    return Response(status_code=204)


@router.post("/sessions", status_code=201)
async def start_session(sessions: SessionsDep, settings: SettingsDep) -> dict[str, str]:
    """A new conversation id for a visitor, the secret that unlocks its history, and where
    Rasa's socket.io channel is."""
    session = await sessions.start()
    return {
        "session_id": session.session_id,
        "secret": session.secret,
        "socket_url": (settings.widget_socket_url or settings.rasa_url).rstrip("/"),
        "socket_path": "/socket.io",
    }


@router.get("/availability")
async def availability(services: ServicesDep) -> dict[str, Any]:
    """What the widget's header says: a person one message away, or when the team is back. Only
    whether anyone is online, never who or how many."""
    settings = services.settings
    hours = BusinessHours.parse(settings.support_hours, settings.support_timezone)
    now = datetime.now(UTC)
    open_now = hours.is_open(now)
    online = open_now and bool(await services.presence.online_agents())
    return {
        "people_available": online,
        "status": header_status(
            open_now=open_now, people_online=online, next_opening=None if open_now else hours.next_opening(now),
            hours=hours, timezone_label=settings.support_timezone_label, now=now),
    }


@router.get("/history/{session_id}")
async def history(
    session_id: str,
    sessions: SessionsDep,
    conversations: ConversationsDep,
    secret: Annotated[str, Header(alias="X-Widget-Secret")] = "",
) -> dict[str, Any]:
    """The conversation so far, text only, as the handoff service recorded it from the stream and
    as people read it (conversations/readable.py): buttons by their titles, notices as `system`
    lines, nothing nobody typed. `id` is the line's stream id, `message_id` the widget's own id of
    a message it sent (it drops a queued message the history shows was delivered)."""
    await _verified(sessions, session_id, secret)
    transcript = readable(await conversations.transcript(session_id))
    messages = [
        {
            "id": line.get("id"),
            "message_id": line.get("message_id"),
            "role": line.get("role"),
            "text": line.get("text") or "",
            "agent": line.get("agent"),
            "kind": line.get("kind"),
            "pressed": line.get("pressed"),
            "time": line.get("time"),
        }
        for line in transcript
        if line.get("text") and line.get("role") in ("customer", "bot", "agent", "system")
    ]
    state = await conversations.state(session_id)
    return {
        "session_id": session_id,
        "owner": state.get("owner", "bot"),
        "truncated": len(messages) > HISTORY_LIMIT,
        "messages": messages[-HISTORY_LIMIT:],
    }


async def _verified(sessions: WidgetSessions, session_id: str, secret: str) -> None:
    if not secret:
        raise HTTPException(401, "the session's secret is required")
    if not await sessions.verify(session_id, secret):
        raise HTTPException(403, "this secret does not belong to this session")


@router.post("/typing/{session_id}", status_code=204)
async def customer_typing(
    session_id: str, sessions: SessionsDep, services: ServicesDep,
    secret: Annotated[str, Header(alias="X-Widget-Secret")] = "",
) -> Response:
    """The visitor is typing: shown in the console of the agent holding the conversation."""
    await _verified(sessions, session_id, secret)
    await services.escalations.record_customer_typing(session_id)
    return Response(status_code=204)


# A comment line every this many idle seconds keeps proxies from closing the stream.
KEEPALIVE_SECONDS = 15


@router.get("/events/{session_id}")
async def agent_events(
    session_id: str, request: Request, sessions: SessionsDep, services: ServicesDep,
    secret: Annotated[str, Header(alias="X-Widget-Secret")] = "",
) -> StreamingResponse:
    """Server-sent events for the widget while a person is in the chat: `typing` when the agent
    types. The widget opens it only between "joined" and "left", with fetch rather than
    EventSource, so the secret travels in a header and never in a URL that proxies log."""
    await _verified(sessions, session_id, secret)
    streams = services.widget_streams
    try:
        opened = await streams.open(session_id)
    except TooManyStreams as error:
        raise HTTPException(429, str(error)) from error

    async def stream() -> AsyncIterator[str]:
        try:
            yield ": connected\n\n"
            typed_at = await services.live.agent_typing_at(session_id)
            if typed_at is not None:
                yield f"event: typing\ndata: {json.dumps({'at': typed_at})}\n\n"
            idle = 0.0
            while not await request.is_disconnected():
                try:
                    event = await asyncio.wait_for(opened.outbox.get(), timeout=1.0)
                except TimeoutError:
                    idle += 1.0
                    if idle >= KEEPALIVE_SECONDS:
                        idle = 0.0
                        await streams.refresh(opened)
                        yield ": keep-alive\n\n"
                    continue
                yield f"event: typing\ndata: {json.dumps({'at': event.get('at')})}\n\n"
        finally:
            await streams.close(opened)

    return StreamingResponse(stream(), media_type="text/event-stream", headers={"Cache-Control": "no-cache"})
