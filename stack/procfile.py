"""The processes of the stack, read from stack/Procfile (the one list of them)."""

from __future__ import annotations

from pathlib import Path

from honcho.environ import parse_procfile

PROCFILE = Path(__file__).with_name("Procfile")


def processes() -> dict[str, str]:
    return dict(parse_procfile(PROCFILE.read_text()).processes)
