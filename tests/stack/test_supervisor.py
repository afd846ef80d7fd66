"""The stack under supervisord (stack/supervisor.py, as ./baton run starts it): a process killed
with SIGKILL is started again while the others keep serving, Redis keeps what it acknowledged,
and stopping the supervisor stops everything."""

from __future__ import annotations

import os
import signal
import stat
import time
from pathlib import Path

import httpx
import redis

from bench.faults import supervised_stack
from stack.procfile import processes
from stack.supervisor import Layout, config_text, program_command, write_config


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


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


def test_a_killed_process_is_started_again_while_the_others_serve() -> None:
    with supervised_stack(("redis", "knowledge"), timeout=180) as (settings, supervisor):
        client = redis.Redis.from_url(settings.effective_redis_url, socket_timeout=5)
        knowledge = f"{settings.url(settings.knowledge_port)}/health"
        old = supervisor.pid("knowledge")
        os.kill(old, signal.SIGKILL)
        assert wait_for(lambda: not alive(old), 10)
        # Redis serves while knowledge is down.
        assert client.set("while-knowledge-was-down", "kept") and supervisor.pid("redis") > 0
        assert wait_for(lambda: supervisor.pid("knowledge") not in (0, old), 30), supervisor.states()

        def knowledge_answers() -> bool:
            try:
                return httpx.get(knowledge, timeout=2).status_code == 200
            except httpx.HTTPError:
                return False

        assert wait_for(knowledge_answers, 120), supervisor.log_tail("knowledge")

        # Redis killed right after a write it acknowledged: started again with the write.
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
        assert client.get("while-knowledge-was-down") == b"kept"
        assert knowledge_answers()
        pids = [supervisor.pid("redis"), supervisor.pid("knowledge")]
        assert supervisor.stop() == 0
        assert not any(alive(pid) for pid in pids)
