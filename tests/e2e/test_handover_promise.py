"""Whenever the bot tells a customer a person is coming, an escalation exists: every path that
says so, played through the real stack (tests/bot/test_handover_contract.py checks that no other
path can say it). Each reason, each flow, and the channels: REST, socket.io, and a messaging app.

The explicit request is typed as a customer types it: a customer can no longer send Rasa's
`/intent@confidence` syntax (bot/payload_guard.py reads it as words), so the detector may also
see the request. What shows the promise is the bot's own signal is the slot `unresolved_reason`
the bot sets in the same turn (checked here), which the engine acts on whatever its detector
thinks; before the bot signalled its promise, a request at a low NLU confidence (0.12, under the
detector's bar of 0.5) was promised and nobody came."""

from __future__ import annotations

import asyncio
import re
import time
import uuid

import httpx
import pytest
import socketio

from tests.conftest import Stack, forget_verification_failures
from tests.e2e.fake_providers import FakeProviders
from tests.e2e.test_channels import customer, escalation_of, login

PROMISE = re.compile(r"bringing in (?:a person|someone)|needs a person from our team|"
                     r"let me check who from our support team", re.IGNORECASE)
REQUEST = "I want to talk to a person"


class Conversation:
    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.sender = f"promise-{uuid.uuid4().hex[:10]}"

    def say(self, text: str) -> str:
        response = httpx.post(f"{self.stack.url('rasa')}/webhooks/rest/webhook", headers=self.stack.rasa_headers(),
                              json={"sender": self.sender, "message": text}, timeout=60)
        response.raise_for_status()
        return "\n".join(reply.get("text", "") for reply in response.json())


def bot_texts(stack: Stack, sender: str) -> list[str]:
    tracker = httpx.get(f"{stack.url('rasa')}/conversations/{sender}/tracker",
                        headers=stack.rasa_headers(), timeout=30).json()
    return [event.get("text") or "" for event in tracker["events"] if event["event"] == "bot"]


def signalled_reasons(stack: Stack, sender: str) -> list[str]:
    tracker = httpx.get(f"{stack.url('rasa')}/conversations/{sender}/tracker",
                        headers=stack.rasa_headers(), timeout=30).json()
    return [event.get("value") for event in tracker["events"]
            if event["event"] == "slot" and event.get("name") == "unresolved_reason"]


def assert_promise_kept(stack: Stack, sender: str, reason: str) -> None:
    promised = [text for text in bot_texts(stack, sender) if PROMISE.search(text)]
    assert promised, "the path no longer promises a person: update this test"
    assert reason in signalled_reasons(stack, sender)  # the bot's own signal, in the same turn
    card = escalation_of(stack, login(stack, "admin"), sender, timeout=30)
    assert card["reason"] == reason


@pytest.fixture
def chat(stack: Stack) -> Conversation:
    return Conversation(stack)


def test_a_request_for_a_person(chat: Conversation, stack: Stack) -> None:
    assert PROMISE.search(chat.say(REQUEST))
    assert_promise_kept(stack, chat.sender, "explicit_request")


def test_a_request_for_a_person_inside_a_form(chat: Conversation, stack: Stack) -> None:
    assert "order number" in chat.say("I want to return something")
    assert PROMISE.search(chat.say(REQUEST))
    assert_promise_kept(stack, chat.sender, "explicit_request")


@pytest.mark.parametrize(
    ("opening", "asking"),
    [
        # inside a form, another language (contract/person_request.py, decision 0140)
        ("I want to return something", "mag ik alstublieft een medewerker spreken?"),
        # after an answer, politely and indirectly
        ("how long does shipping to Canada take?", "thanks, and could one of your colleagues give me a ring?"),
    ],
)
def test_an_indirect_or_foreign_request_wins_over_the_topic(chat: Conversation, stack: Stack, opening: str,
                                                            asking: str) -> None:
    chat.say(opening)
    reply = chat.say(asking)
    assert PROMISE.search(reply), reply  # told in English
    assert_promise_kept(stack, chat.sender, "explicit_request")


def test_two_questions_without_an_answer(chat: Conversation, stack: Stack) -> None:
    # Shop questions the help centre has no article for: an off-domain one is declined and never
    # handed over (decision 0146), so it cannot stand for this path.
    chat.say("Can I get my wool coat monogrammed with my initials?")
    chat.say("Do you offer personal shopping appointments over video call?")
    assert_promise_kept(stack, chat.sender, "knowledge_no_match")


def test_two_answers_rejected(chat: Conversation, stack: Stack) -> None:
    chat.say("do you ship to canada and how much is it")
    first = chat.say("/deny")
    if "Is it one of these?" in first:  # offered other articles: the customer picks none
        chat.say("/deny")
    else:
        chat.say("what does shipping to canada cost")
        chat.say("/deny")
    assert_promise_kept(stack, chat.sender, "knowledge_rejected")


