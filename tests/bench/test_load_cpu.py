"""bench/load/cpu.py on real processes: a busy one shows about a core, a sleeping one none."""

from __future__ import annotations

import subprocess
import sys
import time

from bench.load.cpu import BENCH, CpuUse

BUSY = "import time\nend = time.time() + 4\nwhile time.time() < end: pass"


def test_a_busy_process_keeps_a_core_busy_and_a_sleeping_one_none() -> None:
    busy = subprocess.Popen([sys.executable, "-c", BUSY])
    # The sleeper's child is busy: a process is counted with its descendants.
    parent = subprocess.Popen([sys.executable, "-c",
                               f"import subprocess, sys, time\nsubprocess.Popen([sys.executable, '-c', {BUSY!r}])\n"
                               "time.sleep(30)"])
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        time.sleep(0.5)  # started, imports done
        with CpuUse({"busy": busy.pid, "parent": parent.pid, "sleeper": sleeper.pid}) as cpu:
            time.sleep(1.5)
        # Loose bars: the suite runs beside other work on 2 cores, so a busy loop may get well
        # under a core; a sleeping process gets next to nothing however busy the machine is.
        assert cpu.cores["busy"] > 0.1, cpu.cores
        assert cpu.cores["parent"] > 0.1, cpu.cores
        assert cpu.cores["sleeper"] < 0.03, cpu.cores
        assert BENCH in cpu.cores
    finally:
        for process in (busy, parent, sleeper):
            process.kill()
            process.wait()
