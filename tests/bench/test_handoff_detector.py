"""The benchmark and the data it reads: a few examples end to end, and the CLI with --limit."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.handoff_detector import run
from handoff.detection import Detector
from handoff.detection.evaluation import load_conversations, load_messages, split_of

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def detector() -> Detector:
    return Detector.from_config()


def test_eval_data_is_large_enough_and_split_by_id():
    messages, conversations = load_messages(), load_conversations()
    assert len(messages) >= 400 and len(conversations) >= 120
    assert len({m.id for m in messages}) == len(messages)
    assert {split_of(m.id) for m in messages} == {"dev", "test"}
    for conversation in conversations:
        assert conversation.handover == (conversation.handover_at is not None)
        if conversation.handover_at is not None:
            assert conversation.turns[conversation.handover_at].role == "customer"


def test_run_on_a_few_examples(detector):
    report = run(detector, load_messages()[:8], load_conversations()[:6], errors=True)
    assert "| messages | all | 8 |" in report
    assert "| conversations | all | 6 |" in report
    assert "assess() latency over" in report


def test_cli_with_limit():
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "bench.handoff_detector", "--limit", "4"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert "4 messages, 4 conversations" in done.stdout
    assert "| conversations | all | 4 |" in done.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "bench.handoff_detector", "--limit", "0"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )
    assert bad.returncode == 2 and "--limit must be at least 1" in bad.stderr
