"""Issue 19, finding 10: channel spoofing.

Against the real stack with Telegram, Twilio, Messenger and Slack configured; only the providers'
servers are faked, on loopback (tests/e2e/fake_providers.py), and they sign what they post as the
real ones do. Before the fix:
- the REST body's `input_channel` was recorded as the conversation's channel, and the handoff
  service sent its messages to the latest channel: a REST caller naming a Telegram chat id as
  sender and "telegram" as channel made the shop write to that chat;
- Telegram and Twilio webhooks took any POST, and Messenger's checked only the SHA-1 header.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import random
import time
import uuid

import httpx

from tests.conftest import WEB_CHANNEL_SECRETS, Stack
from tests.e2e.fake_providers import FakeProviders, sign_meta
from tests.e2e.test_channels import (
    customer,
    escalation_of,
    facebook_message,
    login,
    slack_event,
    telegram_update,
    twilio_whatsapp,
)

HUMAN = "I want to talk to a real person"
SETTLE = 4.0  # seconds: a bot turn on this machine is well under this once the stack is warm


def rest(stack: Stack, body: dict[str, str]) -> httpx.Response:
    return httpx.post(f"{stack.url('rasa')}/webhooks/rest/webhook", json=body, headers=stack.rasa_headers(), timeout=90)


def input_channels(stack: Stack, sender: str) -> list[str | None]:
    tracker = httpx.get(
        f"{stack.url('rasa')}/conversations/{sender}/tracker", headers=stack.rasa_headers(), timeout=30
    ).json()
    return [event.get("input_channel") for event in tracker.get("events", []) if event.get("event") == "user"]


def test_the_rest_bodys_channel_is_not_believed(stack: Stack, fake_providers: FakeProviders) -> None:
    """Even a caller with the token cannot make the shop write to a Telegram chat it names."""
    headers = login(stack)
    handoff = stack.url("handoff")
    httpx.put(f"{handoff}/agents/me/presence", json={"status": "online"}, headers=headers, timeout=30)
    chat = str(random.randint(10**8, 10**9))
    assert rest(stack, {"sender": chat, "message": HUMAN, "input_channel": "telegram"}).status_code == 200
    assert input_channels(stack, chat) == ["rest"]

    card = escalation_of(stack, headers, chat)
    assert card["channel"] == "rest"
    assert httpx.post(f"{handoff}/escalations/{card['id']}/claim", headers=headers, timeout=30).status_code == 200
    reply = f"Your order details are ... {uuid.uuid4().hex[:6]}"
    sent = httpx.post(f"{handoff}/escalations/{card['id']}/messages", json={"text": reply}, headers=headers, timeout=30)
    assert sent.status_code == 201, sent.text
    time.sleep(SETTLE)
    assert fake_providers.messages("telegram", chat) == []
    httpx.post(
        f"{handoff}/escalations/{card['id']}/resolve",
        json={"outcome": "resolved", "handback": False},
        headers=headers,
        timeout=30,
    )


def test_agent_replies_go_to_the_channel_the_conversation_came_in_on(
    stack: Stack,
    fake_providers: FakeProviders,
) -> None:
    """A Telegram customer's conversation: a later message under the same id from elsewhere (here
    the REST channel) does not redirect the agent's reply away from the customer's chat."""
    headers = login(stack)
    handoff = stack.url("handoff")
    httpx.put(f"{handoff}/agents/me/presence", json={"status": "online"}, headers=headers, timeout=30)
    person = customer("telegram", fake_providers)
    assert person.post(stack, HUMAN).status_code < 300
    fake_providers.wait_for("telegram", person.recipient, "support team")
    card = escalation_of(stack, headers, person.sender_id)
    assert httpx.post(f"{handoff}/escalations/{card['id']}/claim", headers=headers, timeout=30).status_code == 200

    assert rest(stack, {"sender": person.sender_id, "message": "me again"}).status_code == 200
    reply = f"Maya here, still on Telegram {uuid.uuid4().hex[:6]}"
    sent = httpx.post(f"{handoff}/escalations/{card['id']}/messages", json={"text": reply}, headers=headers, timeout=30)
    assert sent.status_code == 201, sent.text
    fake_providers.wait_for("telegram", person.recipient, reply, timeout=30)
    httpx.post(
        f"{handoff}/escalations/{card['id']}/resolve",
        json={"outcome": "resolved", "handback": False},
        headers=headers,
        timeout=30,
    )


def test_telegram_updates_without_the_webhook_secret_are_refused(
    stack: Stack,
    fake_providers: FakeProviders,
) -> None:
    chat = str(random.randint(10**8, 10**9))
    assert telegram_update(stack, chat, "hello", secret=None).status_code == 403
    assert telegram_update(stack, chat, "hello", secret="guessed").status_code == 403
    set_again = httpx.post(f"{stack.url('rasa')}/webhooks/telegram/set_webhook", timeout=30)
    assert set_again.status_code == 404
    time.sleep(SETTLE)
    assert fake_providers.messages("telegram", chat) == []
    assert input_channels(stack, chat) == []


def test_twilio_requests_without_a_valid_signature_are_refused(
    stack: Stack,
    fake_providers: FakeProviders,
) -> None:
    number = f"whatsapp:+1555{random.randint(10**6, 10**7)}"
    assert twilio_whatsapp(stack, number, "hello", auth_token="not-the-auth-token").status_code == 403
    unsigned = httpx.post(
        f"{stack.url('rasa')}/webhooks/twilio/webhook",
        timeout=30,
        data={"From": number, "Body": "hello", "To": WEB_CHANNEL_SECRETS["TWILIO_NUMBER"]},
    )
    assert unsigned.status_code == 403
    time.sleep(SETTLE)
    assert fake_providers.messages("twilio", number) == []
    assert input_channels(stack, number) == []


def test_messenger_needs_the_sha256_signature(stack: Stack, fake_providers: FakeProviders) -> None:
    psid = str(random.randint(10**15, 10**16))
    assert facebook_message(stack, psid, "hello", app_secret="not-the-app-secret").status_code == 403
    # Only the SHA-1 header, correctly signed: what Rasa's own check accepted.
    now = int(time.time() * 1000)
    body = json.dumps(
        {
            "object": "page",
            "entry": [
                {
                    "id": "PAGE1",
                    "time": now,
                    "messaging": [
                        {
                            "sender": {"id": psid},
                            "recipient": {"id": "PAGE1"},
                            "timestamp": now,
                            "message": {"mid": f"m_{uuid.uuid4().hex}", "text": "hello"},
                        }
                    ],
                }
            ],
        }
    ).encode()
    sha1 = "sha1=" + hmac.new(WEB_CHANNEL_SECRETS["FACEBOOK_SECRET"].encode(), body, hashlib.sha1).hexdigest()
    only_sha1 = httpx.post(
        f"{stack.url('rasa')}/webhooks/facebook/webhook",
        content=body,
        timeout=30,
        headers={"Content-Type": "application/json", "X-Hub-Signature": sha1},
    )
    assert only_sha1.status_code == 403
    time.sleep(SETTLE)
    assert fake_providers.messages("facebook", psid) == []
    # The same body signed as Meta signs it is taken.
    signed = httpx.post(
        f"{stack.url('rasa')}/webhooks/facebook/webhook",
        content=body,
        timeout=60,
        headers={
            "Content-Type": "application/json",
            "X-Hub-Signature-256": sign_meta(WEB_CHANNEL_SECRETS["FACEBOOK_SECRET"], body),
        },
    )
    assert signed.status_code == 200
    fake_providers.wait_for("facebook", psid, "Larkspur & Co. assistant")


def test_slack_requests_signed_long_ago_are_refused(stack: Stack, fake_providers: FakeProviders) -> None:
    user = f"U{random.randint(10**6, 10**7)}"
    replayed = slack_event(stack, user, "hello", stamp=str(int(time.time()) - 600))
    assert replayed.status_code == 400
    time.sleep(SETTLE)
    assert fake_providers.messages("slack", f"D{user}") == []
