"""Messaging apps: real-format inbound webhooks of Telegram, Twilio (WhatsApp), Facebook
Messenger and Slack posted to the running Rasa; the bot's answers and an agent's reply are
caught where they leave for the provider (tests/e2e/fake_providers.py on loopback)."""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from stack import channels
from tests.conftest import WEB_CHANNEL_SECRETS, Stack
from tests.e2e.fake_providers import FakeProviders, sign_meta, sign_slack, sign_twilio

# ---------- which connectors Rasa is started with ----------


# What the stack always sets for the widget's channel (stack/settings.py).
WIDGET_ENV = {"HANDOFF_WIDGET_KEY": "k" * 32, "BATON_WIDGET_ORIGINS": "http://127.0.0.1:8002"}


def test_without_channel_variables_only_rest_and_socketio_are_configured() -> None:
    text, labels, optional = channels.effective(WIDGET_ENV)
    assert labels == [] and optional == {}
    assert "bot.channels.rest.RestInput:" in text and "bot.channels.socketio.SocketIOInput:" in text
    assert "session_persistence: true" in text and "${HANDOFF_WIDGET_KEY}" in text
    assert "CallbackInput" not in text and "TelegramInput" not in text


def test_a_connector_is_on_only_when_all_its_required_variables_are_set() -> None:
    text, labels, optional = channels.effective({"TELEGRAM_ACCESS_TOKEN": "1:x", "SLACK_TOKEN": "xoxb"})
    assert labels == []  # Telegram still lacks TELEGRAM_VERIFY, Slack its signing secret
    text, labels, optional = channels.effective({"TELEGRAM_ACCESS_TOKEN": "1:x", "TELEGRAM_VERIFY": "bot"})
    assert labels == ["Telegram"]
    assert "bot.channels.telegram.TelegramInput:" in text and "${TELEGRAM_ACCESS_TOKEN}" in text
    assert "1:x" not in text  # secrets stay in the environment, never in the file
    # Optional settings must exist for Rasa's ${VAR} expansion; empty means the provider's default.
    assert optional == {"TELEGRAM_WEBHOOK_URL": "", "TELEGRAM_SECRET_TOKEN": "", "TELEGRAM_API_URL": ""}


def test_every_connector_in_credentials_yml_is_known_with_its_required_variables() -> None:
    blocks = {block.key: block for block in channels.blocks(channels.SOURCE.read_text()) if block.key}
    assert set(channels.CONNECTORS) <= set(blocks)
    for key, connector in channels.CONNECTORS.items():
        assert set(connector.required) <= set(blocks[key].variables), key
    _, labels, _ = channels.effective(WEB_CHANNEL_SECRETS)
    assert labels == ["Telegram", "Twilio (WhatsApp, SMS)", "Facebook Messenger", "Slack"]


def test_the_stack_writes_the_effective_file_for_rasa(tmp_path: Path) -> None:
    from stack.settings import StackSettings

    env = StackSettings(var_dir=tmp_path, extra_env=dict(WEB_CHANNEL_SECRETS)).process_env(Path("model"))
    written = Path(env["BATON_CREDENTIALS"]).read_text()
    assert written.count("bot.channels.") == 6  # REST, socket.io and the four apps
    assert env["HANDOFF_WIDGET_KEY"] and env["HANDOFF_WIDGET_KEY"] not in written
    assert env["SLACK_CHANNEL"] == ""  # optional, defined so that Rasa can expand it


# ---------- the running stack ----------


@dataclass
class Inbound:
    provider: str  # the fake provider's name and Rasa's input channel
    sender_id: str  # Rasa's conversation id
    recipient: str  # how the bot's replies address this customer at the provider
    post: Callable[[Stack, str], httpx.Response]  # send the customer's text to Rasa's webhook

    @property
    def agent_recipient(self) -> str:
        """Where an agent's reply goes: Rasa's HTTP API knows only the conversation id, and
        Slack's chat.postMessage to a user id lands in that user's direct messages."""
        return self.sender_id if self.provider == "slack" else self.recipient


