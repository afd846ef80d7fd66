"""Telegram, Twilio, Facebook and Slack as seen from Rasa's connectors: one HTTP server on
127.0.0.1 that answers their API calls the way the providers document them and records every
call, so a test can see what the bot (or an agent) sent to a customer on that app.

Paths (each connector's `api_url` points at one prefix):
  /telegram/bot<token>/<method>                     Telegram Bot API (getMe, sendMessage, setWebhook)
  /twilio/2010-04-01/Accounts/<sid>/Messages.json   Twilio Programmable Messaging (WhatsApp, SMS)
  /facebook/v<version>/me/messages                  Facebook Graph API Send API
  /slack/<method>                                   Slack Web API (chat.postMessage)

They also sign what they send to Rasa's webhooks as the providers document it (the `sign_*`
functions and `telegram_secret`, the secret_token the bot registered with setWebhook), so the
tests post inbound messages exactly as the real providers would.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

TELEGRAM_BOT_USERNAME = "larkspur_test_bot"


@dataclass
class Call:
    provider: str
    path: str
    body: dict[str, Any]
    at: float = field(default_factory=time.time)

    @property
    def text(self) -> str:
        """The message text this call sends to a customer, if it sends one."""
        body = self.body
        if self.provider == "telegram":
            return str(body.get("text", ""))
        if self.provider == "twilio":
            return str(body.get("Body", ""))
        if self.provider == "facebook":
            return str((body.get("message") or {}).get("text", ""))
        if self.provider == "slack":
            return str(body.get("text", ""))
        return ""

    @property
    def recipient(self) -> str:
        body = self.body
        if self.provider == "telegram":
            return str(body.get("chat_id", ""))
        if self.provider == "twilio":
            return str(body.get("To", ""))
        if self.provider == "facebook":
            return str((body.get("recipient") or {}).get("id", ""))
        if self.provider == "slack":
            return str(body.get("channel", ""))
        return ""


def sign_twilio(auth_token: str, url: str, form: dict[str, str]) -> str:
    """X-Twilio-Signature: base64 HMAC-SHA1 of the URL followed by each POST field's name and
    value, sorted by name (https://www.twilio.com/docs/usage/webhooks/webhooks-security)."""
    payload = url + "".join(f"{name}{form[name]}" for name in sorted(form))
    return base64.b64encode(hmac.new(auth_token.encode(), payload.encode(), hashlib.sha1).digest()).decode()


def sign_meta(app_secret: str, body: bytes) -> str:
    """X-Hub-Signature-256: "sha256=" and the HMAC-SHA256 of the body under the app secret."""
    return "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


def sign_slack(signing_secret: str, timestamp: str, body: bytes) -> str:
    """X-Slack-Signature: "v0=" and the HMAC-SHA256 of "v0:<timestamp>:<body>"."""
    return "v0=" + hmac.new(signing_secret.encode(), f"v0:{timestamp}:".encode() + body, hashlib.sha256).hexdigest()


class FakeProviders:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self._telegram_secret = ""
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeProviders:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def telegram_secret(self, timeout: float = 60) -> str:
        """The secret_token the bot registered with setWebhook, which Telegram sends back in
        X-Telegram-Bot-Api-Secret-Token with every update."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if self._telegram_secret:
                    return self._telegram_secret
            time.sleep(0.2)
        raise AssertionError("the bot never registered its Telegram webhook with a secret_token")

    def messages(self, provider: str, recipient: str) -> list[str]:
        """The texts sent so far to this customer on this provider, in order."""
        with self.lock:
            return [c.text for c in self.calls if c.provider == provider and c.recipient == recipient and c.text]

    def wait_for(self, provider: str, recipient: str, contains: str, timeout: float = 60) -> list[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            texts = self.messages(provider, recipient)
            if any(contains.lower() in text.lower() for text in texts):
                return texts
            time.sleep(0.2)
        sent = self.messages(provider, recipient)
        raise AssertionError(f"{provider} never sent {contains!r} to {recipient}; it sent {sent}")

    def _record(self, call: Call) -> None:
        with self.lock:
            self.calls.append(call)
            if call.provider == "telegram" and call.path.endswith("/setWebhook") and call.body.get("secret_token"):
                self._telegram_secret = str(call.body["secret_token"])

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_: Any) -> None:  # keep pytest output clean
                pass

            def _body(self) -> dict[str, Any]:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                kind = self.headers.get("Content-Type", "")
                if "json" in kind:
                    return json.loads(raw or b"{}")
                form = parse_qs(raw.decode(), keep_blank_values=True)
                return {key: values[-1] for key, values in form.items()}

            def _reply(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                self.do_POST()

            def do_POST(self) -> None:
                path = urlparse(self.path).path
                body = self._body() if self.command == "POST" else {}
                provider = path.strip("/").split("/", 1)[0]
                fake._record(Call(provider, path, body))
                if provider == "telegram":
                    self._reply(200, telegram(path, body))
                elif provider == "twilio":
                    self._reply(201, twilio(path, body))
                elif provider == "facebook":
                    self._reply(200, {"recipient_id": (body.get("recipient") or {}).get("id"), "message_id": "m_fake"})
                elif provider == "slack":
                    self._reply(200, {"ok": True, "channel": body.get("channel"), "ts": f"{time.time():.6f}"})
                else:
                    self._reply(404, {"error": f"unknown provider path {path}"})

        return Handler


def telegram(path: str, body: dict[str, Any]) -> dict[str, Any]:
    method = path.rsplit("/", 1)[-1]
    if method == "getMe":
        return {"ok": True, "result": {"id": 4242, "is_bot": True, "first_name": "Larkspur",
                                       "username": TELEGRAM_BOT_USERNAME}}
    if method == "sendMessage":
        chat_id = int(body.get("chat_id", 0))
        return {"ok": True, "result": {
            "message_id": int(time.time() * 1000) % 1_000_000, "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private"}, "text": body.get("text", ""),
        }}
    return {"ok": True, "result": True}


def twilio(path: str, body: dict[str, Any]) -> dict[str, Any]:
    sid = path.split("/Accounts/", 1)[-1].split("/", 1)[0]
    return {
        "sid": f"SM{int(time.time() * 1000):032d}"[:34], "account_sid": sid, "body": body.get("Body"),
        "to": body.get("To"), "from": body.get("From"), "status": "queued", "direction": "outbound-api",
        "num_segments": "1", "date_created": time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime()),
    }
