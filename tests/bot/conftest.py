"""The bot's tests run the sentence model as Rasa does: on ONNX Runtime, from its export."""

from __future__ import annotations

import os

import pytest

from tests.conftest import sentence_onnx


@pytest.fixture(scope="session")
def sentence_export() -> str:
    """BATON_SENTENCE_ONNX, set as ./baton sets it (made here if a test run by hand has none)."""
    os.environ.setdefault("BATON_SENTENCE_ONNX", sentence_onnx())
    return os.environ["BATON_SENTENCE_ONNX"]
