"""Rasa's HTTP API, as the handoff service uses it: pause and resume a conversation, speak
into it as an agent, trigger an intent, read the tracker.

Every call carries `Authorization: Bearer <JWT>` signed with RASA_TOKEN (HS256), which Rasa
checks with `--jwt-secret` (bot/serve.py). Rasa's `?token=` form is not used: a secret in a URL
ends up in every log that records URLs (httpx logs each request at INFO). This module also keeps
such URLs out of httpx's and httpcore's logs should one ever be requested.

An agent's message is a `bot` event appended with execute_side_effects=true and output_channel
set to the channel the conversation came in on: the input channel of the tracker's first user
message, as the receiving channel recorded it (bot/channels/: no channel records what a caller
claims). Never `latest`: a message arriving later under the same id on another channel must not
redirect the replies. Rasa sends it there and keeps it in the tracker. The agent's
name goes in `metadata` (for the transcript) and in `data.custom.data` (the only part the
socket.io channel forwards to the widget; see design.md "Checked on Rasa 3.6.21").
"""

from __future__ import annotations

import logging
import re
import time
from typing import Any
from urllib.parse import quote

import httpx
import jwt

from contract import bot_handoff as contract
from contract.rasa_jwt import admin_claims
from handoff.errors import Upstream

# A JWT lives this long; the client signs a new one halfway through, so none is used near expiry.
BEARER_TTL_SECONDS = 300
# Query parameters whose values are secrets wherever they appear in a logged URL.
SECRET_QUERY = re.compile(r"((?:^|[?&\s\"'])(?:token|auth_token|access_token|secret)=)[^&\s\"']*", re.IGNORECASE)


def redact(text: str) -> str:
    """`text` with the values of secret query parameters replaced by ***."""
    return SECRET_QUERY.sub(r"\1***", text)


class RedactSecrets(logging.Filter):
    """Rewrites a record's message so no secret query parameter reaches any handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def quiet_http_logs() -> None:
    """httpx logs every request's full URL at INFO, httpcore its traffic at DEBUG: keep both to
    warnings, and redact whatever they still log."""
    for name in ("httpx", "httpcore"):
        logger = logging.getLogger(name)
        logger.setLevel(logging.WARNING)
        if not any(isinstance(known, RedactSecrets) for known in logger.filters):
            logger.addFilter(RedactSecrets())


def bearer(secret: str, *, ttl_seconds: int = BEARER_TTL_SECONDS, now: float | None = None) -> str:
    """A JWT Rasa accepts on every endpoint. Rasa reads `user.role`: `admin` may use any
    conversation, `user` only the one named like `user.username`."""
    return jwt.encode(admin_claims("baton-handoff", ttl_seconds, now), secret, algorithm="HS256")


class RasaClient:
    def __init__(self, base_url: str, token: str, *, timeout: float = 15.0, client: httpx.AsyncClient | None = None):
        if not token:
            raise ValueError("RasaClient needs Rasa's API secret (RASA_TOKEN)")
        self.base_url = base_url.rstrip("/")
        self._secret = token
        self._bearer = ""
        self._renew_at = 0.0
        self._client = client or httpx.AsyncClient(timeout=timeout)
        self._owns_client = client is None
        quiet_http_logs()

    def _authorization(self) -> dict[str, str]:
        now = time.time()
        if now >= self._renew_at:
            self._bearer = bearer(self._secret, now=now)
            self._renew_at = now + BEARER_TTL_SECONDS / 2
        return {"Authorization": f"Bearer {self._bearer}"}

    async def aclose(self) -> None:
        if self._owns_client:
            await self._client.aclose()

    def _url(self, sender_id: str, path: str) -> str:
        segment = quote(sender_id, safe=":+@")
        if segment in (".", ".."):
            # A dot segment is dropped from the path by the HTTP client (RFC 3986 5.2.4): the pause
            # of conversation "." went to /conversations/tracker/events. Written as %2E it is a name.
            segment = segment.replace(".", "%2E")
        return f"{self.base_url}/conversations/{segment}/{path}"

    async def _request(self, method: str, url: str, *, params: dict[str, str] | None = None,
                       json: dict[str, Any] | None = None) -> httpx.Response:
        try:
            response = await self._client.request(method, url, params=params, json=json,
                                                  headers=self._authorization())
        except httpx.HTTPError as error:
            raise Upstream(f"Rasa could not be reached ({type(error).__name__}: {error}); try again") from error
        if response.status_code >= 400:
            raise Upstream(f"Rasa refused the request ({response.status_code}): {response.text[:300]}")
        return response

    async def reply_channel(self, sender_id: str) -> str | None:
        """The channel the conversation came in on: the first user message's, from Rasa's tracker
        (all of it: by default Rasa leaves out what came before a restart)."""
        response = await self._request("GET", self._url(sender_id, "tracker"), params={"include_events": "ALL"})
        for event in response.json().get("events") or []:
            if isinstance(event, dict) and event.get("event") == "user" and event.get("input_channel"):
                return str(event["input_channel"])
        return None

    async def _output_params(self, sender_id: str) -> dict[str, str]:
        channel = await self.reply_channel(sender_id)
        # No user message yet: nowhere to send it; Rasa only records it.
        return {"output_channel": channel} if channel else {}

    async def append(self, sender_id: str, event: dict[str, Any], *, side_effects: bool = False) -> None:
        params = {"execute_side_effects": "true", **await self._output_params(sender_id)} if side_effects else {}
        await self._request("POST", self._url(sender_id, "tracker/events"), params=params,
                            json={"timestamp": time.time(), **event})

    async def pause(self, sender_id: str) -> None:
        """The bot stops answering; the customer's messages are still logged and streamed."""
        await self.append(sender_id, {"event": "pause"})

    async def resume(self, sender_id: str) -> None:
        await self.append(sender_id, {"event": "resume"})

    async def say(self, sender_id: str, text: str, *, agent: str | None = None,
                  buttons: list[dict[str, str]] | None = None, kind: str = contract.AGENT_MESSAGE) -> None:
        """Speak into the conversation as `agent` (a person) or as the bot when agent is None."""
        data: dict[str, Any] = {}
        metadata: dict[str, Any] = {}
        if agent:
            metadata = {"agent": agent, "kind": kind}
            # Only a {"data": {...}} shape under custom reaches socket.io clients.
            data["custom"] = {"data": {"kind": kind, "agent": agent, "text": text}}
        if buttons:
            data["buttons"] = buttons
        event = {"event": "bot", "text": text, "data": data, "metadata": metadata}
        await self.append(sender_id, event, side_effects=True)

    async def notice(self, sender_id: str, kind: str, agent: str, text: str) -> None:
        """A notice for the customer: kind "agent_joined" or "agent_left"."""
        await self.say(sender_id, text, agent=agent, kind=kind)

    async def trigger_intent(self, sender_id: str, intent: str, entities: dict[str, Any] | None = None) -> None:
        """Run the bot as if the customer had said `intent`; its answer goes to the conversation's channel."""
        await self._request("POST", self._url(sender_id, "trigger_intent"), params=await self._output_params(sender_id),
                            json={"name": intent, "entities": entities or {}})

    async def tracker(self, sender_id: str) -> dict[str, Any]:
        response = await self._request("GET", self._url(sender_id, "tracker"))
        return response.json()
