"""One real detector (real VADER, real all-MiniLM-L6-v2) for the whole session: loading it takes seconds."""

from __future__ import annotations

import pytest

from handoff.detection import Detector, Turn


@pytest.fixture(scope="session")
def detector() -> Detector:
    return Detector.from_config()


def customer(text: str, intent: str | None = None, confidence: float | None = None) -> Turn:
    return Turn(role="customer", text=text, timestamp=0.0, intent=intent, confidence=confidence)


def bot(text: str, action: str | None = None) -> Turn:
    return Turn(role="bot", text=text, timestamp=0.0, action=action)
