"""The bot's NLU pipeline against Rasa's default one on CLINC150 and BANKING77.

For each pipeline (`bot`: the pipeline in config.yml with its FallbackClassifier; `default`: the
pipeline Rasa 3.6 uses when a config names none, as `rasa init` shows it, without its
ResponseSelector, which these data give nothing to learn; on request, config.yml's pipeline with
another intent classifier: `bot-diet` DIET with the MiniLM feature (config.yml's until
2026-11-23), `bot-svm` Rasa's SklearnIntentClassifier, `bot-lr` our LinearIntentClassifier over
the MiniLM embedding, `bot-lr-sparse` the same with the count-vector features joined;
`bot-adapted` config.yml's pipeline over MiniLM adapted to the task's training intents first,
bot/nlp/intent_encoder.py) it trains
three NLU models, each in a process of its own so that training time and peak memory are its own:

- clinc-class: CLINC150 train + oos_train, out-of-scope as one more intent (the paper's
  "oos-train" setting); tested on test + oos_test (val + oos_val are parsed too, so that a
  threshold on top of the class can be chosen there for the goal table).
- clinc-threshold: CLINC150 train only; a message is out of scope when the top intent's
  confidence is below a threshold chosen on val + oos_val (the threshold that maximises the mean
  of in-scope accuracy and out-of-scope recall there); tested on test + oos_test.
- banking: BANKING77 train; accuracy on test.

"as deployed" figures count the pipeline's own FallbackClassifier (nlu_fallback) as out of scope.

Usage: .venvs/bot/bin/python -m bench.nlu_benchmark [--datasets ../shared/datasets]
    [--pipelines bot default] [--tasks clinc-class clinc-threshold banking]
    [--intents N --per-intent N --epochs N]   (smaller runs: fewer intents, examples, epochs)
    [--eval-per-intent N --eval-oos N]        (test on a fixed random part of the test sets)
    [--out var/bench/nlu] [--report-only]
"""

from __future__ import annotations

import argparse
import json
import logging
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

from bench.intent_datasets import OOS
from bench.nlu_report import print_report
from stack.fallback_threshold import svc_last_line

ROOT = Path(__file__).resolve().parent.parent
LINEAR = "bot.components.linear_intent_classifier.LinearIntentClassifier"
# config.yml's pipeline with its intent classifier swapped, to compare classifiers over the same
# features: DIET as config.yml had it until the linear classifier replaced it, Rasa's linear SVM
# over the dense sentence features, our logistic regression without and with the sparse ones.
CLASSIFIERS: dict[str, dict[str, Any]] = {
    "bot-diet": {"name": "DIETClassifier", "epochs": 80, "entity_recognition": False,
                 "constrain_similarities": True},
    "bot-svm": {"name": "SklearnIntentClassifier"},
    "bot-lr": {"name": LINEAR},
    "bot-lr-sparse": {"name": LINEAR, "use_sparse_features": True},
}
INTENT_CLASSIFIERS = {"DIETClassifier", "SklearnIntentClassifier", LINEAR}
# config.yml's pipeline over the sentence model adapted to the task's training intents first
# (bot/nlp/intent_encoder.py), in the services' environment, where torch is.
ADAPTED = "bot-adapted"
PIPELINES = ("bot", "default", ADAPTED, *CLASSIFIERS)
TASKS = ("clinc-class", "clinc-threshold", "banking")
FALLBACK = "nlu_fallback"


def pipeline_config(pipeline: str, epochs: int | None, linear_c: float | None = None,
                    familiarity_power: float | None = None) -> dict[str, Any]:
    import yaml  # the bot environment has PyYAML (Rasa needs it)

    if pipeline in ("bot", ADAPTED) or pipeline in CLASSIFIERS:
        config = yaml.safe_load((ROOT / "config.yml").read_text())
        if pipeline in CLASSIFIERS:
            config["pipeline"] = [dict(CLASSIFIERS[pipeline]) if c["name"] in INTENT_CLASSIFIERS else c
                                  for c in config["pipeline"]]
    else:
        import rasa.engine.recipes

        default = Path(rasa.engine.recipes.__file__).parent / "config_files" / "default_config.yml"
        config = yaml.safe_load(default.read_text())
        config["pipeline"] = [c for c in config["pipeline"] if c["name"] != "ResponseSelector"]
    config.pop("policies", None)
    config["assistant_id"] = f"nlu-benchmark-{pipeline}"
    # A fixed C is one fit instead of config.yml's cross-validated grid: on all of CLINC150, with
    # the count vectors, the grid takes over an hour on two cores.
    overrides = {key: value for key, value in (("C", linear_c), ("familiarity_power", familiarity_power))
                 if value is not None}
    for component in config["pipeline"]:
        if component["name"] == LINEAR:
            component.update(overrides)
    if epochs is not None:
        for component in config["pipeline"]:
            if "epochs" in component or component["name"] == "DIETClassifier":
                component["epochs"] = epochs
    return config


