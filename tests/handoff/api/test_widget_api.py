"""The chat widget's endpoints: sessions and their secrets, CORS on errors too, and the agent's
typing as server-sent events, including to a widget that connects while the agent types."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import httpx

from handoff.keys import keyed
from handoff.realtime.live import TYPING_REMEMBERED_SECONDS
from tests.handoff.api.test_escalations_api import open_escalation
from tests.handoff.harness import Server


async def start_session(client: httpx.AsyncClient) -> dict[str, str]:
    response = await client.post("/widget/sessions")
    assert response.status_code == 201
    return response.json()


async def sse_events(response: httpx.Response) -> AsyncIterator[str]:
    """The `event:` names of a server-sent event stream, comments skipped."""
    async for line in response.aiter_lines():
        if line.startswith("event:"):
            yield line.removeprefix("event:").strip()


async def next_event(events: AsyncIterator[str], timeout: float = 5.0) -> str:
    async with asyncio.timeout(timeout):
        return await anext(events)


async def test_a_session_needs_its_own_secret_and_errors_carry_cors(server: Server) -> None:
    async with httpx.AsyncClient(base_url=server.url, timeout=30, trust_env=False) as client:
        session, other = await start_session(client), await start_session(client)
        assert session["session_id"] != other["session_id"] and len(session["secret"]) >= 20
        sid = session["session_id"]
        missing = await client.get(f"/widget/history/{sid}")
        assert missing.status_code == 401 and "secret is required" in missing.json()["detail"]
        assert missing.headers["access-control-allow-origin"] == "*"
        wrong = await client.get(f"/widget/history/{sid}", headers={"X-Widget-Secret": other["secret"]})
        assert wrong.status_code == 403 and wrong.headers["access-control-allow-origin"] == "*"
        events = await client.get(f"/widget/events/{sid}", headers={"X-Widget-Secret": other["secret"]})
        assert events.status_code == 403
        # The secret is never taken from the URL, where proxies and browsers' histories keep it.
        in_url = await client.get(f"/widget/events/{sid}", params={"secret": session["secret"]})
        assert in_url.status_code == 401
        history = await client.get(f"/widget/history/{sid}", headers={"X-Widget-Secret": session["secret"]})
        assert history.status_code == 200
        assert history.json() == {"session_id": sid, "owner": "bot", "truncated": False, "messages": []}


async def test_agent_typing_reaches_the_widget_even_when_it_connects_just_after(server: Server) -> None:
    maya = await server.login("maya")
    async with httpx.AsyncClient(base_url=server.url, timeout=30, trust_env=False) as client:
        session, stranger = await start_session(client), await start_session(client)
        escalation = await open_escalation(server, sender=session["session_id"])
        assert (await maya.post(f"/escalations/{escalation.id}/claim")).status_code == 200
        # The agent starts typing before the widget has opened its stream (it opens on "joined").
        assert (await maya.post(f"/escalations/{escalation.id}/typing")).status_code == 204

        async with client.stream("GET", f"/widget/events/{session['session_id']}",
                                 headers={"X-Widget-Secret": session["secret"]}) as response, \
                   client.stream("GET", f"/widget/events/{stranger['session_id']}",
                                 headers={"X-Widget-Secret": stranger["secret"]}) as other_response:
            assert response.headers["content-type"].startswith("text/event-stream")
            events, others = sse_events(response), sse_events(other_response)
            assert await next_event(events) == "typing"  # remembered, so shown at once

            # Live while connected; never to another visitor's widget.
            assert (await maya.post(f"/escalations/{escalation.id}/typing")).status_code == 204
            assert await next_event(events) == "typing"
            try:
                await next_event(others, timeout=1.0)
            except TimeoutError:
                pass
            else:
                raise AssertionError("another visitor's widget saw the agent typing")

    # Remembered for a few seconds only: a stale "is typing" would mislead the visitor.
    live = server.services.live
    typing_key = keyed(live.prefix, "agent-typing", session["session_id"])
    assert 0 < await live.redis.ttl(typing_key) <= TYPING_REMEMBERED_SECONDS
    await live.agent_stopped_typing(session["session_id"])  # what sending a message does
    assert await live.agent_typing_at(session["session_id"]) is None


async def test_a_session_holds_a_bounded_number_of_streams_and_no_redis_connection_each(server: Server) -> None:
    limit = server.services.settings.widget_streams_per_session
    redis = server.services.redis
    async with httpx.AsyncClient(base_url=server.url, timeout=30, trust_env=False) as client:
        session = await start_session(client)
        url, headers = f"/widget/events/{session['session_id']}", {"X-Widget-Secret": session["secret"]}
        clients_before = len(await redis.client_list())
        lines: list[AsyncIterator[str]] = []
        async with contextlib.AsyncExitStack() as streams:
            for _ in range(limit):
                response = await streams.enter_async_context(client.stream("GET", url, headers=headers))
                assert response.status_code == 200
                # Kept: an abandoned line iterator closes its response when collected.
                lines.append(response.aiter_lines())
                await anext(lines[-1])  # ": connected": the stream is registered
            # The streams share the replica's one live-channel subscription.
            assert len(await redis.client_list()) <= clients_before + 1
            refused = await client.get(url, headers=headers)
            assert refused.status_code == 429 and "event streams open" in refused.json()["detail"]
            assert refused.headers["access-control-allow-origin"] == "*"
        # Closed streams stop counting: the visitor who reloads the page gets a stream again.
        async with asyncio.timeout(10):
            while server.services.widget_streams.open_count():
                await asyncio.sleep(0.05)
        async with client.stream("GET", url, headers=headers) as again:
            assert again.status_code == 200
