"""The FallbackClassifier's threshold and ambiguity_threshold, chosen on the bot's own data.

The method:
- In scope: the bot's NLU examples (bot/data), each predicted by a model that did not see it
  (stratified k folds; each fold trains the whole pipeline of the config with Rasa).
- Out of scope: CLINC150's out-of-scope sentences (banking, travel, small requests no shop
  answers), oos_train + oos_val for choosing, oos_test (1,000) only to check the choice; each
  fold's model predicts them all.
- A message falls back when its top confidence is below `threshold` or the top two are closer
  than `ambiguity_threshold`, as the FallbackClassifier does. In this bot nlu_fallback and
  ask_question both go to the help centre (bot/data/rules.yml), so: an in-scope message is
  handled right when its intent is kept and right, or when it is an ask_question (the
  fallback leads to the same answer); an out-of-scope one when it falls back or is read as
  ask_question (the help centre says when it does not know) rather than starting a flow.
- Chosen: the pair on a grid (0 to 0.95 by 0.01, 0 to 0.30 by 0.01) that maximises the mean
  of the two rates, the lowest on ties; the same criterion as the CLINC150 benchmark's
  threshold (bench/nlu_benchmark.py).

With `--adapt-encoder` each fold's model runs over the sentence model adapted to that fold's
training examples (bot/nlp/intent_encoder.py), as `./baton` would adapt it to all of them.
With `--write` the chosen pair is written into the config's FallbackClassifier, in place.

Usage: .venvs/bot/bin/python -m bench.nlu_fallback_threshold [--config config.yml] [--folds 3]
    [--adapt-encoder] [--datasets ../shared/datasets] [--out var/bench/nlu_fallback] [--report-only]
    [--write]
"""

from __future__ import annotations

import argparse
import json
import re
import time
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

from bench.intent_datasets import load_clinc, write_rasa_nlu
from bench.nlu_benchmark import adapt_encoder, fallback_thresholds, load_agent, parse_texts

ROOT = Path(__file__).resolve().parent.parent
HELP_CENTRE = "ask_question"  # the intent whose action nlu_fallback shares
THRESHOLDS = [i / 100 for i in range(96)]
AMBIGUITIES = [i / 100 for i in range(31)]


def bot_examples(folder: Path) -> list[tuple[str, str]]:
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader
    from rasa.shared.nlu.training_data.loading import load_data

    examples = []
    for path in sorted(folder.glob("*.yml")):
        if RasaYAMLReader.is_yaml_nlu_file(path):
            examples += [(str(m.get("text")), str(m.get("intent"))) for m in load_data(str(path)).intent_examples]
    return examples


def run(config: Path, folds: int, datasets: Path, out: Path, adapt: bool = False) -> None:
    from rasa.model_training import train_nlu
    from sklearn.model_selection import StratifiedKFold

    examples = bot_examples(ROOT / "bot" / "data")
    clinc = load_clinc(datasets / "clinc150")
    oos = {"choose": [t for t, _ in clinc["oos_train"] + clinc["oos_val"]], "check": [t for t, _ in clinc["oos_test"]]}
    labels = [label for _, label in examples]
    records: list[dict[str, Any]] = []
    seconds = []
    split = StratifiedKFold(folds, shuffle=True, random_state=0).split(examples, labels)
    for fold, (train, held) in enumerate(split):
        work = out / f"fold{fold}"
        write_rasa_nlu([examples[i] for i in train], work / "nlu.yml")
        if adapt:
            adapt_encoder(work / "nlu.yml", None)  # this fold's examples only: the held-out stay unseen
        started = time.perf_counter()
        model = train_nlu(str(config), str(work / "nlu.yml"), str(work), fixed_model_name="model")
        seconds.append(time.perf_counter() - started)
        if model is None:
            raise SystemExit(f"training fold {fold} failed")
        texts = [examples[i][0] for i in held] + oos["choose"] + oos["check"]
        kinds = [("in", examples[i][1]) for i in held] + [("choose", None)] * len(oos["choose"]) + [
            ("check", None)] * len(oos["check"])
        for text, (kind, label), prediction in zip(texts, kinds, parse_texts(load_agent(model), texts), strict=True):
            records.append({"fold": fold, "kind": kind, "label": label, "text": text, **prediction})
        print(f"fold {fold}: trained in {seconds[-1]:.0f} s, {len(held)} held-out examples", flush=True)
    out.mkdir(parents=True, exist_ok=True)
    (out / "predictions.json").write_text(json.dumps({"config": str(config) + (" (adapted encoder)" if adapt else ""),
                                                      "folds": folds, "records": records, "train_seconds": seconds}))


def falls_back(record: dict[str, Any], threshold: float, ambiguity: float) -> bool:
    return record["confidence"] < threshold or record["confidence"] - record["second"] < ambiguity


def rates(records: Iterable[dict[str, Any]], threshold: float, ambiguity: float) -> dict[str, float]:
    """Share of in-scope messages handled right, of out-of-scope ones (for each kind), and the
    fallback rate on in-scope messages."""
    right: dict[str, int] = {}
    seen: dict[str, int] = {}
    fallbacks = 0
    for r in records:
        back = falls_back(r, threshold, ambiguity)
        if r["kind"] == "in":
            ok = (not back and r["intent"] == r["label"]) or (back and r["label"] == HELP_CENTRE)
            fallbacks += back
        else:
            ok = back or r["intent"] == HELP_CENTRE
        right[r["kind"]] = right.get(r["kind"], 0) + ok
        seen[r["kind"]] = seen.get(r["kind"], 0) + 1
    result = {kind: right[kind] / seen[kind] for kind in seen}
    result["in_fallback"] = fallbacks / max(1, seen.get("in", 0))
    return result


