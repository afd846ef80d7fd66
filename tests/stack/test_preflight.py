"""The checks before anything starts: a port in use is named with the variable that moves it."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from stack import preflight
from stack.settings import StackSettings


def test_a_taken_port_names_the_variable_that_moves_it(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        settings = StackSettings.from_env({"BATON_VAR": str(tmp_path), "KNOWLEDGE_PORT": str(port)})
        with pytest.raises(preflight.PreflightError, match=f"port {port} for knowledge is already taken"
                                                              ".*set KNOWLEDGE_PORT to a free port"):
            preflight.check(settings, ["knowledge"])
    preflight.check(settings, ["knowledge"])  # free again
