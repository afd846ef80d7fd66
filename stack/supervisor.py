"""The stack's processes under supervisord: a process that dies is started again (with backoff
when it keeps failing) while the others keep serving. stack/Procfile stays the one list of
processes; the supervisor's configuration is generated from it at each start, into var/.

- The configuration holds no secret (the processes get theirs from supervisord's environment)
  and is written 0600 all the same.
- supervisord is controlled over a unix socket in a 0700 directory, the socket itself 0600:
  nothing listens on a port.
- `umask=077`: every file the processes create under var/ (the stores, Redis's append-only
  file, logs) is readable by this user only.
- Each process logs to var/logs/NAME.log, rotated at LOG_BYTES with LOG_BACKUPS old files.

Used by ./baton run (stack/run.py), the fault benchmark (bench/faults.py) and its tests.
"""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import time
import xmlrpc.client
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from stack.private_files import write_private
from stack.procfile import processes
from stack.replicas import process_of
from stack.settings import ROOT

# A process that exits within START_SECONDS of starting counts as a failed start; supervisord
# then waits 1 s, 2 s, 3 s, ... before each new try, and gives up (FATAL) after START_RETRIES.
# One that ran longer and died is started again at once.
START_SECONDS = 3
START_RETRIES = 10
STOP_WAIT_SECONDS = 20
LOG_BYTES = 10 * 1024 * 1024
LOG_BACKUPS = 3
# Started in this order (lower first); a process started before what it needs fails its start
# and is tried again, so the order only saves retries.
# Replicas (rasa-2) start with their process; HAProxy first, its checks mark replicas up as they come.
PRIORITY = {"redis": 10, "haproxy": 15, "knowledge": 20, "actions": 30, "handoff": 40, "rasa": 50}


def program_command(line: str) -> str:
    """A Procfile line as supervisord's `command`: run by sh, as honcho and the fixtures run it
    (the lines use $VARIABLES and `exec`, so the pid supervisord sees is the process itself).
    `%` is doubled: supervisord's configuration expands `%(name)s`."""
    return f"/bin/sh -c {shlex.quote(line)}".replace("%", "%%")


@dataclass(frozen=True)
class Layout:
    """Where a supervised stack keeps its configuration, socket and logs, under its var dir."""

    var_dir: Path

    @property
    def control_dir(self) -> Path:
        return self.var_dir / "supervisor"

    @property
    def config(self) -> Path:
        return self.control_dir / "supervisord.conf"

    @property
    def socket(self) -> Path:
        return self.control_dir / "supervisor.sock"

    @property
    def logs(self) -> Path:
        return self.var_dir / "logs"

    def log(self, name: str) -> Path:
        return self.logs / f"{name}.log"


def config_text(layout: Layout, commands: Mapping[str, str], names: Iterable[str]) -> str:
    sections = [
        "[unix_http_server]",
        f"file={layout.socket}",
        "chmod=0600",
        "",
        "[supervisord]",
        "nodaemon=true",
        f"logfile={layout.log('supervisord')}",
        f"logfile_maxbytes={LOG_BYTES}",
        f"logfile_backups={LOG_BACKUPS}",
        f"pidfile={layout.control_dir / 'supervisord.pid'}",
        f"directory={ROOT}",
        "",
        "[rpcinterface:supervisor]",
        "supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface",
        "",
        "[supervisorctl]",
        f"serverurl=unix://{layout.socket}",
    ]
    for name in names:
        sections += [
            "",
            f"[program:{name}]",
            f"command={program_command(commands[name])}",
            f"directory={ROOT}",
            f"priority={PRIORITY.get(process_of(name), 100)}",
            # supervisord sets its own umask only when it daemonizes; each program gets it here.
            "umask=077",
            "autostart=true",
            "autorestart=true",
            f"startsecs={START_SECONDS}",
            f"startretries={START_RETRIES}",
            "stopsignal=TERM",
            f"stopwaitsecs={STOP_WAIT_SECONDS}",
            # Whatever a process started (a shell's child, a worker) stops and dies with it.
            "stopasgroup=true",
            "killasgroup=true",
            "redirect_stderr=true",
            f"stdout_logfile={layout.log(name)}",
            f"stdout_logfile_maxbytes={LOG_BYTES}",
            f"stdout_logfile_backups={LOG_BACKUPS}",
        ]
    return "\n".join(sections) + "\n"


