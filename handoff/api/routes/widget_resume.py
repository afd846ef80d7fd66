"""An email's reply link, redeemed by the widget: the token from the link's fragment in, the
widget session of that conversation out (handoff/auth/resume_links.py). The token is in the body
of a POST, never in a URL."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, Field

from handoff.api.deps import ServicesDep
from handoff.api.routes.widget import CorsRoute
from handoff.auth.resume_links import MAX_TOKEN_CHARS, LinkRefused

router = APIRouter(prefix="/widget", tags=["widget"], route_class=CorsRoute)


class ResumeRequest(BaseModel):
    token: str = Field(min_length=1, max_length=MAX_TOKEN_CHARS)


@router.post("/resume")
async def resume(body: ResumeRequest, services: ServicesDep) -> dict[str, str]:
    """The conversation a reply link names, as `POST /widget/sessions` gives a new one: its id,
    the secret that unlocks its history, and where Rasa's socket.io channel is."""
    settings = services.settings
    try:
        session = await services.emails.links.redeem(body.token)
    except LinkRefused as error:
        raise HTTPException(403, str(error)) from error
    return {
        "session_id": session.session_id,
        "secret": session.secret,
        "socket_url": (settings.widget_socket_url or settings.rasa_url).rstrip("/"),
        "socket_path": "/socket.io",
    }
