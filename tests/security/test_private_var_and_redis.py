"""Issue 19, low: the files the stack writes under var/ (handoff.db, orders.db, Redis's
append-only file, logs, generated configuration) were 644, and the private Redis had no password.

Against `./baton run`'s launcher itself (stack/run.py, supervisord) on free ports in a fresh var
dir, with a customer's order check so that every store is written: every file under var/ is
readable by its owner only; Redis refuses commands without the password and accepts them with it;
the password is in no process's command line, no log and not in what ./baton run prints. Last,
SIGTERM (what Ctrl-C does) stops every process."""

from __future__ import annotations

import os
import signal
import socket
import stat
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import redis

from stack import health
from stack.settings import ROOT, StackSettings
from stack.supervisor import Supervisor
from tests.conftest import free_port, trained_model
from tests.waiting import alive

READY = "Baton is ready."


@dataclass
class Launched:
    settings: StackSettings
    proc: subprocess.Popen[bytes]
    output: Path
    supervisor: Supervisor  # for its control socket only: the launcher started it


@pytest.fixture(scope="module")
def launched(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Launched]:
    var_dir = tmp_path_factory.mktemp("baton-run")
    model = trained_model()
    env = {**os.environ, "BATON_VAR": str(var_dir), "BATON_REDIS_PORT": str(free_port()),
           "RASA_PORT": str(free_port()), "ACTIONS_PORT": str(free_port()), "KNOWLEDGE_PORT": str(free_port()),
           "HANDOFF_PORT": str(free_port()), "BATON_READY_TIMEOUT": "300", "PYTHONPATH": str(ROOT)}
    env.pop("REDIS_URL", None)
    settings = StackSettings.from_env(env)
    output = var_dir.parent / f"{var_dir.name}-output.txt"
    with output.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "stack.run", str(model)], cwd=ROOT, env=env,
                                stdout=out, stderr=subprocess.STDOUT)
    running = Launched(settings, proc, output, Supervisor(var_dir, [], {}))
    try:
        deadline = time.monotonic() + 330
        while READY not in output.read_text(errors="replace"):
            assert proc.poll() is None and time.monotonic() < deadline, output.read_text(errors="replace")[-3000:]
            time.sleep(1)
        yield running
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=120)


def command_lines() -> list[str]:
    lines = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                lines.append((entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace"))
            except OSError:  # exited meanwhile
                continue
    return lines


def test_every_file_under_var_is_private(launched: Launched) -> None:
    settings = launched.settings
    rasa = settings.url(settings.rasa_port)
    sender = f"modes-{uuid.uuid4().hex[:8]}"
    # An order check: the action server opens the demo order store; Rasa writes its tracker to Redis.
    for text in ("where is my order LK-100231?", "maya.chen@example.com"):
        response = httpx.post(f"{rasa}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=60,
                              headers=health.rasa_headers(settings))
        assert response.status_code == 200
    files = {path.relative_to(settings.var_dir).as_posix(): path for path in settings.var_dir.rglob("*")}
    for expected in ("handoff.db", "orders.db", "redis/appendonlydir", "logs/handoff.log", "redis_password"):
        assert expected in files, sorted(files)
    assert any(name.endswith(".incr.aof") for name in files), sorted(files)
    readable = {name: oct(stat.S_IMODE(path.lstat().st_mode)) for name, path in files.items()
                if not path.is_symlink() and path.lstat().st_mode & 0o077}
    assert readable == {}


def test_redis_refuses_commands_without_the_password(launched: Launched) -> None:
    settings = launched.settings
    # As any local program would, without a client library: refused.
    with socket.create_connection((settings.host, settings.redis_port), timeout=5) as raw:
        raw.sendall(b"PING\r\nKEYS *\r\n")
        time.sleep(0.3)
        answer = raw.recv(4096)
    assert answer.startswith(b"-NOAUTH") and b"PONG" not in answer, answer
    anonymous = redis.Redis(host=settings.host, port=settings.redis_port, socket_timeout=5)
    with pytest.raises(redis.AuthenticationError):
        anonymous.ping()
    with pytest.raises(redis.AuthenticationError):
        redis.Redis(host=settings.host, port=settings.redis_port, password="wrong", socket_timeout=5).ping()
    assert redis.Redis.from_url(settings.effective_redis_url, socket_timeout=5).ping()


def test_the_redis_password_is_in_no_command_line_and_no_log(launched: Launched) -> None:
    settings, supervisor = launched.settings, launched.supervisor
    password = settings.redis_password()
    assert len(password) >= 24
    assert supervisor.pid("redis") > 0
    redis_lines = [line for line in command_lines() if "redis-server" in line]
    assert redis_lines and not any(password in line for line in command_lines())
    logs = [path for path in settings.var_dir.rglob("*.log")]
    assert logs and not [path for path in logs if password in path.read_text(errors="replace")]
    assert password not in supervisor.layout.config.read_text()
    printed = launched.output.read_text(errors="replace")
    assert READY in printed and password not in printed


def test_sigterm_stops_every_process(launched: Launched) -> None:
    """Last in this module: ./baton run's Ctrl-C or SIGTERM stops everything."""
    states = launched.supervisor.states()
    assert set(states) == {"redis", "actions", "knowledge", "handoff", "rasa"}, states
    pids = [launched.supervisor.pid(name) for name in states]
    assert all(pid > 0 and alive(pid) for pid in pids)
    launched.proc.send_signal(signal.SIGTERM)
    assert launched.proc.wait(timeout=120) == 143  # what stack/run.py returns on SIGTERM
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not [pid for pid in pids if alive(pid)]
