"""The FallbackClassifier's threshold, chosen at training from the data the bot trains on.

Why: a threshold chosen once on the demo shop's intents does not carry to another shop's. On
public shop-bot data the best thresholds were 1.2 to 2.5 times the demo's, and the fixed one lost
up to 0.07 of MCC (issue 20). So `./baton train` chooses it again whenever the data change
(stack/train_bot.py), and records the choice beside the model.

The method (bench/nlu_fallback_threshold.py reports the same records against CLINC150's test
queries):
- In scope: the bot's NLU examples (bot/data), each predicted by a model that did not see it:
  stratified k folds, each training the config's NLU pipeline with Rasa over a sentence model
  adapted to that fold's examples only, as `./baton` adapts it to all of them.
- Out of scope: the sentences of bot/calibration/out_of_scope.txt, predicted by every fold.
- A message falls back when its top confidence is below `threshold` or the top two are closer
  than `ambiguity_threshold`, as Rasa's FallbackClassifier does. nlu_fallback and ask_question
  both go to the help centre (bot/data/rules.yml), so an in-scope message is handled right when
  its intent is kept and right, or when it is an ask_question; an out-of-scope one when it falls
  back or is read as ask_question rather than starting a flow.
- Chosen: the value on a grid that maximises the mean of the two rates, the lowest on ties.

A `threshold` or `ambiguity_threshold` written in config.yml's FallbackClassifier is an override:
it is used as it is and that value is not chosen.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

from defaults import ROOT

HELP_CENTRE = "ask_question"  # the intent whose action nlu_fallback shares
FALLBACK_INTENT = "nlu_fallback"
FALLBACK_COMPONENT = "FallbackClassifier"
OUT_OF_SCOPE = ROOT / "bot" / "calibration" / "out_of_scope.txt"
THRESHOLDS = [i / 100 for i in range(96)]
AMBIGUITIES = [i / 100 for i in range(31)]
FOLDS = 3
SVC_PYTHON = ROOT / ".venvs" / "svc" / "bin" / "python"
IN = "in"
OOS = "oos"


@dataclass
class Choice:
    """The thresholds a model is trained with, where each came from, and the figures behind them."""

    threshold: float
    ambiguity_threshold: float
    chosen: list[str]  # which of the two were chosen here; the rest come from config.yml
    folds: int = 0
    in_scope_examples: int = 0
    out_of_scope_sentences: int = 0
    figures: dict[str, float] = field(default_factory=dict)  # rates at the chosen pair
    seconds: float = 0.0

    def write(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self), indent=2) + "\n")


def fallback_component(config: dict[str, Any]) -> dict[str, Any]:
    for component in config.get("pipeline") or []:
        if component.get("name") == FALLBACK_COMPONENT:
            return component
    raise ValueError(f"the config's pipeline has no {FALLBACK_COMPONENT}")


def overrides(config: dict[str, Any]) -> dict[str, float]:
    """The thresholds config.yml sets itself."""
    component = fallback_component(config)
    return {key: float(component[key]) for key in ("threshold", "ambiguity_threshold") if key in component}


def with_choice(config: dict[str, Any], choice: Choice) -> dict[str, Any]:
    """The config to train with: config.yml's, with the FallbackClassifier's two values set."""
    trained = json.loads(json.dumps(config))  # a deep copy of plain YAML data
    component = fallback_component(trained)
    component["threshold"], component["ambiguity_threshold"] = choice.threshold, choice.ambiguity_threshold
    return trained


def falls_back(record: dict[str, Any], threshold: float, ambiguity: float) -> bool:
    return record["confidence"] < threshold or record["confidence"] - record["second"] < ambiguity


def rates(records: Iterable[dict[str, Any]], threshold: float, ambiguity: float) -> dict[str, float]:
    """Share handled right of each kind of record (in scope, and each out-of-scope kind), and the
    fallback rate on in-scope messages."""
    right: dict[str, int] = {}
    seen: dict[str, int] = {}
    fallbacks = 0
    for r in records:
        back = falls_back(r, threshold, ambiguity)
        if r["kind"] == IN:
            ok = (not back and r["intent"] == r["label"]) or (back and r["label"] == HELP_CENTRE)
            fallbacks += back
        else:
            ok = back or r["intent"] == HELP_CENTRE
        right[r["kind"]] = right.get(r["kind"], 0) + ok
        seen[r["kind"]] = seen.get(r["kind"], 0) + 1
    result = {kind: right[kind] / seen[kind] for kind in seen}
    result["in_fallback"] = fallbacks / max(1, seen.get(IN, 0))
    return result


def choose(records: list[dict[str, Any]], fixed: dict[str, float] | None = None,
           out_of_scope: str = OOS) -> tuple[float, float]:
    """The pair with the best mean of in-scope and `out_of_scope` rates, the lowest on ties; a
    value in `fixed` is kept, not searched."""
    fixed = fixed or {}
    thresholds = [fixed["threshold"]] if "threshold" in fixed else THRESHOLDS
    ambiguities = [fixed["ambiguity_threshold"]] if "ambiguity_threshold" in fixed else AMBIGUITIES
    best, best_score = (thresholds[0], ambiguities[0]), -1.0
    for threshold in thresholds:
        for ambiguity in ambiguities:
            r = rates(records, threshold, ambiguity)
            score = (r[IN] + r[out_of_scope]) / 2
            if score > best_score + 1e-12:
                best, best_score = (threshold, ambiguity), score
    return best


def bot_examples(folder: Path) -> list[tuple[str, str]]:
    """(text, intent) of every NLU example in the folder's YAML files."""
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader
    from rasa.shared.nlu.training_data.loading import load_data

    examples = []
    for path in sorted(folder.rglob("*.yml")):
        if RasaYAMLReader.is_yaml_nlu_file(path):
            examples += [(str(m.get("text")), str(m.get("intent"))) for m in load_data(str(path)).intent_examples]
    return examples