def telegram_update(stack: Stack, chat_id: str, text: str, *, secret: str | None) -> httpx.Response:
    """An update as Telegram posts it: with the webhook's secret_token in its header (None: without)."""
    now = int(time.time())
    update = {
        "update_id": random.randint(1, 10**9),
        "message": {
            "message_id": random.randint(1, 10**6), "date": now, "text": text,
            "chat": {"id": int(chat_id), "type": "private", "first_name": "Omar"},
            "from": {"id": int(chat_id), "is_bot": False, "first_name": "Omar", "language_code": "en"},
        },
    }
    headers = {} if secret is None else {"X-Telegram-Bot-Api-Secret-Token": secret}
    return httpx.post(f"{stack.url('rasa')}/webhooks/telegram/webhook", json=update, headers=headers, timeout=60)


def twilio_whatsapp(stack: Stack, sender: str, text: str, *, auth_token: str | None = None) -> httpx.Response:
    """A message as Twilio posts it, signed with the account's auth token (or another one given)."""
    form = {
        "SmsMessageSid": "SM" + "1" * 32, "NumMedia": "0", "ProfileName": "Omar", "SmsSid": "SM" + "1" * 32,
        "WaId": sender.split("+")[-1], "SmsStatus": "received", "Body": text,
        "To": WEB_CHANNEL_SECRETS["TWILIO_NUMBER"],
        "NumSegments": "1", "MessageSid": "SM" + "1" * 32, "AccountSid": WEB_CHANNEL_SECRETS["TWILIO_ACCOUNT_SID"],
        "From": sender, "ApiVersion": "2010-04-01",
    }
    url = f"{stack.url('rasa')}/webhooks/twilio/webhook"
    signature = sign_twilio(auth_token or WEB_CHANNEL_SECRETS["TWILIO_AUTH_TOKEN"], url, form)
    return httpx.post(url, data=form, headers={"X-Twilio-Signature": signature}, timeout=60)


def facebook_message(stack: Stack, psid: str, text: str, *, app_secret: str | None = None) -> httpx.Response:
    """A Messenger event as Meta posts it, signed with the app secret (or another one given)."""
    now = int(time.time() * 1000)
    body = json.dumps({"object": "page", "entry": [{"id": "PAGE1", "time": now, "messaging": [{
        "sender": {"id": psid}, "recipient": {"id": "PAGE1"}, "timestamp": now,
        "message": {"mid": f"m_{random.randint(1, 10**9)}", "text": text},
    }]}]}).encode()
    signature = sign_meta(app_secret or WEB_CHANNEL_SECRETS["FACEBOOK_SECRET"], body)
    return httpx.post(f"{stack.url('rasa')}/webhooks/facebook/webhook", content=body, timeout=60,
                      headers={"Content-Type": "application/json", "X-Hub-Signature-256": signature})


def slack_event(stack: Stack, user: str, text: str, *, secret: str | None = None,
                stamp: str | None = None) -> httpx.Response:
    ts = f"{time.time():.6f}"
    body = json.dumps({
        "token": "verification-token", "team_id": "T0001", "api_app_id": "A0001", "type": "event_callback",
        "event_id": f"Ev{random.randint(1, 10**9)}", "event_time": int(time.time()),
        "authorizations": [{"team_id": "T0001", "user_id": "UBOT", "is_bot": True}],
        "event": {"type": "message", "channel": f"D{user}", "channel_type": "im", "user": user, "text": text,
                  "ts": ts, "event_ts": ts, "team": "T0001"},
    }).encode()
    stamp = stamp or str(int(time.time()))
    signature = sign_slack(secret or WEB_CHANNEL_SECRETS["SLACK_SIGNING_SECRET"], stamp, body)
    return httpx.post(f"{stack.url('rasa')}/webhooks/slack/webhook", content=body, timeout=60, headers={
        "Content-Type": "application/json", "X-Slack-Signature": signature, "X-Slack-Request-Timestamp": stamp})


def customer(provider: str, providers: FakeProviders) -> Inbound:
    n = random.randint(10**6, 10**7)
    if provider == "telegram":
        chat = str(n)
        return Inbound("telegram", chat, chat,
                       lambda stack, text: telegram_update(stack, chat, text, secret=providers.telegram_secret()))
    if provider == "twilio":
        number = f"whatsapp:+1555{n}"
        return Inbound("twilio", number, number, lambda stack, text: twilio_whatsapp(stack, number, text))
    if provider == "facebook":
        psid = f"{n}{n}"
        return Inbound("facebook", psid, psid, lambda stack, text: facebook_message(stack, psid, text))
    user = f"U{n}"
    # Slack: the bot answers in the DM channel the event came from.
    return Inbound("slack", user, f"D{user}", lambda stack, text: slack_event(stack, user, text))


