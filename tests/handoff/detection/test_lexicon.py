"""The detector's word lists as read from handoff/detection/data/."""

from __future__ import annotations

from pathlib import Path

import pytest

from handoff.detection.lexicon import load_valences


def test_valences_are_read_and_a_malformed_line_is_named(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text("# a comment\nObsessed 2.5\n\nfab 1\n", encoding="utf-8")
    assert load_valences(good) == {"obsessed": 2.5, "fab": 1.0}
    for body in ("obsessed\n", "obsessed lots\n", "obsessed 9\n", "two words 1.0\n"):
        bad = tmp_path / "bad.txt"
        bad.write_text(body, encoding="utf-8")
        with pytest.raises(ValueError, match=r"bad\.txt:1"):
            load_valences(bad)
