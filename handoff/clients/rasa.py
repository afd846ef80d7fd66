"""Rasa's HTTP API, as the handoff service uses it: pause and resume a conversation, speak
into it as an agent, trigger an intent, read the tracker. Every call carries `?token=`.

An agent's message is a `bot` event appended with execute_side_effects=true&output_channel=latest:
Rasa sends it on the channel the customer last used and keeps it in the tracker. The agent's
name goes in `metadata` (for the transcript) and in `data.custom.data` (the only part the
socket.io channel forwards to the widget; see design.md "Checked on Rasa 3.6.21").
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import quote

import httpx

from contract import bot_handoff as contract
from handoff.errors import Upstream


class RasaClient:
    def __init__(self, base_url: str, token: str, *, timeout: float = 15.0, client: httpx.AsyncClient | None = None):
        self.base_url = base_url.rstrip("/")
        self.token = token
        self._client = client or httpx.AsyncClient(timeout=timeout)
        self._owns_client = client is None

    async def aclose(self) -> None:
        if self._owns_client:
            await self._client.aclose()

    def _url(self, sender_id: str, path: str) -> str:
        return f"{self.base_url}/conversations/{quote(sender_id, safe=':+@')}/{path}"

    async def _request(self, method: str, url: str, *, params: dict[str, str] | None = None,
                       json: dict[str, Any] | None = None) -> httpx.Response:
        query = {**(params or {}), "token": self.token}
        try:
            response = await self._client.request(method, url, params=query, json=json)
        except httpx.HTTPError as error:
            raise Upstream(f"Rasa could not be reached ({type(error).__name__}: {error}); try again") from error
        if response.status_code >= 400:
            raise Upstream(f"Rasa refused the request ({response.status_code}): {response.text[:300]}")
        return response

    async def append(self, sender_id: str, event: dict[str, Any], *, side_effects: bool = False) -> None:
        params = {"execute_side_effects": "true", "output_channel": "latest"} if side_effects else {}
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
        """Run the bot as if the customer had said `intent`; its answer goes to their latest channel."""
        await self._request("POST", self._url(sender_id, "trigger_intent"), params={"output_channel": "latest"},
                            json={"name": intent, "entities": entities or {}})

    async def tracker(self, sender_id: str) -> dict[str, Any]:
        response = await self._request("GET", self._url(sender_id, "tracker"))
        return response.json()
