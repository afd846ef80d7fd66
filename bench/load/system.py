"""The system under load: started here, process by process from stack/Procfile on free loopback
ports with a private Redis (the test fixtures' machinery, tests/conftest.py), or one already
running (`./baton run`), found by the ports its settings name."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

from bench.load.memory import pid_listening_on
from bench.load.runner import Target
from defaults import DEMO_PASSWORD
from stack import haproxy, health
from stack.replicas import Topology
from stack.settings import StackSettings

PROCESSES = ("redis", "actions", "knowledge", "handoff", "rasa")


@contextmanager
def own_stack(*, agent_capacity: int = 10, keep: bool = False, timeout: float = 300) -> Iterator[Target]:
    """Redis, actions, knowledge, handoff and Rasa in a throw-away var dir; stopped afterwards."""
    from tests.conftest import Stack, make_settings, trained_model

    var_dir = Path(tempfile.mkdtemp(prefix="baton-load-"))
    settings = make_settings(var_dir)
    # The demo agents are created at the store's first start with this many conversations each.
    settings.extra_env["HANDOFF_AGENT_CAPACITY"] = str(agent_capacity)
    # trained_model() also names the sentence model's ONNX export for Rasa, as ./baton run does.
    stack = Stack(settings, trained_model())
    try:
        for name in PROCESSES:
            stack.start(name, timeout=timeout)
        yield Target(rasa_url=stack.url("rasa"), handoff_url=stack.url("handoff"),
                     pids={name: proc.pid for name, proc in stack.procs.items()}, rasa_headers=stack.rasa_headers)
    finally:
        stack.stop_all()
        if keep:
            print(f"logs and data kept in {var_dir}")
        else:
            shutil.rmtree(var_dir, ignore_errors=True)


@contextmanager
def replicated_stack(replicas: int, *, agent_capacity: int = 10, keep: bool = False,
                     timeout: float = 1500) -> Iterator[Target]:
    """Every process but Redis `replicas` times behind HAProxy, with the commands `./baton run
    --replicas N` gives supervisord (stack/replicas.py), each process in its own session as
    own_stack starts them (so the figures compare with its); the load goes through HAProxy and
    memory is sampled per replica, HAProxy included."""
    from tests.conftest import ReplicatedStack, replicated_settings, trained_model

    var_dir = Path(tempfile.mkdtemp(prefix="baton-load-"))
    settings = replicated_settings(var_dir, replicas)
    settings.extra_env["HANDOFF_AGENT_CAPACITY"] = str(agent_capacity)
    stack = ReplicatedStack(settings, trained_model())
    try:
        stack.start_replicated(timeout=timeout)
        topology = Topology.of(settings)
        yield Target(rasa_url=stack.url("rasa"), handoff_url=stack.url("handoff"),
                     pids={name: proc.pid for name, proc in stack.procs.items()}, rasa_headers=stack.rasa_headers,
                     rasa_in_service=lambda count: haproxy.set_in_service(settings, topology, "rasa", count))
    finally:
        stack.stop_all()
        if keep:
            print(f"logs and data kept in {var_dir}")
        else:
            shutil.rmtree(var_dir, ignore_errors=True)


def running_stack(rasa_url: str = "", handoff_url: str = "", password: str = DEMO_PASSWORD) -> Target:
    """A stack started elsewhere; its processes' pids (for memory) are found by their ports."""
    settings = StackSettings.from_env()
    rasa_url = (rasa_url or settings.url(settings.rasa_port)).rstrip("/")
    handoff_url = (handoff_url or settings.url(settings.handoff_port)).rstrip("/")
    ports = {
        "redis": urlparse(settings.effective_redis_url).port or 6379,
        "actions": settings.actions_port,
        "knowledge": settings.knowledge_port,
        "handoff": urlparse(handoff_url).port or settings.handoff_port,
        "rasa": urlparse(rasa_url).port or settings.rasa_port,
    }
    pids = {}
    for name, port in ports.items():
        pid = pid_listening_on(port)
        if pid is None:
            print(f"note: no process of ours listens on port {port} ({name}); its memory is not measured")
        else:
            pids[name] = pid
    return Target(rasa_url=rasa_url, handoff_url=handoff_url, pids=pids, password=password,
                  rasa_headers=lambda: health.rasa_headers(settings))
