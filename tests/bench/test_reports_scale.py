"""The reports benchmark on a few thousand events: the generator's events are the kinds the store
takes, and the CLI seeds a scratch PostgreSQL database, times every report, prints its table and
drops the database. Needs the PostgreSQL server of the store tests (skipped without it, but in CI)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from bench.reports_scale import COLUMNS, generate
from handoff.insight.reports import SQL_REPORTS
from handoff.store.reporting import KINDS
from tests.handoff.databases import ADMIN_URL

ROOT = Path(__file__).resolve().parents[2]


def test_the_generated_events_are_the_store_s_kinds() -> None:
    made = list(generate(5_000, 1_000, 90, 0.0))
    rows = [row for events, _ in made for row in events]
    assert len(rows) >= 5_000 and len({row[0] for row in rows}) == len(rows)  # unique keys
    kinds = {row[COLUMNS.index("kind")] for row in rows}
    assert kinds <= KINDS and {"conversation_started", "handover_asked", "csat", "unstaffed"} <= kinds
    assert all(0 <= row[COLUMNS.index("at")] < 97 * 86_400 for row in rows)


def test_the_cli_times_every_report(tmp_path: Path) -> None:
    try:
        psycopg.connect(ADMIN_URL, connect_timeout=3).close()
    except psycopg.OperationalError:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            raise
        pytest.skip(f"PostgreSQL not reachable at {ADMIN_URL}")
    out = tmp_path / "figures.json"
    result = subprocess.run(
        [sys.executable, "-m", "bench.reports_scale", "--events", "3000", "--conversations", "400",
         "--repeats", "2", "--url", ADMIN_URL, "--json", str(out)],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "| summary | admin, all days |" in result.stdout and "worst p95" in result.stdout
    assert "rebuilds of the rollup and rows" in result.stdout  # COPY bypassed the writers: recounted
    figures = json.loads(out.read_text())
    reports = {row["report"] for row in figures["results"]}
    # Every report the API serves is timed (a new one joins SQL_REPORTS, and so the bench).
    assert reports == {"summary", *SQL_REPORTS, "dissatisfied", "gaps (model warm)"}
    assert {"containment", "handovers", "times", "csat", "answers", "flows", "service_levels"} <= reports
    with psycopg.connect(ADMIN_URL) as admin:  # the scratch database is gone
        assert admin.execute("SELECT count(*) FROM pg_database WHERE datname LIKE 'baton_bench_%%' "
                             "AND datname != 'baton_bench_reports'").fetchone() == (0,)
