"""Several replicas of every process on one machine (./baton run --replicas N, BATON_REPLICAS):
the supervisord programs, their ports and their readiness checks.

With one replica nothing changes: stack/Procfile's lines as they are. With N, each of actions,
knowledge, handoff and Rasa runs as NAME-1 .. NAME-N, the same Procfile line with its port variable
set to the replica's own loopback port, and HAProxy (stack/haproxy.py, one more supervised
program) takes the stack's ports as the one entry point. Every URL the processes are given
(BATON_RASA_URL, BATON_ACTIONS_URL, ...) is HAProxy's, so a call between processes is balanced
too and never depends on a replica that died. Redis stays one: it is the shared state.
"""

from __future__ import annotations

import shlex
import socket
from collections.abc import Mapping
from dataclasses import dataclass

import defaults
from stack.procfile import processes
from stack.settings import StackSettings

# The processes run as replicas, each with the variable its Procfile line takes its port from.
REPLICATED = {"actions": "ACTIONS_PORT", "knowledge": "KNOWLEDGE_PORT", "handoff": "HANDOFF_PORT",
              "rasa": "RASA_PORT"}
HAPROXY = "haproxy"


def replica_name(process: str, index: int) -> str:
    return f"{process}-{index}"


def process_of(program: str) -> str:
    """`rasa-2` -> `rasa`; a program that is no replica is its own process."""
    base, _, number = program.rpartition("-")
    return base if base in REPLICATED and number.isdigit() else program


@dataclass(frozen=True)
class Topology:
    """What runs: the supervisord programs and, for each replica, its port."""

    replicas: int
    ports: Mapping[str, int]  # program (rasa-1, ...) -> its own port; empty with one replica

    @classmethod
    def of(cls, settings: StackSettings) -> Topology:
        if settings.replicas <= 1:
            return cls(1, {})
        ports = {replica_name(process, index + 1): settings.replica_port_base + block * defaults.MAX_REPLICAS + index
                 for block, process in enumerate(REPLICATED) for index in range(settings.replicas)}
        return cls(settings.replicas, ports)

    @property
    def balanced(self) -> bool:
        return self.replicas > 1

    def of_process(self, process: str) -> dict[str, int]:
        """The replicas of one process: program -> port."""
        return {name: port for name, port in self.ports.items() if process_of(name) == process}

    def programs(self, wanted: list[str]) -> list[str]:
        """The supervisord programs for the Procfile processes `wanted`, HAProxy included."""
        if not self.balanced:
            return list(wanted)
        names = [name for process in wanted for name in (self.of_process(process) or {process: 0})]
        return [*names, HAPROXY]

    def commands(self, haproxy_config: str = "") -> dict[str, str]:
        """Each program's command line: a Procfile line, with the replica's port and, for the
        handoff service, its own consumer name in the stream's group (a name two replicas shared
        would make each read the other's pending entries as its own)."""
        lines = processes()
        if not self.balanced:
            return lines
        commands = {name: line for name, line in lines.items() if name not in REPLICATED}
        host = socket.gethostname()
        for name, port in self.ports.items():
            process = process_of(name)
            env = {REPLICATED[process]: str(port)}
            if process == "handoff":
                env["HANDOFF_CONSUMER_NAME"] = f"{host}-{name}"
            exports = " ".join(f"{key}={shlex.quote(value)}" for key, value in env.items())
            commands[name] = f"export {exports}; {lines[process]}"
        # -db: stay in the foreground (supervisord supervises it); -W: a master that reloads workers.
        commands[HAPROXY] = f"exec haproxy -W -db -f {shlex.quote(haproxy_config)}"
        return commands
