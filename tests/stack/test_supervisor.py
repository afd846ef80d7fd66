"""The stack under supervisord (stack/supervisor.py, as ./baton run starts it), all five
processes on free ports: while knowledge is down the bot says so and the handoff service says
it is degraded; a process killed with SIGKILL is started again while the others keep serving;
Redis keeps what it acknowledged, and while it is down Rasa refuses messages rather than
acknowledging and losing them; stopping the supervisor stops everything."""

from __future__ import annotations

import os
import signal
import stat
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import redis

from bench.faults import supervised_stack
from stack import health
from stack.procfile import processes
from stack.settings import StackSettings
from stack.supervisor import Layout, Supervisor, config_text, program_command, write_config
from tests.waiting import alive


def wait_for(condition, timeout: float = 60) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_the_config_runs_every_procfile_line_through_sh_and_restarts_it(tmp_path: Path) -> None:
    layout = Layout(tmp_path)
    text = config_text(layout, processes(), ["redis", "knowledge"])
    assert "[program:redis]" in text and "[program:knowledge]" in text and "[program:rasa]" not in text
    assert text.count("autorestart=true") == 2 and text.count("umask=077") == 2
    # Controlled over a unix socket only: no inet_http_server, the socket 0600.
    assert "inet_http_server" not in text and f"file={layout.socket}\nchmod=0600" in text
    assert program_command('echo "100%" && exec x') == "/bin/sh -c 'echo \"100%%\" && exec x'"

    config = write_config(layout, ["redis"])
    assert stat.S_IMODE(config.stat().st_mode) == 0o600
    assert stat.S_IMODE(layout.control_dir.stat().st_mode) == 0o700


@pytest.fixture(scope="module")
def supervised() -> Iterator[tuple[StackSettings, Supervisor]]:
    with supervised_stack(timeout=300) as running:
        yield running


def say(settings: StackSettings, sender: str, text: str) -> httpx.Response:
    return httpx.post(f"{settings.url(settings.rasa_port)}/webhooks/rest/webhook", timeout=60,
                      headers=health.rasa_headers(settings), json={"sender": sender, "message": text})


def user_texts(settings: StackSettings, sender: str) -> list[str]:
    tracker = httpx.get(f"{settings.url(settings.rasa_port)}/conversations/{sender}/tracker",
                        headers=health.rasa_headers(settings), timeout=30).json()
    return [event["text"] for event in tracker["events"] if event["event"] == "user"]


def handoff_health(settings: StackSettings) -> tuple[int, dict]:
    response = httpx.get(f"{settings.url(settings.handoff_port)}/health", timeout=10)
    return response.status_code, response.json()


def test_while_knowledge_is_down_the_bot_says_so_and_it_comes_back(
        supervised: tuple[StackSettings, Supervisor]) -> None:
    settings, supervisor = supervised
    client = redis.Redis.from_url(settings.effective_redis_url, socket_timeout=5)
    old = supervisor.pid("knowledge")
    # Held down long enough to look (after a crash supervisord would start it again at once).
    supervisor.rpc().stopProcess("knowledge")
    assert not alive(old)
    sender = f"kb-down-{uuid.uuid4().hex[:8]}"
    replies = say(settings, sender, "how long does delivery take to Canada?").json()
    assert "can't reach our help centre" in " ".join(str(r.get("text")) for r in replies), replies
    assert client.set("while-knowledge-was-down", "kept")
    status, body = handoff_health(settings)
    assert status == 200 and body["status"] == "degraded" and body["degraded"] == ["knowledge"], body
    assert body["dependencies"]["knowledge"].startswith("down")
    supervisor.rpc().startProcess("knowledge")
    assert wait_for(lambda: health.failing(settings, ["knowledge"]) == [], 180), supervisor.log_tail("knowledge")
    assert wait_for(lambda: handoff_health(settings)[1]["status"] == "ok", 30)


def test_a_killed_process_is_started_again_while_the_others_serve(
        supervised: tuple[StackSettings, Supervisor]) -> None:
    settings, supervisor = supervised
    old = supervisor.pid("actions")
    os.kill(old, signal.SIGKILL)
    assert wait_for(lambda: not alive(old), 10)
    assert health.failing(settings, ["redis", "knowledge", "handoff", "rasa"]) == []
    assert wait_for(lambda: supervisor.pid("actions") not in (0, old), 30), supervisor.states()
    assert wait_for(lambda: health.failing(settings, ["actions"]) == [], 120), supervisor.log_tail("actions")

    # Redis killed right after a write it acknowledged: started again with the write.
    client = redis.Redis.from_url(settings.effective_redis_url, socket_timeout=5)
    old_redis = supervisor.pid("redis")
    client.set("acknowledged", "yes")
    os.kill(old_redis, signal.SIGKILL)
    assert wait_for(lambda: supervisor.pid("redis") not in (0, old_redis), 30), supervisor.states()

    def redis_answers() -> bool:
        try:
            return client.get("acknowledged") == b"yes"
        except redis.RedisError:
            return False

    assert wait_for(redis_answers, 30)


def test_while_redis_is_down_a_message_is_refused_not_acknowledged_and_lost(
        supervised: tuple[StackSettings, Supervisor]) -> None:
    """Rasa would keep the tracker in memory and answer 200 (bot/rasa_patches.py)."""
    settings, supervisor = supervised
    sender = f"redis-down-{uuid.uuid4().hex[:8]}"
    assert say(settings, sender, "hello").status_code == 200
    supervisor.rpc().stopProcess("redis")
    try:
        assert say(settings, sender, "where is my order LK-100231?").status_code == 503
        status, body = handoff_health(settings)
        assert status == 503 and body["dependencies"]["redis"].startswith("down")
    finally:
        supervisor.rpc().startProcess("redis")
    assert wait_for(lambda: health.failing(settings, ["redis"]) == [], 30)
    assert wait_for(lambda: say(settings, sender, "where is my order LK-100231?").status_code == 200, 30)
    assert user_texts(settings, sender) == ["hello", "where is my order LK-100231?"]


def test_stopping_the_supervisor_stops_every_process(supervised: tuple[StackSettings, Supervisor]) -> None:
    """Last in this module."""
    _, supervisor = supervised
    pids = [supervisor.pid(name) for name in supervisor.names]
    assert all(pid > 0 for pid in pids)
    assert supervisor.stop() == 0
    assert wait_for(lambda: not any(alive(pid) for pid in pids), 10)
