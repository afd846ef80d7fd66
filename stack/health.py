"""How to tell that each process of the stack is up and ready to serve."""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from collections.abc import Callable

import jwt
import redis

from contract.rasa_jwt import admin_claims
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
        except (urllib.error.URLError, OSError):
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


def checks(settings: StackSettings) -> dict[str, Callable[[], bool]]:
    """One readiness check per process, in the order they become ready."""
    return {
        "redis": _redis_ok(settings.effective_redis_url),
        "actions": _http_ok(f"{settings.url(settings.actions_port)}/health"),
        "knowledge": _http_ok(f"{settings.url(settings.knowledge_port)}/health"),
        "handoff": _http_ok(f"{settings.url(settings.handoff_port)}/health"),
        # /status answers only once the model is loaded, and only with the token.
        "rasa": _http_ok(f"{settings.url(settings.rasa_port)}/status", lambda: rasa_headers(settings)),
    }


def failing(settings: StackSettings, names: list[str]) -> list[str]:
    """The processes among `names` that do not answer their check now: what the stack is
    degraded by while supervisord starts them again."""
    return [name for name, check in checks(settings).items() if name in names and not check()]


def wait_until(check: Callable[[], bool], deadline: float, alive: Callable[[], bool] = lambda: True) -> bool:
    """Poll `check` until it passes, the deadline passes, or `alive` says the process died."""
    while time.monotonic() < deadline:
        if check():
            return True
        if not alive():
            return False
        time.sleep(0.5)
    return check()
