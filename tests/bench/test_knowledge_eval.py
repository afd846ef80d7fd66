"""Smoke runs of the knowledge benchmarks on a few questions: they run and print their tables.
The figures themselves are in docs/benchmarks.md, from full runs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run(module: str, *args: str, cache: Path) -> str:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "KNOWLEDGE_CACHE_DIR": str(cache)}
    done = subprocess.run([sys.executable, "-m", module, *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_eval_prints_quality_and_latency(tmp_path: Path) -> None:
    out = run("bench.knowledge_eval", "--limit", "6", "--articles", "30", cache=tmp_path)
    assert "| hybrid |" in out and "| bm25 |" in out and "| dense |" in out
    assert "no match: precision" in out
    assert f"latency, {len(list((ROOT / 'knowledge' / 'articles').glob('*.md')))} articles" in out
    assert "latency, 30 articles" in out


def test_tune_dry_run_chooses_a_fusion_without_writing(tmp_path: Path) -> None:
    config = ROOT / "knowledge" / "retrieval.json"
    before = config.read_bytes()
    out = run("bench.knowledge_tune", "--dry-run", "--limit", "12", cache=tmp_path)
    assert "chosen fusion" in out and "thresholds:" in out
    assert config.read_bytes() == before
