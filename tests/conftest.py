"""Fixtures that start the real thing (shared by both environments: tests/bot runs on
Python 3.10 beside Rasa, everything else on 3.11): a private redis-server, and the stack's processes
(actions, knowledge, handoff, Rasa) from stack/Procfile, on free ports, for the session."""

from __future__ import annotations

import contextlib
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
from stack import haproxy, health
from stack.procfile import processes
from stack.replicas import Topology
from stack.settings import ROOT, StackSettings


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def free_port_block(size: int, tries: int = 50) -> int:
    """The first of `size` consecutive free loopback ports (the replicas' ports, stack/replicas.py)."""
    import random

    from stack.preflight import port_free

    for _ in range(tries):
        # Below the ephemeral range (32768 up): polling a port there before its process listens
        # can connect the socket to itself, and the "server" echoes the request.
        base = random.randrange(20000, 32000 - size)
        if all(port_free("127.0.0.1", base + offset) for offset in range(size)):
            return base
    raise RuntimeError(f"no {size} consecutive free ports found")


# --- ./baton test runs the services' half as two processes at once, split by this marker ---
WHOLE_SYSTEM_MARK = "whole_system"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", f"{WHOLE_SYSTEM_MARK}: a module that starts the whole system (the session "
                                       "`stack`, or a stack of its own that says so with this mark)")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Marks every test of a module in which any test uses the session `stack`: `-m whole_system`
    selects those modules, whole (their module fixtures then built once), with the modules that
    mark themselves, and `-m "not whole_system"` the rest, which never starts the session stack."""
    with_stack = {item.path for item in items if "stack" in getattr(item, "fixturenames", ())}
    for item in items:
        if item.path in with_stack:
            item.add_marker(WHOLE_SYSTEM_MARK)


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

    topology: Topology | None = None  # ReplicatedStack's

    def start(self, name: str, timeout: float = 120) -> None:
        self.start_all([name], timeout)

    def start_all(self, names: list[str], timeout: float = 120) -> None:
        """Start `names` at once, each in its own session, then wait until each is healthy."""
        for name in names:
            with open(self.logs / f"{name}.log", "ab") as log:
                self.procs[name] = subprocess.Popen(
                    self.commands[name], shell=True, cwd=ROOT, env=self.env,
                    stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                )
        deadline = time.monotonic() + timeout
        checks = health.checks(self.settings, self.topology)
        for name in names:
            proc = self.procs[name]
            if not health.wait_until(checks[name], deadline, lambda proc=proc: proc.poll() is None):
                tail = self.tail(name)
                for started in names:  # a fixture that fails here never reaches its teardown
                    self.stop(started, signal.SIGKILL)
                raise RuntimeError(f"{name} did not become healthy:\n{tail}")

    def tail(self, name: str, chars: int = 3000) -> str:
        """The end of a process's log, for a failure's message."""
        path = self.logs / f"{name}.log"
        return f"--- {name}.log\n" + (path.read_text(errors="replace")[-chars:] if path.exists() else "(none)")

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

    @property
    def database_url(self) -> str:
        """The handoff service's store, as its settings read it (handoff/settings.py)."""
        return self.env.get("HANDOFF_DATABASE_URL") or f"sqlite:///{self.settings.var_dir / 'handoff.db'}"


class ReplicatedStack(Stack):
    """Every process but Redis `settings.replicas` times behind HAProxy, with the commands
    `./baton run --replicas N` gives supervisord (stack/replicas.py), each process started in its
    own session as Stack starts them: under supervisord the whole stack is one session, which
    Linux's autogroup scheduling gives the CPU of one process on a shared machine."""

    def __init__(self, settings: StackSettings, model: Path) -> None:
        super().__init__(settings, model)
        self.topology = Topology.of(settings)
        self.commands = self.topology.commands(str(haproxy.write_config(settings, self.topology)))

    def start_replicated(self, timeout: float = 600) -> None:
        assert self.topology is not None
        self.start("redis")
        self.start_all([name for name in self.topology.programs(list(processes())) if name != "redis"], timeout)

    def url_of(self, program: str) -> str:
        assert self.topology is not None
        return self.settings.url(self.topology.ports[program])


def replicated_settings(var_dir: Path, replicas: int) -> StackSettings:
    import dataclasses

    from defaults import MAX_REPLICAS
    from stack.replicas import REPLICATED

    return dataclasses.replace(make_settings(var_dir), replicas=replicas,
                               replica_port_base=free_port_block(len(REPLICATED) * MAX_REPLICAS))


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
    try:
        running.start("knowledge", timeout=240)  # embeds every passage at start: slow on a busy machine
        yield running
    finally:
        running.stop_all()