def choose(records: list[dict[str, Any]]) -> tuple[float, float]:
    best, best_score = (0.0, 0.0), -1.0
    for threshold in THRESHOLDS:
        for ambiguity in AMBIGUITIES:
            r = rates(records, threshold, ambiguity)
            score = (r["in"] + r["choose"]) / 2
            if score > best_score + 1e-12:
                best, best_score = (threshold, ambiguity), score
    return best


def report(out: Path, current: tuple[float, float] | None) -> tuple[float, float]:
    """Prints the table of the chosen pair beside no fallback and the config's; returns the chosen pair."""
    saved = json.loads((out / "predictions.json").read_text())
    records = saved["records"]
    threshold, ambiguity = choose(records)
    n_in = sum(r["kind"] == "in" for r in records)
    print(f"Fallback thresholds on the bot's data, {date.today().isoformat()}: {saved['config']}, "
          f"{saved['folds']} folds ({n_in} in-scope examples, each predicted once; CLINC150 out-of-scope "
          f"sentences predicted by every fold's model); training {min(saved['train_seconds']):.0f} to "
          f"{max(saved['train_seconds']):.0f} s per fold")
    print("| threshold | ambiguity | in scope handled right | in-scope fallback rate | "
          "oos handled right (oos_train+val) | oos handled right (oos_test, not used to choose) |")
    print("| --- | --- | --- | --- | --- | --- |")
    rows = [(0.0, 0.0, "no fallback"), (threshold, ambiguity, "chosen")]
    if current:
        rows.append((*current, "the config's"))
    for t, a, name in rows:
        r = rates(records, t, a)
        print(f"| {t:.2f} | {a:.2f} | {100 * r['in']:.1f} | {100 * r['in_fallback']:.1f} | "
              f"{100 * r['choose']:.1f} | {100 * r['check']:.1f} | ({name})")
    wrong = [r for r in records if r["kind"] == "in" and r["intent"] != r["label"]]
    print(f"top-1 intent accuracy, nothing rejected: {100 * (1 - len(wrong) / max(1, n_in)):.1f} %")
    return threshold, ambiguity


def configured_thresholds(config: Path) -> tuple[float, float] | None:
    import yaml

    return fallback_thresholds(yaml.safe_load(config.read_text()))


_COMPONENT = re.compile(r"^(?P<indent> *)- name: *(?P<name>[\w.]+) *(#.*)?$")
_KEY = re.compile(r"^(?P<indent> *)(?P<key>[\w.]+): *(?P<value>[^ #\n]*)(?P<rest>.*)$", re.DOTALL)


def with_thresholds(text: str, threshold: float, ambiguity: float) -> str:
    """config.yml's text with the FallbackClassifier's two thresholds set: only those two
    values change (a missing one is added), so its comments and layout stay as they are."""
    lines = text.splitlines(keepends=True)
    items = [(i, match) for i, line in enumerate(lines) if (match := _COMPONENT.match(line))]
    found = [(i, match) for i, match in items if match["name"] == "FallbackClassifier"]
    if not found:
        raise ValueError("the config's pipeline has no FallbackClassifier")
    start, item = found[0]
    item_indent = len(item["indent"])
    wanted = {"threshold": threshold, "ambiguity_threshold": ambiguity}
    end = start + 1
    while end < len(lines):
        line = lines[end]
        stripped = line.strip()
        if stripped and not stripped.startswith("#") and len(line) - len(line.lstrip(" ")) <= item_indent:
            break  # the next component, or the next top-level key
        match = _KEY.match(line)
        if match and match["key"] in wanted:
            lines[end] = f"{match['indent']}{match['key']}: {round(wanted.pop(match['key']), 2)!r}{match['rest']}"
        end += 1
    added = [f"{' ' * (item_indent + 2)}{key}: {round(value, 2)!r}\n" for key, value in wanted.items()]
    return "".join(lines[: start + 1] + added + lines[start + 1 :])


def write_thresholds(config: Path, threshold: float, ambiguity: float) -> None:
    import yaml

    text = with_thresholds(config.read_text(), threshold, ambiguity)
    # Read back before writing: a layout the edit did not foresee must not leave a broken config.
    if fallback_thresholds(yaml.safe_load(text)) != (round(threshold, 2), round(ambiguity, 2)):
        raise SystemExit(f"{config}: could not set the FallbackClassifier's thresholds; edit it by hand")
    config.write_text(text)
    print(f"written to {config}: threshold {threshold:.2f}, ambiguity_threshold {ambiguity:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, default=ROOT / "config.yml")
    parser.add_argument("--folds", type=int, default=3)
    parser.add_argument("--datasets", type=Path, default=ROOT.parent / "shared" / "datasets")
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "bench" / "nlu_fallback")
    parser.add_argument("--adapt-encoder", action="store_true",
                        help="adapt the sentence model to each fold's training examples first")
    parser.add_argument("--report-only", action="store_true", help="choose again from an earlier run's predictions")
    parser.add_argument("--write", action="store_true", help="set the chosen pair in the config's FallbackClassifier")
    args = parser.parse_args()
    if not args.report_only:
        run(args.config.resolve(), args.folds, args.datasets.resolve(), args.out.resolve(), args.adapt_encoder)
    chosen = report(args.out.resolve(), configured_thresholds(args.config))
    if args.write:
        write_thresholds(args.config, *chosen)


if __name__ == "__main__":
    main()
