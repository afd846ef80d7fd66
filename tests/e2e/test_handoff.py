"""The hand-over, end to end with real Rasa, actions, Redis, knowledge and the handoff service.

A customer on Rasa's callback channel asks where an order is, gets stuck, gets angry; the
escalation appears for a logged-in agent with a summary naming the order number and the
reason; the agent claims it and replies; the reply reaches the customer through the callback
channel; the customer's answer reaches the agent over the WebSocket; the handoff service is
killed and restarted in the middle without losing a message; the agent hands back; the bot
asks for a rating and the rating is stored with the escalation.

The callback channel POSTs every reply to BATON_CALLBACK_URL, which the test stack points at
CALLBACK_PORT (tests/conftest.py); a small aiohttp server there collects them per customer.
"""

from __future__ import annotations

import asyncio
import json
import signal
import time
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import aiohttp
import httpx
import pytest
from aiohttp import web

from tests.conftest import CALLBACK_PORT, WAITING_REMINDER_SECONDS, Stack

PASSWORD = "larkspur-demo"
WAIT = 60.0


class Callback:
    """Rasa's callback channel's replies, as the customer's app would receive them."""

    def __init__(self) -> None:
        self.replies: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.runner: web.AppRunner | None = None

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/callback", self._receive)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        await web.TCPSite(self.runner, "127.0.0.1", CALLBACK_PORT).start()

    async def _receive(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.replies[body.get("recipient_id", "")].append(body)
        return web.Response(text="ok")

    async def stop(self) -> None:
        if self.runner:
            await self.runner.cleanup()

    def texts(self, sender: str) -> list[str]:
        return [reply.get("text") or "" for reply in self.replies[sender]]

    def texts_with(self, sender: str, phrase: str) -> list[str]:
        return [text for text in self.texts(sender) if phrase in text]


async def eventually(check: Callable[[], Awaitable[Any]], what: str, timeout: float = WAIT) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        result = await check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.3)


class Customer:
    def __init__(self, stack: Stack, http: httpx.AsyncClient, callback: Callback) -> None:
        self.stack, self.http, self.callback = stack, http, callback
        self.sender = f"e2e-handoff-{uuid.uuid4().hex[:8]}"

    async def say(self, text: str) -> None:
        """Through the callback channel: Rasa answers 'success' now, and the replies come by POST."""
        response = await self.http.post(f"{self.stack.url('rasa')}/webhooks/callback/webhook",
                                        json={"sender": self.sender, "message": text},
                                        headers=self.stack.rasa_headers())
        assert response.status_code == 200, response.text

    async def say_and_wait(self, text: str, settle: float = 1.5) -> list[str]:
        """Say something and return what came back once the replies stop for `settle` seconds."""
        before = len(self.callback.replies[self.sender])
        await self.say(text)
        await self.turn_done()
        await asyncio.sleep(settle)
        return self.callback.texts(self.sender)[before:]

    async def turn_done(self) -> None:
        """The bot has finished the turn: the tracker's newest event is action_listen (or it is paused)."""
        async def listening() -> bool:
            tracker = await self.tracker()
            last = tracker["events"][-1] if tracker.get("events") else {}
            return tracker.get("paused") or (last.get("event") == "action" and last.get("name") == "action_listen")

        await eventually(listening, "the bot to finish its turn", 30)

    async def tracker(self) -> dict[str, Any]:
        response = await self.http.get(f"{self.stack.url('rasa')}/conversations/{self.sender}/tracker",
                                       headers=self.stack.rasa_headers())
        return response.json()

    async def rest(self, text: str) -> list[dict[str, Any]]:
        """The same conversation over the REST channel, whose answer is the bot's replies."""
        response = await self.http.post(f"{self.stack.url('rasa')}/webhooks/rest/webhook",
                                        json={"sender": self.sender, "message": text}, timeout=60,
                                        headers=self.stack.rasa_headers())
        response.raise_for_status()
        return response.json()


