"""CPU used by the stack's processes during a level, from /proc (as bench/load/memory.py reads
memory): each process's and its live descendants' user + system time at the level's start and
end, over the level's wall time, gives the cores it kept busy on average. The benchmark's own
process is counted too: on a small machine the customers it plays compete with the stack."""

from __future__ import annotations

import os
import time

from bench.load.memory import PROC, children_map, tree

TICKS = os.sysconf("SC_CLK_TCK")
BENCH = "bench (the customers)"


def _cpu_seconds(pid: int) -> float:
    try:
        stat = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return 0.0
    # pid (comm) state ppid ...: utime and stime are the 14th and 15th fields.
    fields = stat[stat.rindex(")") + 2:].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def tree_cpu_seconds(pid: int, children: dict[int, list[int]]) -> float:
    return sum(_cpu_seconds(current) for current in tree(pid, children))


class CpuUse:
    """Cores each process kept busy on average between enter and exit."""

    def __init__(self, pids: dict[str, int]) -> None:
        self.pids = pids
        self.cores: dict[str, float] = {}
        self._start: dict[str, float] = {}
        self._wall = 0.0

    def _read(self) -> dict[str, float]:
        children = children_map()
        used = {name: tree_cpu_seconds(pid, children) for name, pid in self.pids.items()}
        used[BENCH] = sum(os.times()[:2])
        return used

    def __enter__(self) -> CpuUse:
        self._start = self._read()
        self._wall = time.monotonic()
        return self

    def __exit__(self, *_exc: object) -> None:
        wall = max(time.monotonic() - self._wall, 1e-9)
        end = self._read()
        self.cores = {name: max(0.0, end[name] - self._start.get(name, 0.0)) / wall for name in end}
