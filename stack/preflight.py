"""Checks made before anything starts, each failing with one line that names the fix."""

from __future__ import annotations

import shutil
import socket

from stack.replicas import HAPROXY, Topology
from stack.settings import StackSettings


class PreflightError(Exception):
    pass


PORT_VARIABLES = {
    "redis": ("redis_port", "BATON_REDIS_PORT"),
    "rasa": ("rasa_port", "RASA_PORT"),
    "actions": ("actions_port", "ACTIONS_PORT"),
    "knowledge": ("knowledge_port", "KNOWLEDGE_PORT"),
    "handoff": ("handoff_port", "HANDOFF_PORT"),
}


def port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def check(settings: StackSettings, processes: list[str], topology: Topology | None = None) -> None:
    if topology is not None and topology.balanced and shutil.which("haproxy") is None:
        raise PreflightError(
            f"haproxy not found: --replicas {topology.replicas} runs every process behind it; install it "
            "(apt-get install haproxy) or run without --replicas (BATON_REPLICAS=1)"
        )
    if "redis" in processes and shutil.which("redis-server") is None:
        raise PreflightError(
            "redis-server not found: install it (apt-get install redis-server) "
            "or set REDIS_URL to a Redis you run"
        )
    for name in processes:
        if name not in PORT_VARIABLES:
            continue
        attribute, variable = PORT_VARIABLES[name]
        port = getattr(settings, attribute)
        if not port_free(settings.host, port):
            raise PreflightError(
                f"port {port} for {name} is already taken: stop what listens there "
                f"(ss -ltnp 'sport = :{port}') or set {variable} to a free port"
            )
    if topology is None:
        return
    for name, port in topology.ports.items():
        if name.rpartition("-")[0] in processes and not port_free(settings.host, port):
            raise PreflightError(
                f"port {port} for {name} (a replica behind {HAPROXY}) is already taken: stop what listens "
                f"there (ss -ltnp 'sport = :{port}') or set BATON_REPLICA_PORT_BASE to the start of a free range"
            )
