"""Fixtures that start the real thing (shared by both environments: tests/bot runs on
Python 3.10 beside Rasa, everything else on 3.11): a private redis-server, and the stack's processes
(actions, knowledge, handoff, Rasa) from stack/Procfile, on free ports, for the session."""

from __future__ import annotations

import functools
import os
import secrets
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis

from defaults import VERIFICATION_KEY_PREFIX
from stack import health
from stack.procfile import processes
from stack.settings import ROOT, StackSettings


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@functools.cache
def sentence_onnx() -> str:
    """The ONNX export of the sentence model the bot runs: BATON_SENTENCE_ONNX as ./baton passes
    it, else made (or found) as ./baton makes it, in the services' environment (the bot's has no torch)."""
    if os.environ.get("BATON_SENTENCE_ONNX"):
        return os.environ["BATON_SENTENCE_ONNX"]
    model = os.environ.get("BATON_SENTENCE_MODEL")
    out = subprocess.run(
        [str(ROOT / ".venvs/svc/bin/python"), "-m", "sentence_model.export", *([model] if model else [])],
        cwd=ROOT, check=True, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    return out.stdout.strip().splitlines()[-1]


def trained_model() -> Path:
    """The bot's trained model; after it, this process's environment names the sentence model's
    export too, so the Rasa every stack starts finds it, as under ./baton."""
    os.environ.setdefault("BATON_SENTENCE_ONNX", sentence_onnx())
    if os.environ.get("BATON_TEST_MODEL"):
        return Path(os.environ["BATON_TEST_MODEL"])
    out = subprocess.run(
        [str(ROOT / ".venvs/bot/bin/python"), "-m", "stack.train_bot"],
        cwd=ROOT, check=True, capture_output=True, text=True,
    )
    return Path(out.stdout.strip().splitlines()[-1])


class Stack:
    """The stack's processes, each started from its Procfile line, with logs per process."""

    def __init__(self, settings: StackSettings, model: Path) -> None:
        self.settings = settings
        self.env = {**os.environ, **settings.process_env(model)}
        self.commands = processes()
        self.procs: dict[str, subprocess.Popen] = {}
        self.logs = settings.var_dir / "logs"
        self.logs.mkdir(parents=True, exist_ok=True)

    def start(self, name: str, timeout: float = 120) -> None:
        with open(self.logs / f"{name}.log", "ab") as log:
            self.procs[name] = subprocess.Popen(
                self.commands[name], shell=True, cwd=ROOT, env=self.env,
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )
        proc = self.procs[name]
        check = health.checks(self.settings)[name]
        if not health.wait_until(check, time.monotonic() + timeout, lambda: proc.poll() is None):
            tail = (self.logs / f"{name}.log").read_text(errors="replace")[-3000:]
            raise RuntimeError(f"{name} did not become healthy:\n{tail}")

    def stop(self, name: str, sig: int = signal.SIGTERM) -> None:
        proc = self.procs.pop(name, None)
        if proc and proc.poll() is None:
            os.killpg(proc.pid, sig)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()

    def stop_all(self) -> None:
        for name in reversed(list(self.procs)):
            self.stop(name)

    def url(self, name: str) -> str:
        return self.settings.url(getattr(self.settings, f"{name}_port"))

    def rasa_headers(self) -> dict[str, str]:
        """Authorization for Rasa's HTTP API (a fresh JWT signed with the stack's secret)."""
        return health.rasa_headers(self.settings)

    @property
    def redis_url(self) -> str:
        return self.settings.effective_redis_url


WAITING_REMINDER_SECONDS = 3.0  # the `stack`'s HANDOFF_WAITING_REMINDER_SECONDS

# handoff engine: where the test stacks' Rasa posts callback-channel replies (one port per test session).
CALLBACK_PORT = free_port()


def make_settings(var_dir: Path) -> StackSettings:
    return StackSettings(
        var_dir=var_dir, redis_port=free_port(), rasa_port=free_port(), actions_port=free_port(),
        knowledge_port=free_port(), handoff_port=free_port(), rasa_token=secrets.token_urlsafe(32),
        # A restarted handoff replica takes over entries another left pending after 2 s.
        extra_env={"HANDOFF_CLAIM_IDLE_MS": "2000",
                   # handoff engine: people at work whenever the tests run (outside-hours paths are
                   # tested with an injected clock), and Rasa's callback channel on (tests/e2e/test_handoff.py
                   # listens on CALLBACK_PORT; nothing else uses that channel).
                   "HANDOFF_SUPPORT_HOURS": "Mon-Sun 00:00-24:00"},
        callback_url=f"http://127.0.0.1:{CALLBACK_PORT}/callback",
    )


@pytest.fixture(scope="session")
def redis_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """A private redis-server only, for tests of one component against real Redis."""
    settings = make_settings(tmp_path_factory.mktemp("redis-only"))
    stack = Stack(settings, Path("unused"))
    stack.start("redis")
    yield stack
    stack.stop_all()


@pytest.fixture
def redis_url(redis_stack: Stack) -> Iterator[str]:
    """A clean Redis database for one test."""
    client = redis.Redis.from_url(redis_stack.redis_url)
    client.flushdb()
    yield redis_stack.redis_url
    client.close()


@pytest.fixture(scope="session")
def knowledge_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """The knowledge service alone (it needs no Redis), for tests of its clients."""
    settings = make_settings(tmp_path_factory.mktemp("knowledge-only"))
    running = Stack(settings, Path("unused"))
    running.start("knowledge")
    yield running
    running.stop_all()


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """The whole system on private ports: Redis, actions, knowledge, handoff and Rasa."""
    model = trained_model()
    settings = make_settings(tmp_path_factory.mktemp("stack"))
    # A queued customer who writes again hears their place in line; soon enough for a test to see.
    settings.extra_env["HANDOFF_WAITING_REMINDER_SECONDS"] = str(WAITING_REMINDER_SECONDS)
    running = Stack(settings, model)
    try:
        for name in ("redis", "actions", "knowledge", "handoff", "rasa"):
            running.start(name, timeout=240)
        yield running
    finally:
        running.stop_all()



@pytest.fixture
def handoff_alone(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[dict[str, str]], Stack]]:
    """Start Redis and the handoff service alone, from their Procfile lines, with more environment
    (a shop's: HANDOFF_DEMO_MODE=0, a PostgreSQL HANDOFF_DATABASE_URL); Rasa is not running."""
    started: list[Stack] = []

    def start(env: dict[str, str]) -> Stack:
        settings = make_settings(tmp_path_factory.mktemp("handoff-alone"))
        settings.extra_env.update(env)
        running = Stack(settings, Path("unused"))
        started.append(running)
        running.start("redis")
        running.start("handoff", timeout=240)
        return running

    yield start
    for running in started:
        running.stop_all()


