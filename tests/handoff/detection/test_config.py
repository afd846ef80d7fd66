"""Loading handoff/detection.json: the shipped file, and clear errors for broken ones."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from handoff.detection import DetectionConfig, DetectionConfigError, Detector
from handoff.detection.config import DEFAULT_CONFIG_PATH, SIGNAL_NAMES


def shipped() -> dict:
    return json.loads(DEFAULT_CONFIG_PATH.read_text())


def test_shipped_config_is_fitted_and_complete():
    config = DetectionConfig.load()
    assert set(config.weights) == set(SIGNAL_NAMES)
    assert 0 < config.threshold < 1
    assert "method" in config.fitted and "date" in config.fitted


def test_missing_file(tmp_path: Path):
    with pytest.raises(DetectionConfigError, match=r"not found: .*nowhere\.json"):
        DetectionConfig.load(tmp_path / "nowhere.json")
    with pytest.raises(DetectionConfigError, match="not found"):
        Detector.from_config(tmp_path / "nowhere.json")


def test_invalid_json_names_the_place(tmp_path: Path):
    path = tmp_path / "detection.json"
    path.write_text('{"weights": {,}')
    with pytest.raises(DetectionConfigError, match=r"not valid JSON: .* line 1 column"):
        DetectionConfig.load(path)


def test_not_an_object(tmp_path: Path):
    path = tmp_path / "detection.json"
    path.write_text("[1, 2]")
    with pytest.raises(DetectionConfigError, match="must be a JSON object"):
        DetectionConfig.load(path)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda c: c["weights"].pop("shouting"), r"weights.*missing \['shouting'\]"),
        (lambda c: c["weights"].update(moon_phase=1.0), r"unknown \['moon_phase'\]"),
        (lambda c: c["weights"].update(insult=-1.0), r"negative: \['insult'\]"),
        (lambda c: c.update(threshold=1.5), r"threshold"),
        (lambda c: c.pop("bias"), r"bias: Field required"),
        (lambda c: c.update(colour="blue"), r"colour: Extra inputs are not permitted"),
        (lambda c: c.setdefault("signals", {}).update(rephrase_low=0.9, rephrase_high=0.8), r"rephrase_high must be"),
    ],
)
def test_invalid_content_says_what_is_wrong(tmp_path: Path, change, message):
    data = shipped()
    change(data)
    path = tmp_path / "detection.json"
    path.write_text(json.dumps(data))
    with pytest.raises(DetectionConfigError, match=message):
        DetectionConfig.load(path)


def test_round_trip(tmp_path: Path):
    config = DetectionConfig.load()
    config.dump(tmp_path / "copy.json")
    assert DetectionConfig.load(tmp_path / "copy.json") == config
