"""Deciding to hand a conversation over to a person.

`Detector.assess(history)` looks at a conversation that ends with the newest customer turn and
answers whether to hand over and why: the customer asked for a person (`explicit_request`), the
NLU fell back twice in a row (`nlu_fallback_repeated`), or the frustration score crossed the
threshold (`frustration`). How each frustration signal is computed is documented in
`handoff/detection/signals.py` and `handoff/detection/conversation_signals.py`; the weights and
threshold live in `handoff/detection.json`, fitted by `python -m bench.handoff_detector_fit`.
"""

from handoff.detection.config import DetectionConfig, DetectionConfigError
from handoff.detection.detector import Detector
from handoff.detection.turns import Assessment, Turn

__all__ = ["Assessment", "DetectionConfig", "DetectionConfigError", "Detector", "Turn"]