# --- web helper: the stack with every messaging app on, their APIs faked on loopback ---
WEB_CHANNEL_SECRETS = {
    "TELEGRAM_ACCESS_TOKEN": "123456789:AAFakeTokenForTestsOnly_abcdefghijklm",
    "TELEGRAM_VERIFY": "larkspur_test_bot",
    "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
    "TWILIO_AUTH_TOKEN": "twilio-test-token",
    "TWILIO_NUMBER": "whatsapp:+14155238886",
    "FACEBOOK_VERIFY": "fb-verify-test",
    "FACEBOOK_SECRET": "fb-app-secret-test",
    "FACEBOOK_PAGE_ACCESS_TOKEN": "fb-page-token",
    "SLACK_TOKEN": "xoxb-test-token",
    "SLACK_SIGNING_SECRET": "slack-signing-secret-test",
}


@pytest.fixture(scope="session")
def fake_providers() -> Iterator[object]:
    from tests.e2e.fake_providers import FakeProviders

    providers = FakeProviders().start()
    yield providers
    providers.stop()


@pytest.fixture(scope="session")
def web_stack(tmp_path_factory: pytest.TempPathFactory, fake_providers: object) -> Iterator[Stack]:
    """The whole system with Telegram, Twilio, Facebook and Slack configured against the fake
    providers, and support hours that are always open (the browser journey needs a person)."""
    base = fake_providers.url  # type: ignore[attr-defined]
    settings = make_settings(tmp_path_factory.mktemp("web-stack"))
    settings.extra_env.update({
        **WEB_CHANNEL_SECRETS, "HANDOFF_SUPPORT_HOURS": "Mon-Sun 00:00-23:59",
        "TELEGRAM_API_URL": f"{base}/telegram", "TELEGRAM_WEBHOOK_URL": "https://shop.example/webhooks/telegram/webhook",
        "TWILIO_API_URL": f"{base}/twilio", "FACEBOOK_API_URL": f"{base}/facebook", "SLACK_API_URL": f"{base}/slack/",
    })
    running = Stack(settings, trained_model())
    try:
        for name in ("redis", "actions", "knowledge", "handoff", "rasa"):
            running.start(name, timeout=240)
        yield running
    finally:
        running.stop_all()


@pytest.fixture(scope="session")
def knowledge_encoder(tmp_path_factory: pytest.TempPathFactory) -> object:
    """The knowledge service's encoder as it runs (ONNX Runtime), exported once per session."""
    from knowledge.index.dense import Encoder  # the 3.11 environment only

    return Encoder(threads=1, exports_dir=tmp_path_factory.mktemp("knowledge-encoder"))


def forget_verification_failures(stack: Stack) -> None:
    """Deletes order verification's failure counts and locks (bot/actions/order_flows/lockout.py)
    in the stack's Redis: they outlive conversations on purpose, so one test's locks would meet
    the next test that looks up the same demo order."""
    client = redis.Redis.from_url(stack.redis_url)
    try:
        for key in client.scan_iter(f"{VERIFICATION_KEY_PREFIX}:*"):
            client.delete(key)
    finally:
        client.close()
