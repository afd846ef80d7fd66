"""CLINC150 and BANKING77 read from their published files, and written as Rasa NLU data.

CLINC150 (Larson et al., 2019): `data_full.json` with train/val/test and oos_train/oos_val/
oos_test, each a list of [text, intent]. BANKING77 (Casanueva et al., 2020): train.csv and
test.csv with the columns text,category. Where to get them: ../shared/datasets/README.md, or
the upstream repositories named there.
"""

from __future__ import annotations

import csv
import json
import random
from collections import defaultdict
from pathlib import Path

Example = tuple[str, str]  # (text, intent)
OOS = "oos"


def load_clinc(folder: Path) -> dict[str, list[Example]]:
    """Splits train, val, test, oos_train, oos_val, oos_test of the full CLINC150 data."""
    path = folder / "data_full.json"
    if not path.is_file():
        raise FileNotFoundError(f"{path} not found: pass the folder holding CLINC150's data_full.json")
    raw = json.loads(path.read_text(encoding="utf-8"))
    return {split: [(str(text), str(label)) for text, label in raw[split]]
            for split in ("train", "val", "test", "oos_train", "oos_val", "oos_test")}


def load_banking(folder: Path) -> dict[str, list[Example]]:
    """Splits train and test of BANKING77."""
    splits = {}
    for split in ("train", "test"):
        path = folder / f"{split}.csv"
        if not path.is_file():
            raise FileNotFoundError(f"{path} not found: pass the folder holding BANKING77's train.csv and test.csv")
        with path.open(newline="", encoding="utf-8") as handle:
            splits[split] = [(row["text"], row["category"]) for row in csv.DictReader(handle)]
    return splits


def subsample(examples: list[Example], intents: int | None, per_intent: int | None,
              oos: int | None = None, seed: int = 13) -> list[Example]:
    """The first `intents` intents (sorted) with at most `per_intent` examples each, and at most
    `oos` out-of-scope ones (default: as many as `per_intent`). A fixed random choice; None
    keeps everything."""
    if intents is None and per_intent is None and oos is None:
        return examples
    by_intent: dict[str, list[Example]] = defaultdict(list)
    for example in examples:
        by_intent[example[1]].append(example)
    names = sorted(name for name in by_intent if name != OOS)
    kept = set(names[:intents] if intents is not None else names) | {OOS}
    rng = random.Random(seed)
    out: list[Example] = []
    for name in sorted(kept & set(by_intent)):
        chosen = list(by_intent[name])
        rng.shuffle(chosen)
        cap = (oos if oos is not None else per_intent) if name == OOS else per_intent
        out.extend(chosen[:cap] if cap is not None else chosen)
    return out


def _clean(text: str) -> str:
    # Rasa reads "[words](entity)" as an entity annotation and a new line as a new example.
    return " ".join(text.replace("[", "(").replace("]", ")").split())


def write_rasa_nlu(examples: list[Example], path: Path) -> None:
    """A Rasa 3 NLU YAML file, one block of examples per intent."""
    by_intent: dict[str, list[str]] = defaultdict(list)
    for text, intent in examples:
        cleaned = _clean(text)
        if cleaned:
            by_intent[intent].append(cleaned)
    lines = ['version: "3.1"', "nlu:"]
    for intent in sorted(by_intent):
        lines += [f"- intent: {intent}", "  examples: |"]
        lines += [f"    - {text}" for text in dict.fromkeys(by_intent[intent])]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