def test_three_failed_verifications(chat: Conversation, stack: Stack) -> None:
    chat.say("where is my order?")
    chat.say("LK-100231")
    chat.say("omar.h@example.com")
    chat.say("10027")
    chat.say("sofia.rossi@example.com")
    try:
        assert_promise_kept(stack, chat.sender, "verification_failed")
    finally:
        forget_verification_failures(stack)  # LK-100231 is locked for every conversation


def test_a_lost_parcel(chat: Conversation, stack: Stack) -> None:
    chat.say("where's my backpack? order LK-100236")
    chat.say("ava.j@example.com")
    assert_promise_kept(stack, chat.sender, "lost_parcel")


def test_an_exception_to_the_return_policy(chat: Conversation, stack: Stack) -> None:
    chat.say("return the boots from LK-100233, they hurt")
    chat.say("omar.h@example.com")
    chat.say('/request_policy_exception')
    assert_promise_kept(stack, chat.sender, "policy_exception")


def test_a_damaged_item(chat: Conversation, stack: Stack) -> None:
    chat.say("I'd like to return the sweater from LK-100232")
    chat.say("10027")
    chat.say("it arrived damaged, there's a hole in it")
    assert_promise_kept(stack, chat.sender, "damaged_item")


def test_nonsense_twice(chat: Conversation, stack: Stack) -> None:
    """Issue 20, class 9: help first, then a person (bot/actions/not_understood.py)."""
    assert not PROMISE.search(chat.say("sdfghj"))
    assert PROMISE.search(chat.say("qwrtp zxcvb"))
    assert_promise_kept(stack, chat.sender, "nlu_fallback_repeated")


def test_a_parcel_reported_lost(chat: Conversation, stack: Stack) -> None:
    """Issue 20, class 7: a report of a lost parcel brings in a person before any verification."""
    assert PROMISE.search(chat.say("my parcel never got to me, it's been two weeks with no tracking update"))
    assert_promise_kept(stack, chat.sender, "lost_parcel")


def test_a_wrong_item_told_over_several_turns(chat: Conversation, stack: Stack) -> None:
    """Issue 20, classes 5 and 7: the order number and the item first, then the shop's mistake."""
    assert "LK-100238" in chat.say("LK-100238")
    chat.say("the running tights")
    assert PROMISE.search(chat.say("they sent a blue pair instead of the black ones I ordered"))
    assert_promise_kept(stack, chat.sender, "damaged_item")


@pytest.mark.parametrize("report", [
    "I've been charged twice for the same order",  # the NLU reads a request to act: before the flow
    "there's a charge from you on my card statement that I don't recognise",
])
def test_a_case_an_article_gives_to_a_person(chat: Conversation, stack: Stack, report: str) -> None:
    """Issue 20, class 7: a customer reporting what happened, where the help centre's answer
    declares the case a person's (`person_case`, decision 0245), gets a person in one step."""
    assert PROMISE.search(chat.say(report))
    assert_promise_kept(stack, chat.sender, "person_topic")


async def test_a_request_for_a_person_in_the_widget(stack: Stack) -> None:
    issued = httpx.post(f"{stack.url('handoff')}/widget/sessions", timeout=30).json()
    session = issued["session_id"]
    replies: asyncio.Queue[str] = asyncio.Queue()
    confirmed = asyncio.Event()
    client = socketio.AsyncClient(reconnection=False)
    client.on("bot_uttered", lambda data: replies.put_nowait(data.get("text") or ""))
    client.on("session_confirm", lambda *_: confirmed.set())
    await client.connect(stack.url("rasa"), transports=["websocket"], socketio_path="/socket.io")
    try:
        # As the widget does: the session with the secret issued with it, then messages once confirmed.
        await client.emit("session_request", {"session_id": session, "secret": issued["secret"]})
        await asyncio.wait_for(confirmed.wait(), 30)
        await client.emit("user_uttered", {"message": REQUEST, "session_id": session})
        assert PROMISE.search(await asyncio.wait_for(replies.get(), 60))
    finally:
        await client.disconnect()
    await asyncio.to_thread(assert_promise_kept, stack, session, "explicit_request")


def test_a_request_for_a_person_on_a_messaging_app(stack: Stack, fake_providers: FakeProviders) -> None:
    person = customer("telegram", fake_providers)
    assert person.post(stack, REQUEST).status_code < 300
    fake_providers.wait_for("telegram", person.recipient, "support team")
    deadline = time.monotonic() + 10
    while not bot_texts(stack, person.sender_id) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert_promise_kept(stack, person.sender_id, "explicit_request")