def fallback_thresholds(config: dict[str, Any]) -> tuple[float, float] | None:
    """The FallbackClassifier's threshold and ambiguity threshold (Rasa's defaults where unset)."""
    for component in config["pipeline"]:
        if component["name"] == "FallbackClassifier":
            return float(component.get("threshold", 0.3)), float(component.get("ambiguity_threshold", 0.1))
    return None


def sentence_export() -> None:
    """Point this job's featurizer at the ONNX export of its sentence model (BATON_SENTENCE_MODEL or
    the packaged one), made first if missing, as ./baton does: the bot runs it on ONNX Runtime only."""
    import os

    from sentence_model.settings import SentenceModelSettings

    settings = SentenceModelSettings.from_env()
    if not settings.bot_graph:
        model = [str(settings.bot_model)] if settings.bot_model else []
        # The featurizer of this process and of the jobs it starts reads the variable.
        os.environ["BATON_SENTENCE_ONNX"] = svc_last_line("sentence_model.export", *model)


def adapt_encoder(nlu: Path, epochs: int | None) -> dict[str, Any]:
    """Adapt the sentence model to the intents in `nlu` and export it to ONNX, both in the
    services' environment, and point this process's featurizer at them (the job is a process of
    its own). Returns the model, the export and the adaptation's time and peak memory."""
    import os
    import resource

    started = time.perf_counter()
    model = svc_last_line("bot.nlp.intent_encoder", "--nlu", str(nlu), *(["--epochs", str(epochs)] if epochs else []))
    seconds = time.perf_counter() - started
    graph = svc_last_line("sentence_model.export", model)
    os.environ["BATON_SENTENCE_MODEL"], os.environ["BATON_SENTENCE_ONNX"] = model, graph
    return {"adapted_model": model, "adaptation_seconds": round(seconds, 1),
            "adaptation_peak_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)}


def load_agent(model: str) -> Any:
    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    # Unconfigured, structlog prints Rasa's debug line for every parsed message (thousands of
    # lines, and time counted as parse time); the CLI configures it, a library caller must.
    configure_structlog(logging.WARNING)
    return Agent.load(model)


def parse_texts(agent: Any, texts: list[str]) -> list[dict[str, Any]]:
    """For each text, the top intent other than the fallback, its confidence, the runner-up's
    confidence and whether the fallback fired."""
    import asyncio

    async def run() -> list[dict[str, Any]]:
        out = []
        for text in texts:
            parsed = await agent.parse_message(text)
            ranking = [r for r in parsed.get("intent_ranking", []) if r["name"] != FALLBACK]
            confidences = [float(r["confidence"] or 0.0) for r in ranking] + [0.0, 0.0]
            out.append({"intent": ranking[0]["name"] if ranking else None, "confidence": confidences[0],
                        "second": confidences[1], "fallback": parsed["intent"]["name"] == FALLBACK})
        return out

    return asyncio.run(run())


def parse_all(model: str, splits: dict[str, list[str]]) -> tuple[dict[str, list[dict[str, Any]]], float]:
    """parse_texts for each split, and the mean parse time per message in ms (the model's
    loading excluded)."""
    agent = load_agent(model)
    started = time.perf_counter()
    predictions = {name: parse_texts(agent, texts) for name, texts in splits.items()}
    per_message = 1000 * (time.perf_counter() - started) / max(1, sum(len(t) for t in splits.values()))
    return predictions, per_message


def run_job(task: str, pipeline: str, args: argparse.Namespace) -> dict[str, Any]:
    """Train one model and evaluate it; runs in its own process (see main)."""
    import resource
    from dataclasses import asdict

    import yaml

    from bench.intent_datasets import load_banking, load_clinc, subsample, write_rasa_nlu
    from bench.nlu_scoring import choose_threshold, score_banking, score_clinc
    from stack.fallback_threshold import calibrate, with_choice

    work = args.out / f"{task}-{pipeline}"
    work.mkdir(parents=True, exist_ok=True)
    config = pipeline_config(pipeline, args.epochs, args.linear_c, args.familiarity_power)
    (work / "config.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    if task == "banking":
        data = load_banking(args.datasets / "banking77")
        train, evaluation = data["train"], {"test": data["test"]}
    else:
        data = load_clinc(args.datasets / "clinc150")
        train = data["train"] + (data["oos_train"] if task == "clinc-class" else [])
        # val too for both: the class model can also take a threshold on top (the goal table).
        evaluation = {"test": data["test"] + data["oos_test"], "val": data["val"] + data["oos_val"]}
    train = subsample(train, args.intents, args.per_intent)
    evaluation = {name: subsample(split, args.intents, args.eval_per_intent, args.eval_oos)
                  for name, split in evaluation.items()}
    write_rasa_nlu(train, work / "nlu.yml")
    calibration: dict[str, Any] = {}
    if pipeline != "default" and pipeline != ADAPTED:  # config.yml's pipeline, with the MiniLM featurizer
        sentence_export()
    if pipeline != "default" and args.folds > 0:
        # As deployed: the fallback threshold chosen on this task's training data as `./baton
        # train` chooses it on the bot's (each fold's model adapted to its fold for bot-adapted).
        # --folds 0 (smoke runs) leaves config.yml's threshold, or Rasa's default.
        choice = calibrate(work / "config.yml", train, work / "calibration", args.folds, adapt=pipeline == ADAPTED)
        config = with_choice(config, choice)
        (work / "config.yml").write_text(yaml.safe_dump(config, sort_keys=False))
        calibration = {"calibration": asdict(choice)}
    adaptation = adapt_encoder(work / "nlu.yml", args.epochs) if pipeline == ADAPTED else {}

    from rasa.model_training import train_nlu

    started = time.perf_counter()
    model = train_nlu(str(work / "config.yml"), str(work / "nlu.yml"), str(work), fixed_model_name="model")
    train_seconds = time.perf_counter() - started
    train_peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if model is None:
        raise SystemExit(f"training {task} with the {pipeline} pipeline failed")

    predictions, parse_ms = parse_all(model, {name: [text for text, _ in split] for name, split in evaluation.items()})
    result: dict[str, Any] = {
        "task": task, "pipeline": pipeline, "train_examples": len(train),
        "train_seconds": round(train_seconds, 1), "train_peak_mb": round(train_peak_mb),
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "parse_ms": round(parse_ms, 2), "fallback_threshold": (fallback_thresholds(config) or (None,))[0],
        "epochs": args.epochs, "linear_c": args.linear_c,
        "familiarity_power": args.familiarity_power, "intents": args.intents, "per_intent": args.per_intent,
        "eval_per_intent": args.eval_per_intent, "eval_oos": args.eval_oos,
        "test_in_scope": sum(1 for _, label in evaluation["test"] if label != OOS),
        "test_oos": sum(1 for _, label in evaluation["test"] if label == OOS),
        **adaptation, **calibration,
    }
    labels = {name: [label for _, label in split] for name, split in evaluation.items()}
    if task == "banking":
        result.update(score_banking(labels["test"], predictions["test"]))
    elif task == "clinc-class":
        result.update(score_clinc(labels["test"], predictions["test"], threshold=None, oos_label=OOS))
    else:
        threshold = choose_threshold(labels["val"], predictions["val"])
        result["threshold"] = threshold
        result.update(score_clinc(labels["test"], predictions["test"], threshold=threshold, oos_label=OOS))
    (work / "predictions.json").write_text(json.dumps(
        {name: [{"text": text, "label": label, **prediction}
                for (text, label), prediction in zip(evaluation[name], predictions[name], strict=True)]
         for name in evaluation}))
    (work / "result.json").write_text(json.dumps(result, indent=2))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=Path, default=ROOT.parent / "shared" / "datasets",
                        help="folder with clinc150/ and banking77/ (default: ../shared/datasets)")
    parser.add_argument("--pipelines", nargs="+", choices=PIPELINES, default=["bot", "default"])
    parser.add_argument("--tasks", nargs="+", choices=TASKS, default=list(TASKS))
    parser.add_argument("--intents", type=int, help="only the first N intents of each data set")
    parser.add_argument("--per-intent", type=int, help="train on at most N examples of each intent")
    parser.add_argument("--eval-per-intent", type=int, help="test on at most N examples of each intent and split")
    parser.add_argument("--eval-oos", type=int, help="test on at most N out-of-scope examples of each split")
    parser.add_argument("--epochs", type=int, help="override the classifiers' epochs (smoke runs)")
    parser.add_argument("--linear-c", type=float,
                        help="fix LinearIntentClassifier's C instead of choosing it by cross-validation")
    parser.add_argument("--familiarity-power", type=float,
                        help="override LinearIntentClassifier's familiarity_power (0: the softmax alone)")
    parser.add_argument("--folds", type=int, default=3,
                        help="folds choosing the fallback threshold as deployed (0: not chosen, a smoke run)")
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "bench" / "nlu")
    parser.add_argument("--report-only", action="store_true", help="print the figures of an earlier run")
    parser.add_argument("--job", nargs=2, metavar=("TASK", "PIPELINE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.out = args.out.resolve()
    args.datasets = args.datasets.resolve()
    if args.job:
        run_job(args.job[0], args.job[1], args)
        return
    if not args.report_only:
        passed = [a for a in sys.argv[1:] if a != "--report-only"]
        for task in args.tasks:
            for pipeline in args.pipelines:
                print(f"== training and testing {task} with the {pipeline} pipeline", flush=True)
                done = subprocess.run([sys.executable, "-m", "bench.nlu_benchmark", *passed, "--job", task, pipeline],
                                      cwd=ROOT)
                if done.returncode != 0:
                    raise SystemExit(f"{task} with the {pipeline} pipeline failed (exit {done.returncode})")
    results = [json.loads(path.read_text()) for path in sorted(args.out.glob("*/result.json"))]
    print_report(results, date.today().isoformat())
    print_goal_operating_points(args.out)


def print_goal_operating_points(out: Path, min_recall: float = 0.70, min_accuracy: float = 0.95) -> None:
    """The threshold models at the issue's goals, each threshold chosen on val + oos_val, with the
    val and the test figures (from the saved predictions): the threshold of the main table (the
    best mean on val), the lowest that reaches the out-of-scope recall goal on val, the highest
    that keeps the in-scope accuracy goal, the one that holds both by the widest margin on val
    (`threshold_for_goals` says why that is the fairer test of the goal; docs/benchmarks.md says
    from which run on it counts), and the fallback threshold the job trained with, chosen on its
    training data by cross-validation as `./baton train` chooses the bot's."""
    from bench.nlu_scoring import (
        choose_threshold,
        score_clinc,
        threshold_for_accuracy,
        threshold_for_goals,
        threshold_for_recall,
    )

    rows = []
    for path in sorted(out.glob("clinc-*/predictions.json")):
        saved = json.loads(path.read_text())
        val, test = saved.get("val", []), saved["test"]
        if not val:
            continue
        labels = [r["label"] for r in val]
        rules = [("max mean on val", choose_threshold(labels, val, OOS)),
                 (f"recall >= {100 * min_recall:.0f} % on val", threshold_for_recall(labels, val, min_recall, OOS)),
                 (f"in scope >= {100 * min_accuracy:.0f} % on val",
                  threshold_for_accuracy(labels, val, min_accuracy, OOS)),
                 ("both, widest margin on val", threshold_for_goals(labels, val, min_accuracy, min_recall, OOS)[0])]
        result = path.parent / "result.json"
        deployed = json.loads(result.read_text()).get("fallback_threshold") if result.is_file() else None
        if deployed is not None:
            rules.append(("as deployed: chosen on train by cross-validation (no ambiguity bar)", deployed))
        for rule, threshold in rules:
            if threshold is None:
                continue
            on_val = score_clinc(labels, val, threshold=threshold, oos_label=OOS)
            on_test = score_clinc([r["label"] for r in test], test, threshold=threshold, oos_label=OOS)
            rows.append(f"| {path.parent.name.removeprefix('clinc-')} | {rule} | {threshold:.3f} | "
                        f"{100 * on_val['in_scope_accuracy']:.1f} | {100 * on_val['oos_recall']:.1f} | "
                        f"{100 * on_test['in_scope_accuracy']:.1f} | {100 * on_test['oos_recall']:.1f} |")
    if rows:
        print("\nCLINC150 by threshold at the issue's goals (threshold chosen on val + oos_val; %)")
        print("| pipeline | threshold rule | threshold | val in scope | val oos recall | test in scope | "
              "test oos recall |")
        print("| --- | --- | --- | --- | --- | --- | --- |")
        print("\n".join(rows))

if __name__ == "__main__":
    main()