def out_of_scope_sentences(path: Path = OUT_OF_SCOPE) -> list[str]:
    lines = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def write_nlu(examples: list[tuple[str, str]], path: Path) -> None:
    """A Rasa NLU YAML file, one block per intent (texts as given, annotations already gone)."""
    by_intent: dict[str, list[str]] = {}
    for text, intent in examples:
        by_intent.setdefault(intent, []).append(" ".join(text.replace("[", "(").replace("]", ")").split()))
    data = {"version": "3.1", "nlu": [{"intent": intent, "examples": "".join(f"- {t}\n" for t in texts)}
                                       for intent, texts in sorted(by_intent.items())]}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def svc_last_line(*command: str) -> str:
    """The last line `python -m COMMAND` prints in the services' environment (where torch is)."""
    done = subprocess.run([str(SVC_PYTHON), "-m", *command], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT)})
    if done.returncode != 0:
        raise RuntimeError(f"{command[0]} failed (exit {done.returncode}):\n{done.stderr[-2000:]}")
    return done.stdout.strip().splitlines()[-1]


@contextmanager
def encoder_adapted_to(nlu: Path, epochs: int | None = None) -> Iterator[dict[str, Any]]:
    """The sentence model adapted to the intents in `nlu` and exported to ONNX (both in the
    services' environment), named to this process's featurizer for the block's duration.
    Yields the model, its export and the adaptation's seconds."""
    saved = {key: os.environ.get(key) for key in ("BATON_SENTENCE_MODEL", "BATON_SENTENCE_ONNX")}
    started = time.perf_counter()
    model = svc_last_line("bot.nlp.intent_encoder", "--nlu", str(nlu), *(["--epochs", str(epochs)] if epochs else []))
    seconds = time.perf_counter() - started
    graph = svc_last_line("sentence_model.export", model)
    os.environ["BATON_SENTENCE_MODEL"], os.environ["BATON_SENTENCE_ONNX"] = model, graph
    try:
        yield {"adapted_model": model, "export": graph, "adaptation_seconds": round(seconds, 1)}
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def parse_texts(model: str, texts: list[str]) -> list[dict[str, Any]]:
    """For each text, the top intent other than the fallback, its confidence and the runner-up's."""
    import asyncio

    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    # Unconfigured, structlog prints Rasa's debug line for every parsed message.
    configure_structlog(logging.WARNING)
    agent = Agent.load(model)

    async def run() -> list[dict[str, Any]]:
        out = []
        for text in texts:
            parsed = await agent.parse_message(text)
            ranking = [r for r in parsed.get("intent_ranking", []) if r["name"] != FALLBACK_INTENT]
            confidences = [float(r["confidence"] or 0.0) for r in ranking] + [0.0, 0.0]
            out.append({"intent": ranking[0]["name"] if ranking else None, "confidence": confidences[0],
                        "second": confidences[1], "fallback": parsed["intent"]["name"] == FALLBACK_INTENT})
        return out

    return asyncio.run(run())