class Agent:
    def __init__(self, stack: Stack, http: httpx.AsyncClient, username: str) -> None:
        self.stack, self.http, self.username = stack, http, username
        self.token = ""
        self.pushes: list[dict[str, Any]] = []
        self._ws_task: asyncio.Task | None = None

    @property
    def base(self) -> str:
        return self.stack.url("handoff")

    async def login(self) -> None:
        response = await self.http.post(f"{self.base}/auth/login", json={"username": self.username,
                                                                          "password": PASSWORD})
        assert response.status_code == 200, response.text
        self.token = response.json()["access_token"]

    async def call(self, method: str, path: str, **kwargs: Any) -> Any:
        response = await self.http.request(method, f"{self.base}{path}",
                                           headers={"Authorization": f"Bearer {self.token}"}, **kwargs)
        assert response.status_code < 400, f"{method} {path}: {response.status_code} {response.text}"
        return response.json() if response.content else None

    async def presence(self, status: str) -> None:
        await self.call("PUT", "/agents/me/presence", json={"status": status})

    async def connect(self) -> None:
        """The console's WebSocket; every push is kept in `pushes`."""
        connected = asyncio.Event()

        async def run() -> None:
            ws_url = self.base.replace("http://", "ws://") + "/ws"
            async with aiohttp.ClientSession() as session, session.ws_connect(ws_url, heartbeat=10) as ws:
                await ws.send_json({"type": "auth", "token": self.token})
                async for message in ws:
                    data = json.loads(message.data)
                    self.pushes.append(data)
                    if data.get("type") == "hello":
                        connected.set()

        self._ws_task = asyncio.create_task(run())
        await asyncio.wait_for(connected.wait(), 20)

    async def disconnect(self) -> None:
        if self._ws_task:
            self._ws_task.cancel()
            await asyncio.gather(self._ws_task, return_exceptions=True)

    def pushed(self, kind: str, sender: str) -> list[dict[str, Any]]:
        return [p["data"] for p in self.pushes if p.get("type") == kind and p["data"].get("sender_id") == sender]


@pytest.fixture
async def callback() -> AsyncIterator[Callback]:
    server = Callback()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=30) as client:
        yield client


