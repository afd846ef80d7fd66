"""Reply links: an email from an agent carries a link that opens the chat widget on the same
conversation, with its history (issue 21).

The link holds a token, never the widget session's secret: `r1.<session id>.<expiry>.<signature>`,
signed under a key derived from the widget key for this one purpose
(`WidgetSessions.sign`), so it names one conversation, stops working at its expiry, and cannot be
made or altered without the key. The widget sends it once to `POST /widget/resume`
(handoff/api/routes/widget_resume.py), which answers with the session as `POST /widget/sessions`
would. The token travels in the link's fragment (`#baton-resume=`), which browsers keep to
themselves: it reaches no server's access log and no Referer.

Only widget conversations (ids the widget was issued) get a link: a conversation on a messaging
app continues in that app, and its replies go there (handoff/clients/rasa.py).
"""

from __future__ import annotations

import hmac
import re
import time
from urllib.parse import urlsplit

from handoff.auth.widget_sessions import SESSION_ID, WidgetSession, WidgetSessions

PURPOSE = "resume-link"
FRAGMENT = "baton-resume"
TOKEN = re.compile(r"^r1\.([0-9a-f]{32})\.([0-9]{1,12})\.([0-9a-f]{64})$")
MAX_TOKEN_CHARS = 128


class LinkRefused(Exception):
    """The token is malformed, altered, or expired; the message says which, for the visitor."""


class ResumeLinks:
    def __init__(self, sessions: WidgetSessions, page_url: str, ttl_seconds: float) -> None:
        parts = urlsplit(page_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"the reply link's page must be an http(s) URL, not {page_url!r}")
        self.sessions = sessions
        self.page_url = page_url.split("#", 1)[0]
        self.ttl_seconds = ttl_seconds

    @staticmethod
    def can_link(sender_id: str) -> bool:
        return bool(SESSION_ID.match(sender_id))

    async def token(self, session_id: str, now: float | None = None) -> tuple[str, float]:
        """A token for this widget conversation and when it expires (Unix seconds)."""
        if not self.can_link(session_id):
            raise ValueError("only a widget conversation can be resumed from a link")
        expires = int((now if now is not None else time.time()) + self.ttl_seconds)
        body = f"{session_id}.{expires}"
        return f"r1.{body}.{await self.sessions.sign(PURPOSE, body)}", float(expires)

    async def link(self, session_id: str, now: float | None = None) -> tuple[str, float]:
        token, expires = await self.token(session_id, now)
        return f"{self.page_url}#{FRAGMENT}={token}", expires

    async def redeem(self, token: str, now: float | None = None) -> WidgetSession:
        """The widget session a valid token names; LinkRefused otherwise."""
        match = TOKEN.match(token) if len(token) <= MAX_TOKEN_CHARS else None
        if match is None:
            raise LinkRefused("this is not a reply link of ours")
        session_id, expires, signature = match.groups()
        expected = await self.sessions.sign(PURPOSE, f"{session_id}.{expires}")
        if not hmac.compare_digest(expected, signature):
            raise LinkRefused("this reply link is not valid")
        if int(expires) < (now if now is not None else time.time()):
            raise LinkRefused("this reply link has expired; the chat starts afresh")
        return await self.sessions.resumed(session_id)