def write_config(layout: Layout, names: Iterable[str], commands: Mapping[str, str] | None = None) -> Path:
    """The configuration for `names` (Procfile processes), written 0600 into a 0700 directory."""
    layout.control_dir.mkdir(parents=True, exist_ok=True)
    layout.control_dir.chmod(0o700)
    layout.logs.mkdir(parents=True, exist_ok=True)
    layout.logs.chmod(0o700)
    write_private(layout.config, config_text(layout, commands or processes(), names))
    return layout.config


class Supervisor:
    """supervisord running `names` from the Procfile with the environment `env`."""

    def __init__(
        self,
        var_dir: Path,
        names: list[str],
        env: Mapping[str, str],
        commands: Mapping[str, str] | None = None,
        svc_venv: Path = ROOT / ".venvs" / "svc",
        output: int | None = None,
    ) -> None:
        self.layout = Layout(var_dir)
        self.output = output  # where supervisord's own lines go (spawned, exited, ...): None, the terminal
        self.names = names
        self.env = dict(env)
        self.commands = commands
        self.executable = svc_venv / "bin" / "supervisord"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        config = write_config(self.layout, self.names, self.commands)
        self.layout.socket.unlink(missing_ok=True)  # left by a supervisord that was killed
        # Its own session: a Ctrl-C in the terminal reaches the launcher, which stops it in order.
        self.proc = subprocess.Popen(
            [str(self.executable), "-c", str(config)],
            cwd=ROOT,
            env=self.env,
            start_new_session=True,
            umask=0o077,
            stdout=self.output,
            stderr=self.output,
        )

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def signal(self, signum: int) -> None:
        if self.running():
            assert self.proc is not None
            os.kill(self.proc.pid, signum)

    def stop(self) -> int | None:
        """Stop every process, then supervisord; the exit code (None if it was never started)."""
        if self.proc is None:
            return None
        self.signal(signal.SIGTERM)
        try:
            # supervisord stops them one after another, each given STOP_WAIT_SECONDS.
            return self.proc.wait(timeout=STOP_WAIT_SECONDS * len(self.names) + 10)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            return self.proc.wait()

    def rpc(self) -> Any:
        """supervisord's XML-RPC interface over its unix socket."""
        from supervisor.xmlrpc import SupervisorTransport  # the svc environment only

        transport = SupervisorTransport(None, None, f"unix://{self.layout.socket}")
        return xmlrpc.client.ServerProxy("http://127.0.0.1", transport=transport).supervisor

    def info(self, name: str) -> dict[str, Any]:
        """supervisord's view of one process: statename (RUNNING, BACKOFF, FATAL, ...), pid, ..."""
        return self.rpc().getProcessInfo(name)

    def states(self) -> dict[str, str]:
        """Each process's state; empty while supervisord does not answer yet."""
        try:
            return {entry["name"]: entry["statename"] for entry in self.rpc().getAllProcessInfo()}
        except (OSError, xmlrpc.client.Error):
            return {}

    def pid(self, name: str) -> int:
        """The pid of a running process; 0 when it is not running."""
        return int(self.info(name)["pid"])

    def wait_for_socket(self, timeout: float = 30) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.running():
            if self.states():
                return True
            time.sleep(0.2)
        return False

    def log_tail(self, name: str, characters: int = 3000) -> str:
        try:
            return self.layout.log(name).read_text(errors="replace")[-characters:]
        except OSError:
            return ""
