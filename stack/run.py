"""Start every process under supervisord, wait until each is healthy, print where to go.

A process that dies is started again by supervisord while the others keep serving (one that
keeps failing to start is given up on and named here). Ctrl-C (or SIGTERM) stops them all.
With --replicas N (or BATON_REPLICAS) every process but Redis runs N times behind HAProxy, which
takes the usual ports (stack/replicas.py, stack/haproxy.py).
Usage: python -m stack.run MODEL_PATH [--replicas N]
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import signal
import sys
import time
from pathlib import Path

from defaults import MAX_REPLICAS
from stack import haproxy, health, preflight
from stack.private_files import make_private
from stack.procfile import processes
from stack.replicas import Topology
from stack.settings import StackSettings
from stack.supervisor import Supervisor

WATCH_SECONDS = 2.0


def fail(message: str) -> None:
    print(f"baton: {message}", file=sys.stderr, flush=True)


def ready_banner(settings: StackSettings) -> str:
    handoff = settings.url(settings.handoff_port)
    replicas = Topology.of(settings)
    balanced = ([f"  {replicas.replicas} replicas of each process behind HAProxy (the addresses below); "
                 f"their own ports from {settings.replica_port_base}, config {settings.var_dir / 'haproxy.cfg'}"]
                if replicas.balanced else [])
    return "\n".join(
        [
            "",
            "Baton is ready.",
            *balanced,
            f"  Rasa (REST, socket.io, HTTP API) {settings.url(settings.rasa_port)}",
            f"    REST: POST {settings.url(settings.rasa_port)}/webhooks/rest/webhook "
            "with a JWT signed with var/rasa_token as Authorization: Bearer (docs/channels.md)",
            f"  Knowledge service                {settings.url(settings.knowledge_port)}/docs",
            f"  Help centre                      {settings.url(settings.knowledge_port)}/help",
            f"  Handoff service                  {handoff}/health",
            # --- web: the demo shop with the chat widget, the agent console, the messaging apps ---
            f"  Demo shop with the chat widget   {handoff}/demo",
            f"  Agent console                    {handoff}/console   (maya / sam / admin, password "
            f"{settings.demo_password})",
            f"  Messaging apps                   {', '.join(settings.messaging_apps()) or 'none configured'}"
            " (docs/channels.md)",
            f"  Redis                            {settings.redis_address}"
            + (f" (password in {settings.var_dir / 'redis_password'})" if settings.private_redis else ""),
            f"  Rasa API token                   {settings.var_dir / 'rasa_token'}",
            f"  Logs                             {settings.var_dir / 'logs'}/NAME.log",
            "Press Ctrl-C to stop everything.",
            "",
        ]
    )


def main(model: Path, replicas: int | None = None) -> int:
    settings = StackSettings.from_env()
    if replicas is not None:
        settings = dataclasses.replace(settings, replicas=replicas)
    topology = Topology.of(settings)
    wanted = [name for name in processes() if name != "redis" or settings.private_redis]
    try:
        preflight.check(settings, wanted, topology)
    except preflight.PreflightError as error:
        fail(str(error))
        return 1
    make_private(settings.var_dir)
    names = topology.programs(wanted)
    commands = topology.commands(str(haproxy.write_config(settings, topology))) if topology.balanced else None
    # On top of this process's environment: PATH, and what ./baton exported (the sentence models).
    supervisor = Supervisor(settings.var_dir, names, {**os.environ, **settings.process_env(model)},
                            commands=commands, svc_venv=settings.svc_venv)
    stopping: list[int] = []

    def on_signal(signum: int, _frame: object) -> None:
        # Only noted: the flow below sees it and stops everything in order.
        stopping.append(signum)

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    supervisor.start()
    try:
        return watch(settings, supervisor, names, stopping, topology)
    finally:
        supervisor.stop()


def watch(settings: StackSettings, supervisor: Supervisor, names: list[str], stopping: list[int],
          topology: Topology | None = None) -> int:
    if not supervisor.wait_for_socket():
        fail(f"supervisord did not start: see {supervisor.layout.log('supervisord')}")
        return 1
    deadline = time.monotonic() + settings.ready_timeout
    for name, check in health.checks(settings, topology).items():
        if name not in names and name != "redis":  # a Redis of the user's own is waited for too
            continue

        def alive(name: str = name) -> bool:
            return not stopping and supervisor.running() and supervisor.states().get(name) != "FATAL"

        if not health.wait_until(check, deadline, alive):
            if stopping:
                break
            if not supervisor.running():
                fail(f"supervisord stopped: see {supervisor.layout.log('supervisord')}")
                return 1
            reason = "keeps failing to start" if supervisor.states().get(name) == "FATAL" else (
                f"did not become healthy within {settings.ready_timeout:.0f}s")
            print(supervisor.log_tail(name), file=sys.stderr)
            fail(f"{name} {reason}: see {supervisor.layout.log(name)} (BATON_READY_TIMEOUT raises the wait)")
            return 1
    else:
        print(ready_banner(settings), flush=True)
    given_up: set[str] = set()
    degraded: list[str] = []
    while not stopping and supervisor.running():
        for name, state in supervisor.states().items():
            if state == "FATAL" and name not in given_up:
                given_up.add(name)
                fail(f"{name} keeps failing to start and was given up on; the others keep serving. "
                     f"See {supervisor.layout.log(name)}, fix it, then restart ./baton run")
        now = health.failing(settings, names, topology)
        if now != degraded and not stopping:
            fail(f"degraded: {', '.join(now)} not answering (restarted by supervisord); the others keep serving"
                 if now else "whole again: every process answers")
            degraded = now
        time.sleep(WATCH_SECONDS)
    if stopping:
        return 130 if stopping[0] == signal.SIGINT else 143
    fail(f"supervisord stopped: see {supervisor.layout.log('supervisord')}")
    return 1


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="./baton run", description="Start every process of the stack.")
    parser.add_argument("model", type=Path, help="the trained Rasa model")
    parser.add_argument("--replicas", type=int, default=None,
                        help="run every process this many times behind HAProxy (default: BATON_REPLICAS, or 1)")
    args = parser.parse_args(argv)
    if args.replicas is not None and not 1 <= args.replicas <= MAX_REPLICAS:
        parser.error(f"--replicas must be between 1 and {MAX_REPLICAS}")
    return args


if __name__ == "__main__":
    arguments = parse(sys.argv[1:])
    sys.exit(main(arguments.model, arguments.replicas))
