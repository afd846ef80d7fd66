"""The stack's Rasa process runs with bot/rasa_patches.py installed: stack/Procfile starts it
through bot/serve.py, which installs the patches and says so before Rasa starts."""

from __future__ import annotations

from tests.conftest import Stack


def test_the_stacks_rasa_runs_patched(stack: Stack) -> None:
    log = (stack.logs / "rasa.log").read_text(errors="replace")
    assert "baton: Rasa 3.6.21 patched (bot/rasa_patches.py)" in log
    assert "conversation lock polled every 20 ms" in log