def out_of_fold_records(config: Path, examples: list[tuple[str, str]], unseen: dict[str, list[str]],
                        work: Path, folds: int = FOLDS, adapt: bool = True,
                        log: Any = print) -> tuple[list[dict[str, Any]], list[float]]:
    """Every example predicted by the fold's model that did not see it, and every text of each
    `unseen` kind by every fold's model; with the seconds each fold took."""
    from rasa.model_training import train_nlu
    from sklearn.model_selection import StratifiedKFold

    labels = [label for _, label in examples]
    records: list[dict[str, Any]] = []
    seconds = []
    split = StratifiedKFold(folds, shuffle=True, random_state=0).split(examples, labels)
    for fold, (train, held) in enumerate(split):
        started = time.perf_counter()
        fold_dir = work / f"fold{fold}"
        write_nlu([examples[i] for i in train], fold_dir / "nlu.yml")
        with encoder_adapted_to(fold_dir / "nlu.yml") if adapt else _unchanged():
            model = train_nlu(str(config), str(fold_dir / "nlu.yml"), str(fold_dir), fixed_model_name="model")
            if model is None:
                raise RuntimeError(f"training fold {fold} failed")
            texts = [examples[i][0] for i in held]
            kinds: list[tuple[str, str | None]] = [(IN, examples[i][1]) for i in held]
            for kind, sentences in unseen.items():
                texts += sentences
                kinds += [(kind, None)] * len(sentences)
            for text, (kind, label), prediction in zip(texts, kinds, parse_texts(model, texts), strict=True):
                records.append({"fold": fold, "kind": kind, "label": label, "text": text, **prediction})
        seconds.append(time.perf_counter() - started)
        log(f"fallback threshold: fold {fold + 1} of {folds} in {seconds[-1]:.0f} s ({len(held)} held out)")
    return records, seconds


@contextmanager
def _unchanged() -> Iterator[None]:
    yield


def calibrate(config_path: Path, examples: list[tuple[str, str]], work: Path, folds: int = FOLDS,
              adapt: bool = True, log: Any = print) -> Choice:
    """The thresholds to train on `examples` with: the config's overrides, the rest chosen here."""
    config = yaml.safe_load(config_path.read_text())
    fixed = overrides(config)
    if len(fixed) == 2:
        return Choice(fixed["threshold"], fixed["ambiguity_threshold"], chosen=[])
    started = time.perf_counter()
    oos = out_of_scope_sentences()
    records, _ = out_of_fold_records(config_path, examples, {OOS: oos}, work, folds, adapt, log)
    threshold, ambiguity = choose(records, fixed)
    (work / "records.json").write_text(json.dumps(records))
    figures = {key: round(value, 4) for key, value in rates(records, threshold, ambiguity).items()}
    return Choice(threshold, ambiguity, chosen=[k for k in ("threshold", "ambiguity_threshold") if k not in fixed],
                  folds=folds, in_scope_examples=len(examples), out_of_scope_sentences=len(oos),
                  figures=figures, seconds=round(time.perf_counter() - started, 1))
