"""NLU cross-validation of the bot: intent accuracy and F1 (overall and for each intent), and the
entities, with Rasa's own `rasa test nlu --cross-validation` on bot/data and the config the bot is
trained with: config.yml with the fallback threshold `./baton train` chose (`<model>.config.yml`
beside the current model, decision 0155). config.yml alone sets no threshold, so Rasa's default
(0.3) would send many right answers to nlu_fallback and understate the accuracy.

Each fold trains the whole NLU pipeline, so this takes several training runs' time (about 10 to
35 minutes on 2 shared cores). The figures go to docs/benchmarks.md, "NLU cross-validation (bot)".

Usage: .venvs/bot/bin/python -m bench.nlu_crossval [--folds 3] [--config config.yml]
    [--out var/bench/nlu_crossval] [--report-only]
(--config: another pipeline on the same data, to compare a candidate with the deployed one.)
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def deployed_config() -> Path:
    """The config the current model was trained with; config.yml when nothing was trained yet."""
    from stack.train_bot import MODELS_DIR, model_name

    beside = MODELS_DIR / f"{model_name()}.config.yml"
    if beside.is_file():
        return beside
    print(f"no {beside.name} (train first: ./baton train); config.yml's FallbackClassifier has no "
          "threshold, so Rasa's default applies", file=sys.stderr)
    return ROOT / "config.yml"


def run(folds: int, out: Path, config: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    rasa = Path(sys.executable).with_name("rasa")
    subprocess.run(
        [str(rasa), "test", "nlu", "--nlu", "bot/data", "--config", str(config), "--cross-validation",
         "--folds", str(folds), "--out", str(out)],
        cwd=ROOT, check=True,
    )


def report(out: Path, folds: int) -> None:
    intents = json.loads((out / "DIETClassifier_report.json").read_text()) if (
        out / "DIETClassifier_report.json").exists() else json.loads((out / "intent_report.json").read_text())
    print(f"NLU cross-validation, {folds} folds, {date.today().isoformat()}")
    print(f"intent accuracy {intents['accuracy']:.3f}   macro F1 {intents['macro avg']['f1-score']:.3f}   "
          f"weighted F1 {intents['weighted avg']['f1-score']:.3f}")
    print("| intent | precision | recall | F1 | examples |")
    print("| --- | --- | --- | --- | --- |")
    for name, row in sorted(intents.items()):
        if isinstance(row, dict) and "support" in row and name not in ("macro avg", "weighted avg", "micro avg"):
            figures = f"{row['precision']:.2f} | {row['recall']:.2f} | {row['f1-score']:.2f}"
            print(f"| {name} | {figures} | {row['support']} |")
    for path in sorted(out.glob("*Extractor_report.json")):
        entities = json.loads(path.read_text())
        print(f"\n{path.stem.replace('_report', '')}:")
        for name, row in sorted(entities.items()):
            if isinstance(row, dict) and "support" in row:
                print(f"  {name}: precision {row['precision']:.2f} recall {row['recall']:.2f} "
                      f"F1 {row['f1-score']:.2f} ({row['support']})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=3)
    parser.add_argument("--config", type=Path, default=None,
                        help="the pipeline (default: the deployed one, config.yml with the chosen threshold)")
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "bench" / "nlu_crossval")
    parser.add_argument("--report-only", action="store_true", help="print the figures of an earlier run")
    args = parser.parse_args()
    if not args.report_only:
        run(args.folds, args.out, (args.config or deployed_config()).resolve())
    report(args.out, args.folds)


if __name__ == "__main__":
    main()
