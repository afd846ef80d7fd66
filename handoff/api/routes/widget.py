"""The chat widget's own endpoints: start a session, read its earlier conversation.

The widget is embedded in pages of any origin, so these answer cross-origin requests (CORS `*`,
including on errors). That is safe because nothing here relies on cookies: a session's history
is unlocked only by the secret issued with it (handoff/widget_sessions.py).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, HTTPException, Request, Response
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute

from handoff.api.deps import ConversationsDep, RedisDep, SettingsDep
from handoff.widget_sessions import WidgetSessions

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


@router.get("/history/{session_id}")
async def history(
    session_id: str,
    sessions: SessionsDep,
    conversations: ConversationsDep,
    secret: Annotated[str, Header(alias="X-Widget-Secret")] = "",
) -> dict[str, Any]:
    """The conversation so far, text only, as the handoff service recorded it from the stream."""
    if not secret:
        raise HTTPException(401, "the X-Widget-Secret header is required")
    if not await sessions.verify(session_id, secret):
        raise HTTPException(403, "this secret does not belong to this session")
    transcript = await conversations.transcript(session_id)
    messages = [
        {
            "role": line.get("role"),
            "text": line.get("text") or "",
            "agent": line.get("agent"),
            "time": line.get("time"),
        }
        for line in transcript
        if line.get("text") and line.get("role") in ("customer", "bot", "agent")
    ]
    state = await conversations.state(session_id)
    return {
        "session_id": session_id,
        "owner": state.get("owner", "bot"),
        "truncated": len(messages) > HISTORY_LIMIT,
        "messages": messages[-HISTORY_LIMIT:],
    }