PROVIDERS = ["telegram", "twilio", "facebook", "slack"]


@pytest.mark.parametrize("provider", PROVIDERS)
def test_the_bot_answers_on_each_messaging_app(stack: Stack, fake_providers: FakeProviders, provider: str) -> None:
    person = customer(provider, fake_providers)
    response = person.post(stack, "hello")
    assert response.status_code < 300, response.text
    fake_providers.wait_for(provider, person.recipient, "Larkspur & Co. assistant")


def test_forged_webhooks_are_refused(stack: Stack, fake_providers: FakeProviders) -> None:
    user = f"U{random.randint(10**6, 10**7)}"
    response = slack_event(stack, user, "hello", secret="not-the-signing-secret")
    assert response.status_code == 400
    body = json.dumps({"object": "page", "entry": []}).encode()
    forged = httpx.post(f"{stack.url('rasa')}/webhooks/facebook/webhook", content=body, timeout=30,
                        headers={"Content-Type": "application/json", "X-Hub-Signature-256": "sha256=00"})
    assert forged.status_code == 403 and forged.text == "not validated"
    time.sleep(2)
    assert fake_providers.messages("slack", f"D{user}") == []


def login(stack: Stack, username: str = "maya") -> dict[str, str]:
    response = httpx.post(f"{stack.url('handoff')}/auth/login",
                          json={"username": username, "password": "larkspur-demo"}, timeout=30)
    response.raise_for_status()
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def everyone_offline(stack: Stack) -> None:
    """The demo agents set away: other tests of the session stack may have left one online."""
    for username in ("maya", "sam", "admin"):
        response = httpx.put(f"{stack.url('handoff')}/agents/me/presence", json={"status": "offline"},
                             headers=login(stack, username), timeout=30)
        response.raise_for_status()


def escalation_of(stack: Stack, headers: dict[str, str], sender_id: str, timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for card in httpx.get(f"{stack.url('handoff')}/escalations", headers=headers, timeout=30).json():
            if card["sender_id"] == sender_id:
                return card
        time.sleep(0.5)
    raise AssertionError(f"no escalation for {sender_id}")


@pytest.mark.parametrize("provider", PROVIDERS)
def test_escalation_and_the_agents_reply_go_through_the_customers_own_app(
    stack: Stack, fake_providers: FakeProviders, provider: str,
) -> None:
    headers = login(stack)
    handoff = stack.url("handoff")
    online = httpx.put(f"{handoff}/agents/me/presence", json={"status": "online"}, headers=headers, timeout=30)
    online.raise_for_status()

    person = customer(provider, fake_providers)
    assert person.post(stack, "hello").status_code < 300
    fake_providers.wait_for(provider, person.recipient, "Larkspur & Co. assistant")
    assert person.post(stack, "I want to talk to a real person").status_code < 300
    fake_providers.wait_for(provider, person.recipient, "support team")

    card = escalation_of(stack, headers, person.sender_id)
    assert card["channel"] == provider
    assert card["summary_line"]

    claimed = httpx.post(f"{handoff}/escalations/{card['id']}/claim", headers=headers, timeout=30)
    assert claimed.status_code == 200, claimed.text
    fake_providers.wait_for(provider, person.agent_recipient, "Maya from Larkspur")

    reply = f"Hi, Maya here on {provider}: I have your conversation in front of me."
    sent = httpx.post(f"{handoff}/escalations/{card['id']}/messages", json={"text": reply}, headers=headers, timeout=30)
    assert sent.status_code == 201, sent.text
    texts = fake_providers.wait_for(provider, person.agent_recipient, reply)
    # Only the text leaves: the widget's custom payload is not sent to messaging apps.
    assert all("agent_message" not in text for text in texts)

    # The customer answers on the app and the agent sees it in the live transcript.
    assert person.post(stack, "Thanks Maya, it is order LK-100232").status_code < 300
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        lines = httpx.get(f"{handoff}/escalations/{card['id']}/transcript", headers=headers, timeout=30).json()
        if any("LK-100232" in line.get("text", "") for line in lines):
            break
        time.sleep(0.5)
    else:
        raise AssertionError(f"the customer's answer never reached the transcript: {lines}")
    closed = httpx.post(f"{handoff}/escalations/{card['id']}/resolve", json={"outcome": "resolved", "handback": False},
                        headers=headers, timeout=30)
    assert closed.status_code == 200, closed.text