# --- the messaging apps of the session stack, their APIs faked on loopback ---
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
def stack(tmp_path_factory: pytest.TempPathFactory, fake_providers: object,
          session_smtp: SmtpServer) -> Iterator[Stack]:
    """The whole system on private ports: Redis, actions, knowledge, handoff and Rasa, for every
    e2e test of the session (one start: a stack costs about a minute on 2 cores). Telegram,
    Twilio, Facebook and Slack are configured against the fake providers; the handoff store is
    a fresh PostgreSQL database, as a shop runs it (SQLite where no server answers outside CI);
    agents' emails go to `session_smtp`."""
    from tests.handoff.databases import scratch_database  # the services' environment only

    base = fake_providers.url  # type: ignore[attr-defined]
    settings = make_settings(tmp_path_factory.mktemp("stack"))
    settings.extra_env.update({
        **WEB_CHANNEL_SECRETS,
        "TELEGRAM_API_URL": f"{base}/telegram", "TELEGRAM_WEBHOOK_URL": "https://shop.example/webhooks/telegram/webhook",
        "TWILIO_API_URL": f"{base}/twilio", "FACEBOOK_API_URL": f"{base}/facebook", "SLACK_API_URL": f"{base}/slack/",
        # A queued customer who writes again hears their place in line; soon enough for a test to see.
        "HANDOFF_WAITING_REMINDER_SECONDS": str(WAITING_REMINDER_SECONDS),
        **session_smtp.environment(),
    })
    with scratch_database() as database_url:
        if database_url is not None:
            settings.extra_env["HANDOFF_DATABASE_URL"] = database_url
        running = Stack(settings, trained_model())
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


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]


@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    """Debian's Chromium, headless, driven by Playwright (the services' environment only). Module
    scope: while a sync Playwright runs, no other may start in this thread, and other modules
    start their own."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


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


# --- a real SMTP server on loopback (aiosmtpd), for the handoff service's emails ---
SMTP_USERNAME = "baton-mailer"


class SmtpServer:
    """aiosmtpd in its own thread on a free loopback port; it asks for AUTH (plain, since it is
    loopback) with `username` and `password`, and keeps each delivered message as bytes."""

    def __init__(self) -> None:
        self.host, self.port = "127.0.0.1", free_port()
        self.username, self.password = SMTP_USERNAME, secrets.token_urlsafe(16)
        self.messages: list[tuple[str, list[str], bytes]] = []  # (mail from, rcpt tos, content)
        self.logins: list[str] = []
        # Set: the next message is refused with a temporary failure (451), as a busy server does.
        self.refuse_next = False

    def environment(self) -> dict[str, str]:
        """The handoff service's settings that send through this server."""
        return {"HANDOFF_SMTP_HOST": self.host, "HANDOFF_SMTP_PORT": str(self.port), "HANDOFF_SMTP_SECURITY": "none",
                "HANDOFF_SMTP_USERNAME": self.username, "HANDOFF_SMTP_PASSWORD": self.password}

    def wait_for(self, count: int, timeout: float = 10.0) -> list[tuple[str, list[str], bytes]]:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return list(self.messages)


@contextlib.contextmanager
def running_smtp() -> Iterator[SmtpServer]:
    from aiosmtpd.controller import Controller  # the 3.11 environment only
    from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword

    server = SmtpServer()

    class Keep:
        async def handle_DATA(self, smtp: object, session: object, envelope: Envelope) -> str:
            if server.refuse_next:
                server.refuse_next = False
                return "451 4.3.0 Mail server temporarily unavailable"
            content = bytes(envelope.original_content or b"")
            server.messages.append((str(envelope.mail_from), list(envelope.rcpt_tos), content))
            return "250 Message accepted for delivery"

    def authenticate(smtp: object, session: object, envelope: object, mechanism: str, data: object) -> AuthResult:
        ok = (isinstance(data, LoginPassword) and data.login.decode() == server.username
              and secrets.compare_digest(data.password.decode(), server.password))
        if ok:
            server.logins.append(server.username)
        return AuthResult(success=ok, handled=False)

    controller = Controller(Keep(), hostname=server.host, port=server.port, authenticator=authenticate,
                            auth_required=True, auth_require_tls=False)
    controller.start()
    try:
        yield server
    finally:
        controller.stop()


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    with running_smtp() as server:
        yield server


@pytest.fixture(scope="session")
def session_smtp() -> Iterator[SmtpServer]:
    """The session stack's mail server: its messages are every test's, so read them by recipient."""
    with running_smtp() as server:
        yield server
