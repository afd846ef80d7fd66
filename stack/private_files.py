"""Files under var/ readable by this user only: the stores, Redis's append-only file, secrets,
logs and generated configuration (issue 19, low: they were 644)."""

from __future__ import annotations

import os
import stat
from pathlib import Path


def write_private(path: Path, text: str) -> None:
    """Write `text` to `path`, readable by this user only from the first byte (a file made
    readable and chmod-ed after could be read in between; an older one is made private too)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(handle, "w") as out:
        os.fchmod(out.fileno(), 0o600)
        out.write(text)


def make_private(root: Path) -> None:
    """What an older Baton left readable by others under `root` becomes this user's only; what
    the processes create now is private already (they run with umask 077)."""
    for path in [root, *root.rglob("*")]:
        try:
            mode = path.lstat().st_mode
            if not stat.S_ISLNK(mode) and mode & 0o077:
                path.chmod(stat.S_IMODE(mode) & 0o700)
        except OSError:
            continue
