"""The sentence model adapted to the bot's intents: all-MiniLM-L6-v2 fine-tuned so that two
examples of one intent lie closer than examples of two.

Why: the intent classifier is a linear model over this embedding, and its out-of-scope decision
multiplies the softmax by the similarity to the nearest training example
(bot/components/familiarity.py). A general-purpose model places "how long will my refund take"
and "can I return this" near each other, and a request no intent covers near whatever shares
its topic. Adapted to the intents, the examples of each gather together, which sharpens both the
classifier and the nearest-example similarity. On CLINC150's validation queries it raised top-1
accuracy and the out-of-scope recall at the in-scope goal (docs/benchmarks.md, Intents).

The training is sentence_model.adapt's: in-batch contrastive, a batch holding at most one pair
per group (here an intent) so every other pair in it is a true negative. A pair is an example
and another example of the same intent, and every example is an anchor once. The loss runs both
ways, since both sides are customer phrasings. Intents with a single example teach nothing and
are left out.

Runs in the services' environment (torch is there, not beside Rasa). The model directory is named
by a hash of the base model, the pairs and the recipe, so an unchanged set of intents is adapted
once; the bot's featurizer loads it when BATON_SENTENCE_MODEL names it.

    python -m bot.nlp.intent_encoder --nlu bot/data [--out DIR]   # prints its directory
"""

from __future__ import annotations

import argparse
import logging
import random
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import yaml

from sentence_model.adapt import MIN_BATCH, Pair, Recipe, trained_once
from sentence_model.model_dir import default_model_path
from sentence_model.settings import SentenceModelSettings

ROOT = Path(__file__).resolve().parents[2]
# The recipe checked on CLINC150's validation data: one pass, larger batches than the help
# centre's (150 intents fill a batch of 64 with distinct intents), short texts.
RECIPE: dict[str, Any] = {"epochs": 1, "batch_size": 64, "max_tokens": 64, "symmetric": True}
# [text](entity), [text]{"entity": ...}: the annotation goes, the text stays.
_ANNOTATION = re.compile(r"\[([^\]]*)\](?:\([^)]*\)|\{[^}]*\})")
_ESCAPED = re.compile(r"\\([\[\]\(\)\{\}])")


def plain_text(example: str) -> str:
    return _ESCAPED.sub(r"\1", _ANNOTATION.sub(r"\1", example)).strip()


def nlu_files(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        files += sorted(p for p in path.rglob("*.yml")) if path.is_dir() else [path]
    return files


def intent_examples(paths: list[Path]) -> dict[str, list[str]]:
    """The examples of each intent in these Rasa NLU YAML files (or folders of them), as plain
    text, each once. Files without an `nlu` section (stories, rules) are skipped."""
    examples: dict[str, list[str]] = defaultdict(list)
    for file in nlu_files(paths):
        try:
            # Every scalar a string, as Rasa's YAML 1.2 reader has it: an intent named "yes" or
            # "no" (CLINC150 has both) is not a boolean.
            data = yaml.load(file.read_text(encoding="utf-8"), Loader=yaml.BaseLoader) or {}
        except yaml.YAMLError as error:
            raise ValueError(f"{file}: not YAML ({error})") from error
        blocks = data.get("nlu") if isinstance(data, dict) else None
        for block in blocks or []:
            if not isinstance(block, dict) or "intent" not in block:
                continue  # synonyms, lookups, regexes
            for line in str(block.get("examples") or "").splitlines():
                text = plain_text(line.strip().removeprefix("- ")) if line.strip().startswith("- ") else ""
                if text and text not in examples[block["intent"]]:
                    examples[block["intent"]].append(text)
    return dict(examples)


def training_pairs(examples: dict[str, list[str]], seed: int = 0) -> list[Pair]:
    """Each example of an intent with two or more, paired with another of the same intent."""
    rng = random.Random(seed)
    pairs = []
    for intent in sorted(examples):
        texts = examples[intent]
        if len(texts) < 2:
            continue
        for n, text in enumerate(texts):
            other = rng.randrange(len(texts) - 1)
            pairs.append(Pair(intent, text, texts[other if other < n else other + 1]))
    return pairs


def ensure_adapted(paths: list[Path], out_dir: Path, base: Path | None = None, **recipe: Any) -> Path:
    """The model adapted to the intents in `paths`, trained first if it is not in `out_dir`."""
    chosen = Recipe(**{**RECIPE, **recipe})
    pairs = training_pairs(intent_examples(paths), chosen.seed)
    if len({pair.group for pair in pairs}) < MIN_BATCH:
        # A batch holds one pair per intent, and a batch under MIN_BATCH is not trained on.
        raise ValueError(f"{', '.join(map(str, paths))}: fewer than {MIN_BATCH} intents with two examples "
                         f"each; nothing to adapt the sentence model to")
    return trained_once(base or default_model_path(), pairs, out_dir, chosen, "intents")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Adapt the sentence model to the bot's intents; prints its directory.")
    parser.add_argument("--nlu", type=Path, nargs="+", default=[ROOT / "bot" / "data"],
                        help="Rasa NLU files or folders of them (default: bot/data)")
    parser.add_argument("--out", type=Path, default=None,
                        help="where the models are kept (default: $BATON_CACHE/models)")
    parser.add_argument("--base", type=Path, default=None, help="model to adapt (default: all-MiniLM-L6-v2)")
    parser.add_argument("--epochs", type=int, default=None, help="override the recipe's passes (smoke runs)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    missing = [str(p) for p in args.nlu if not p.exists()]
    if missing:
        parser.error(f"no such file or folder: {', '.join(missing)}")
    overrides = {} if args.epochs is None else {"epochs": args.epochs}
    try:
        out = args.out or SentenceModelSettings.from_env().models_dir
        print(ensure_adapted(args.nlu, out, args.base, **overrides))
    except ValueError as error:
        parser.error(str(error))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
