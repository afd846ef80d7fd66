"""The Rasa process: `python -m bot.serve run ...` is `rasa run ...` with bot/rasa_patches.py
installed first (stack/Procfile's `rasa` line, which ./baton run, the test fixtures and the load
test start). The patches are installed here, before Rasa reads its arguments, rather than by
whatever module Rasa happens to import; Rasa offers no hook of its own for it short of a
packaged plugin."""

from __future__ import annotations

import sys

from rasa.__main__ import main as rasa_main

from bot import rasa_patches


def main() -> None:
    rasa_patches.install()
    # The one line that says Rasa is not running as shipped (the lock poll changes behaviour).
    print(f"baton: Rasa {rasa_patches.RASA_VERSION} patched (bot/rasa_patches.py): action results and events "
          f"checked by cached validators, the conversation lock polled every "
          f"{rasa_patches.LOCK_POLL_SECONDS * 1000:.0f} ms", file=sys.stderr, flush=True)
    sys.argv[0] = "rasa"  # Rasa's usage and error messages name the command as the user knows it
    rasa_main()


if __name__ == "__main__":
    main()
