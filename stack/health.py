"""How to tell that each process of the stack is up and ready to serve."""

from __future__ import annotations

import http.client
import time
import urllib.error
import urllib.request
from collections.abc import Callable

import jwt
import redis

from contract.rasa_jwt import admin_claims
from stack.replicas import HAPROXY, REPLICATED, Topology
from stack.settings import StackSettings


def rasa_headers(settings: StackSettings, ttl_seconds: int = 300) -> dict[str, str]:
    """Authorization for Rasa's HTTP API: a JWT signed with the stack's secret, which Rasa checks
    with --jwt-secret (bot/serve.py). `role: admin` lets it read any conversation."""
    token = jwt.encode(admin_claims("baton-stack", ttl_seconds), settings.token(), algorithm="HS256")
    return {"Authorization": f"Bearer {token}"}


def _http_ok(url: str, headers: Callable[[], dict[str, str]] = dict) -> Callable[[], bool]:
    def check() -> bool:
        try:
            with urllib.request.urlopen(urllib.request.Request(url, headers=headers()), timeout=2) as response:
                return response.status == 200
        except (urllib.error.URLError, OSError, http.client.HTTPException):
            return False

    return check


def _redis_ok(url: str) -> Callable[[], bool]:
    def check() -> bool:
        try:
            client = redis.Redis.from_url(url, socket_timeout=2)
            try:
                return bool(client.ping())
            finally:
                client.close()
        except redis.RedisError:
            return False

    return check


def _process_checks(settings: StackSettings, process: str, port: int) -> Callable[[], bool]:
    base = settings.url(port)
    if process == "rasa":
        # /status answers only once the model is loaded, and only with the token.
        return _http_ok(f"{base}/status", lambda: rasa_headers(settings))
    return _http_ok(f"{base}/health")


def checks(settings: StackSettings, topology: Topology | None = None) -> dict[str, Callable[[], bool]]:
    """One readiness check per process (per replica with --replicas), in the order they become
    ready; with replicas, `haproxy` last: every process answers through the entry point."""
    front = {process: _process_checks(settings, process, getattr(settings, f"{process}_port"))
             for process in REPLICATED}
    found = {"redis": _redis_ok(settings.effective_redis_url)}
    if topology is None or not topology.balanced:
        return {**found, **front}
    for process in REPLICATED:
        for name, port in topology.of_process(process).items():
            found[name] = _process_checks(settings, process, port)
    found[HAPROXY] = lambda: all(check() for check in front.values())
    return found


def failing(settings: StackSettings, names: list[str], topology: Topology | None = None) -> list[str]:
    """The processes among `names` that do not answer their check now: what the stack is
    degraded by while supervisord starts them again."""
    return [name for name, check in checks(settings, topology).items() if name in names and not check()]


def wait_until(check: Callable[[], bool], deadline: float, alive: Callable[[], bool] = lambda: True) -> bool:
    """Poll `check` until it passes, the deadline passes, or `alive` says the process died."""
    while time.monotonic() < deadline:
        if check():
            return True
        if not alive():
            return False
        time.sleep(0.5)
    return check()
