"""Peak memory of the stack's processes from /proc (psutil is not in the locked environment):
the RSS of each process plus all its descendants, sampled in a background thread.

Processes are given by pid (the ones this benchmark started) or found by the TCP port they
listen on (a `./baton run` started elsewhere), through /proc/net/tcp and each process's fds.
"""

from __future__ import annotations

import contextlib
import os
import threading
from pathlib import Path

PROC = Path("/proc")
PAGE = os.sysconf("SC_PAGE_SIZE")


def children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid ...: comm may hold spaces and parentheses, so split after the last ')'.
        ppid = int(stat[stat.rindex(")") + 2:].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    return children


def _rss(pid: int) -> int:
    try:
        return int((PROC / str(pid) / "statm").read_text().split()[1]) * PAGE
    except (OSError, IndexError, ValueError):
        return 0


def tree(pid: int, children: dict[int, list[int]]) -> list[int]:
    """`pid` and every descendant of it (each once, whatever `children` holds)."""
    found, todo, seen = [], [pid], set()
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def tree_rss(pid: int, children: dict[int, list[int]] | None = None) -> int:
    """RSS in bytes of `pid` and every descendant."""
    children = children_map() if children is None else children
    return sum(_rss(current) for current in tree(pid, children))


def _listening_inodes(port: int) -> set[str]:
    inodes = set()
    for table in ("tcp", "tcp6"):
        with contextlib.suppress(OSError):
            for line in (PROC / "net" / table).read_text().splitlines()[1:]:
                fields = line.split()
                local, state, inode = fields[1], fields[3], fields[9]
                if state == "0A" and int(local.rsplit(":", 1)[1], 16) == port:  # 0A: LISTEN
                    inodes.add(inode)
    return inodes


def pid_listening_on(port: int) -> int | None:
    """The oldest process with a listening socket on `port` (a forking server's parent), if we may see it."""
    inodes = _listening_inodes(port)
    if not inodes:
        return None
    found = []
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            for fd in (entry / "fd").iterdir():
                target = os.readlink(fd)
                if target.startswith("socket:[") and target[8:-1] in inodes:
                    found.append(int(entry.name))
                    break
    return min(found) if found else None


class PeakMemory:
    """Samples every `interval` seconds until stopped; keeps each process's peak and the peak of the sum."""

    def __init__(self, pids: dict[str, int], interval: float = 0.5) -> None:
        self.pids = pids
        self.interval = interval
        self.peaks: dict[str, int] = dict.fromkeys(pids, 0)
        self.total_peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="peak-memory", daemon=True)

    def sample(self) -> None:
        children = children_map()
        total = 0
        for name, pid in self.pids.items():
            rss = tree_rss(pid, children)
            self.peaks[name] = max(self.peaks[name], rss)
            total += rss
        self.total_peak = max(self.total_peak, total)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)

    def __enter__(self) -> PeakMemory:
        self.sample()
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()
