"""The processes of the stack, read from stack/Procfile: the one list of them, which
supervisord runs for ./baton run and the test fixtures start one by one."""

from __future__ import annotations

import re
from pathlib import Path

PROCFILE = Path(__file__).with_name("Procfile")
_LINE = re.compile(r"^([A-Za-z0-9_-]+):\s*(.+)$")


def processes(path: Path = PROCFILE) -> dict[str, str]:
    found = {}
    for line in path.read_text().splitlines():
        match = _LINE.match(line)
        if match:
            found[match.group(1)] = match.group(2)
    return found