async def test_frustrated_customer_gets_a_person_and_rates_the_help(stack: Stack, callback: Callback,
                                                                    http: httpx.AsyncClient) -> None:
    sam = Agent(stack, http, "sam")  # delivery and general
    await sam.login()
    await sam.connect()  # the open console keeps Sam online
    await sam.presence("online")
    customer = Customer(stack, http, callback)

    # 1. A delivery question the bot cannot finish, then frustration.
    first = await customer.say_and_wait("where is my order LK-100235? it should have been here days ago")
    assert first, "the bot answered nothing"
    await customer.say_and_wait("I don't have the email here, why do you need it, just tell me where it is")
    await customer.say_and_wait("THIS IS USELESS!!! I already told you the order number, LK-100235. "
                                "Where is my parcel???")

    async def escalated() -> dict[str, Any] | None:
        cards = await sam.call("GET", "/escalations")
        return next((c for c in cards if c["sender_id"] == customer.sender), None)

    card = await eventually(escalated, "the escalation to appear in Sam's queue")
    assert card["state"] == "queued" and card["team"] == "delivery"
    assert "LK-100235" in card["summary_line"]
    assert card["reason"] in card["summary_line"].replace(" ", "_")
    assert card["reason"] in ("frustration", "verification_failed", "explicit_request")
    detail = await sam.call("GET", f"/escalations/{card['id']}")
    packet = detail["packet"]
    assert packet["identity"]["order_number"] == "LK-100235"
    assert packet["summary"]["goal"].startswith("where is my order LK-100235")
    assert packet["order"]["number"] == "LK-100235"  # the snapshot from the order backend
    assert packet["channel"] == "callback"
    assert next(line["text"] for line in packet["transcript"] if line["role"] == "customer").startswith("where is")
    assert packet["suggested_articles"]
    assert sam.pushed("escalation.new", customer.sender), "Sam's console was not told"

    # 2. The customer is told honestly a person is coming, and the bot goes quiet on every channel.
    told = await eventually(
        lambda: _async(callback.texts_with(customer.sender, "will join this chat")),
        "the customer to be told a person is joining")
    assert "expected wait" in told[0]
    assert (await customer.tracker())["paused"] is True
    assert await customer.rest("hello? is anyone there?") == []  # no bot reply over REST
    # "/restart" is the one message Rasa lets through a pause; it must not bring the bot back,
    # not even for a moment (bot/actions/handoff.py keeps the pause in the same step).
    assert await customer.rest("/restart") == []
    assert (await customer.tracker())["paused"] is True
    assert await customer.rest("where is my order") == []
    # Writing again while queued: the customer hears where they stand instead of silence
    # (handoff/engine/waiting.py), once per interval however much they write.
    await asyncio.sleep(WAITING_REMINDER_SECONDS + 0.5)
    await customer.say("hello?? is anyone actually there")
    await customer.say("hello")
    reminders = await eventually(
        lambda: _async(callback.texts_with(customer.sender, "still in line")),
        "the queued customer to be told they are still in line")
    assert "next in line" in reminders[0] and "expected wait" in reminders[0]
    await asyncio.sleep(1.0)
    assert len(callback.texts_with(customer.sender, "still in line")) == 1

    # 3. Sam claims it; the customer hears who joined; Sam's reply reaches them on the callback channel.
    quiet_before = len(callback.replies[customer.sender])
    await customer.say("ok I'll wait")  # the callback channel is the latest one again
    await sam.call("POST", f"/escalations/{card['id']}/claim")
    await eventually(lambda: _async(any("Sam" in t and "joined" in t for t in callback.texts(customer.sender))),
                     "the customer to see Sam joining")
    await sam.call("POST", f"/escalations/{card['id']}/messages",
                   json={"text": "Hi, I'm Sam. I can see LK-100235 is late with Canada Post; let me check."})
    await eventually(lambda: _async(any(t.startswith("Hi, I'm Sam") for t in callback.texts(customer.sender))),
                     "Sam's reply to reach the customer")
    since = callback.texts(customer.sender)[quiet_before:]
    assert not any("Larkspur assistant" in t for t in since), "the bot spoke while Sam owned the chat"

    # 4. The customer answers; Sam's console gets it.
    await customer.say("thank you Sam, it's a parka for my trip on Friday")
    await eventually(lambda: _async([m for m in sam.pushed("customer.message", customer.sender)
                                     if m["text"].startswith("thank you Sam")]), "Sam to receive the answer")

    # 5. The handoff service dies mid-conversation; nothing the customer says is lost.
    await sam.disconnect()
    await asyncio.to_thread(stack.stop, "handoff", signal.SIGKILL)
    await customer.say("are you still there? my postcode is M5V 2T6 if that helps")
    await asyncio.to_thread(stack.start, "handoff", 240)
    await sam.connect()

    async def in_transcript() -> bool:
        lines = await sam.call("GET", f"/escalations/{card['id']}/transcript")
        return any(line["text"].startswith("are you still there?") for line in lines)

    await eventually(in_transcript, "the message sent while the service was down")
    await customer.say("hello again")
    await eventually(lambda: _async([m for m in sam.pushed("customer.message", customer.sender)
                                     if m["text"] == "hello again"]), "Sam to receive messages after the restart")

    # 6. Sam hands back; the bot is back and asks for a rating; the rating is stored.
    before = len(callback.replies[customer.sender])
    await sam.call("POST", f"/escalations/{card['id']}/close", json={"outcome": "resolved", "handback": True})
    await eventually(lambda: _async(any("rate" in t for t in callback.texts(customer.sender)[before:])),
                     "the rating question")
    rating_question = next(r for r in callback.replies[customer.sender][before:] if "rate" in (r.get("text") or ""))
    assert [b["payload"] for b in rating_question["buttons"]][-1] == '/rate_service{"csat_rating": 5}'
    assert (await customer.tracker())["paused"] is False
    replies = await customer.say_and_wait('/rate_service{"csat_rating": 4}')
    assert any("Anything you'd like to tell us" in t for t in replies)
    replies = await customer.say_and_wait("Sam was quick and kind")
    assert any("Thanks for your feedback" in t for t in replies)

    async def rated() -> dict[str, Any] | None:
        return (await sam.call("GET", f"/escalations/{card['id']}"))["csat"]

    assert await eventually(rated, "the rating to be stored") == {"rating": 4, "comment": "Sam was quick and kind"}
    final = await sam.call("GET", f"/escalations/{card['id']}")
    assert [s["state"] for s in final["states"]] == ["initiated", "queued", "accepted", "completed"]
    await sam.disconnect()


async def test_nobody_available_offers_an_email_follow_up(stack: Stack, callback: Callback,
                                                          http: httpx.AsyncClient) -> None:
    for name in ("sam", "maya"):  # everyone of the general team steps away
        agent = Agent(stack, http, name)
        await agent.login()
        await agent.presence("away")
    customer = Customer(stack, http, callback)
    await customer.say_and_wait("hi")
    await customer.say_and_wait("I want to speak to a human please")

    offer = await eventually(
        lambda: _async(callback.texts_with(customer.sender, "nobody from our support team")),
        "the honest 'nobody is free' message")
    assert "Monday to Sunday" in offer[0] and "type your email address" in offer[0]
    assert (await customer.tracker())["paused"] is True
    replies = await customer.say_and_wait("sure, it's jo.tester@example.com")
    assert any("email you at jo.tester@example.com" in t for t in replies)

    admin = Agent(stack, http, "admin")
    await admin.login()
    cards = await admin.call("GET", "/escalations")
    card = next(c for c in cards if c["sender_id"] == customer.sender)
    assert card["reason"] == "explicit_request" and card["state"] == "queued"
    assert card["follow_up_email"] == "jo.tester@example.com"


async def _async(value: Any) -> Any:
    return value
