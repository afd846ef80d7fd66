"""The Rasa process: `python -m bot.serve run ...` is `rasa run ...` with bot/rasa_patches.py
installed first (stack/Procfile's `rasa` line, which ./baton run, the test fixtures and the load
test start). The patches are installed here, before Rasa reads its arguments, rather than by
whatever module Rasa happens to import; Rasa offers no hook of its own for it short of a
packaged plugin.

The HTTP API's secret (RASA_TOKEN, or the file named by RASA_TOKEN_FILE) is read from the
environment and handed to Rasa as `--jwt-secret` here, in-process: a command-line flag would
show it to anyone who can list processes (/proc/<pid>/cmdline), and Rasa's `--auth-token` would
make every caller put it in URLs, where access and client logs record it. Callers sign a short
JWT with it instead and send it as `Authorization: Bearer` (handoff/clients/rasa.py).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

from rasa.__main__ import main as rasa_main

from bot import message_ids, message_limits, message_rate, payload_guard, rasa_patches, socketio_close

# Prefixes of the flags (argparse accepts abbreviations, and -tSECRET) that would carry the
# secret on the command line; refused so nobody reintroduces them.
SECRET_FLAGS = ("--auth", "--jwt-s", "--jwt-p", "-t")


def api_secret(env: Mapping[str, str] = os.environ) -> str:
    """The HTTP API's secret: RASA_TOKEN_FILE's content, else RASA_TOKEN; empty when neither."""
    if env.get("RASA_TOKEN_FILE"):
        return Path(env["RASA_TOKEN_FILE"]).read_text().strip()
    return env.get("RASA_TOKEN", "").strip()


def with_secret(argv: list[str], secret: str) -> list[str]:
    """`argv` with the JWT flags appended for `rasa run`; other commands are left alone."""
    if len(argv) < 2 or argv[1] != "run":
        return argv
    given = [arg for arg in argv[2:] if arg.startswith(SECRET_FLAGS)]
    if given:
        raise SystemExit(f"baton: {given[0].split('=', 1)[0]} would show the secret in the process "
                         "list; set RASA_TOKEN or RASA_TOKEN_FILE instead")
    if not secret:
        if "--enable-api" in argv:
            # Rasa would serve its HTTP API, trackers and all, to anyone.
            raise SystemExit("baton: --enable-api without RASA_TOKEN or RASA_TOKEN_FILE; refusing an open API")
        return argv
    # One argument, "--jwt-secret=...": a secret that starts with "-" (token_urlsafe makes one in
    # 64) would otherwise be read by argparse as a flag, and Rasa would not start.
    return [*argv, f"--jwt-secret={secret}", "--jwt-method", "HS256"]


def main() -> None:
    rasa_patches.install()
    payload_guard.install()  # customers type words; only offered buttons are payloads
    message_ids.install()  # a message resent under its id is handled once (bot/message_ids.py)
    message_limits.install()  # every channel: message size and shape (bot/message_limits.py)
    message_rate.install()  # every channel: messages per sender per minute (bot/message_rate.py)
    socketio_close.install()  # a closed widget WebSocket logs no traceback (bot/socketio_close.py)
    # The one line that says Rasa is not running as shipped (the lock poll changes behaviour).
    print(f"baton: Rasa {rasa_patches.RASA_VERSION} patched (bot/rasa_patches.py): action results and events "
          f"checked by cached validators, the conversation lock polled every "
          f"{rasa_patches.LOCK_POLL_SECONDS * 1000:.0f} ms", file=sys.stderr, flush=True)
    sys.argv = with_secret(sys.argv, api_secret())
    sys.argv[0] = "rasa"  # Rasa's usage and error messages name the command as the user knows it
    rasa_main()


if __name__ == "__main__":
    main()
