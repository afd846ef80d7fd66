"""Runs the order flows' Rasa test stories (tests/bot/stories/) against the trained model, so
`./baton test` fails when a rule or story change breaks a path."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from stack.settings import ROOT
from tests.conftest import trained_model

STORIES = ROOT / "tests" / "bot" / "stories"


def test_order_test_stories_pass(tmp_path: Path) -> None:
    rasa = Path(sys.executable).with_name("rasa")
    result = subprocess.run(
        [str(rasa), "test", "core", "--model", str(trained_model()), "--stories", str(STORIES),
         "--out", str(tmp_path), "--fail-on-prediction-errors", "--no-plot"],
        cwd=ROOT, capture_output=True, text=True, timeout=900,
    )
    failed = tmp_path / "failed_test_stories.yml"
    details = failed.read_text() if failed.exists() else ""
    assert result.returncode == 0, f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}\n{details}"
