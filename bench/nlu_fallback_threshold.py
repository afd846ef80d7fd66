"""The FallbackClassifier's thresholds on the bot's data, as `./baton train` chooses them, with the
figures on out-of-scope queries the choice never saw.

`./baton train` chooses the thresholds by cross-validation on the data it trains on
(stack/fallback_threshold.py, where the method is described). This script runs the same folds
and also has every fold's model predict CLINC150's oos_test (1,000 out-of-scope queries; the
choice uses only bot/calibration/out_of_scope.txt, CLINC150's oos_train + oos_val), and prints
the chosen pair beside no fallback and config.yml's override, if it sets one.

With `--write` the chosen pair is written into the config's FallbackClassifier as an override
(then `./baton train` no longer chooses it).

Usage: .venvs/bot/bin/python -m bench.nlu_fallback_threshold [--config config.yml] [--folds 3]
    [--no-adapt] [--datasets ../shared/datasets] [--out var/bench/nlu_fallback] [--report-only]
    [--write]
"""

from __future__ import annotations

import argparse
import json
import re
from datetime import date
from pathlib import Path

from bench.intent_datasets import load_clinc
from stack.fallback_threshold import (
    bot_examples,
    choose,
    out_of_fold_records,
    out_of_scope_sentences,
    overrides,
    rates,
)

ROOT = Path(__file__).resolve().parent.parent
CHOOSE, CHECK = "choose", "check"  # the out-of-scope sentences the choice uses; CLINC150's oos_test


def run(config: Path, folds: int, datasets: Path, out: Path, adapt: bool = True) -> None:
    examples = bot_examples(ROOT / "bot" / "data")
    unseen = {CHOOSE: out_of_scope_sentences(), CHECK: [t for t, _ in load_clinc(datasets / "clinc150")["oos_test"]]}
    records, seconds = out_of_fold_records(config, examples, unseen, out, folds, adapt)
    out.mkdir(parents=True, exist_ok=True)
    (out / "predictions.json").write_text(json.dumps({"config": str(config) + (" (adapted encoder)" if adapt else ""),
                                                      "folds": folds, "records": records, "train_seconds": seconds}))


def report(out: Path, current: tuple[float, float] | None) -> tuple[float, float]:
    """Prints the table of the chosen pair beside no fallback and the config's; returns the chosen pair."""
    saved = json.loads((out / "predictions.json").read_text())
    records = saved["records"]
    threshold, ambiguity = choose(records, out_of_scope=CHOOSE)
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
              f"{100 * r[CHOOSE]:.1f} | {100 * r[CHECK]:.1f} | ({name})")
    wrong = [r for r in records if r["kind"] == "in" and r["intent"] != r["label"]]
    print(f"top-1 intent accuracy, nothing rejected: {100 * (1 - len(wrong) / max(1, n_in)):.1f} %")
    return threshold, ambiguity


def configured_thresholds(config: Path) -> tuple[float, float] | None:
    """The pair config.yml sets as an override, or None if it lets `./baton train` choose."""
    import yaml

    fixed = overrides(yaml.safe_load(config.read_text()))
    return (fixed["threshold"], fixed["ambiguity_threshold"]) if len(fixed) == 2 else None


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
    if tuple(overrides(yaml.safe_load(text)).values()) != (round(threshold, 2), round(ambiguity, 2)):
        raise SystemExit(f"{config}: could not set the FallbackClassifier's thresholds; edit it by hand")
    config.write_text(text)
    print(f"written to {config}: threshold {threshold:.2f}, ambiguity_threshold {ambiguity:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, default=ROOT / "config.yml")
    parser.add_argument("--folds", type=int, default=3)
    parser.add_argument("--datasets", type=Path, default=ROOT.parent / "shared" / "datasets")
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "bench" / "nlu_fallback")
    parser.add_argument("--no-adapt", action="store_true",
                        help="one sentence model for every fold (faster; held-out examples then not unseen)")
    parser.add_argument("--report-only", action="store_true", help="choose again from an earlier run's predictions")
    parser.add_argument("--write", action="store_true", help="set the chosen pair in the config's FallbackClassifier")
    args = parser.parse_args()
    if not args.report_only:
        run(args.config.resolve(), args.folds, args.datasets.resolve(), args.out.resolve(), not args.no_adapt)
    chosen = report(args.out.resolve(), configured_thresholds(args.config))
    if args.write:
        write_thresholds(args.config, *chosen)


if __name__ == "__main__":
    main()
