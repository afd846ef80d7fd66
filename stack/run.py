"""Start every process under honcho, wait until each is healthy, print where to go.

Ctrl-C (or SIGTERM) stops them all. Any failure stops everything and prints one line.
Usage: python -m stack.run MODEL_PATH
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from stack import health, preflight
from stack.procfile import PROCFILE, processes
from stack.settings import ROOT, StackSettings


def fail(message: str) -> None:
    print(f"baton: {message}", file=sys.stderr, flush=True)


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def ready_banner(settings: StackSettings) -> str:
    handoff = settings.url(settings.handoff_port)
    return "\n".join(
        [
            "",
            "Baton is ready.",
            f"  Rasa (REST, socket.io, HTTP API) {settings.url(settings.rasa_port)}",
            f"    REST: POST {settings.url(settings.rasa_port)}/webhooks/rest/webhook "
            "with a JWT signed with var/rasa_token as Authorization: Bearer (docs/channels.md)",
            f"  Knowledge service                {settings.url(settings.knowledge_port)}/docs",
            f"  Handoff service                  {handoff}/health",
            # --- web: the demo shop with the chat widget, the agent console, the messaging apps ---
            f"  Demo shop with the chat widget   {handoff}/demo",
            f"  Agent console                    {handoff}/console   (maya / sam / admin, password "
            f"{settings.demo_password})",
            f"  Messaging apps                   {', '.join(settings.messaging_apps()) or 'none configured'}"
            " (docs/channels.md)",
            f"  Redis                            {settings.effective_redis_url}",
            f"  Rasa API token                   {settings.var_dir / 'rasa_token'}",
            "Press Ctrl-C to stop everything.",
            "",
        ]
    )


def main(model: Path) -> int:
    settings = StackSettings.from_env()
    names = [name for name in processes() if name != "redis" or settings.private_redis]
    try:
        preflight.check(settings, names)
    except preflight.PreflightError as error:
        fail(str(error))
        return 1
    # On top of this process's environment: PATH, and what ./baton exported (the sentence models).
    env = {**os.environ, **settings.process_env(model)}
    honcho = settings.svc_venv / "bin" / "honcho"
    proc = subprocess.Popen(
        [str(honcho), "start", "-f", str(PROCFILE), "-d", str(ROOT), *names],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )

    stopping: list[int] = []

    def on_signal(signum: int, _frame: object) -> None:
        # Only forward: the main flow below notices honcho has gone and returns.
        stopping.append(signum)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)

    deadline = time.monotonic() + settings.ready_timeout
    alive = lambda: proc.poll() is None  # noqa: E731
    for name, check in health.checks(settings).items():
        if name not in names and name != "redis":
            continue
        if not health.wait_until(check, deadline, alive):
            if stopping:
                break
            reason = "exited" if not alive() else f"did not become healthy within {settings.ready_timeout:.0f}s"
            stop(proc)
            fail(f"{name} {reason}: see its lines in the output above (BATON_READY_TIMEOUT raises the wait)")
            return 1
    else:
        print(ready_banner(settings), flush=True)
    code = proc.wait()
    if stopping:
        return 130 if stopping[0] == signal.SIGINT else 143
    fail(f"a process stopped (honcho exit {code}); everything was shut down")
    return 1


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
