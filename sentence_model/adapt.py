"""Adapting the sentence model to a task: contrastive fine-tuning on pairs of texts that belong
together, the recipe both the knowledge search (knowledge/adaptation.py, the help centre's
phrasings) and the bot (bot/nlp/intent_encoder.py, its intents) use.

The training: in-batch softmax over the pairs (scale 20, the multiple-negatives ranking loss);
a batch holds at most one pair per group (an article, an intent), so every other pair in it is
a true negative. Seeded, on the CPU, with a fixed thread count.

The result is a model directory laid out like the base one (its tokenizer, pooling and
configuration copied, the transformer's weights replaced), named by a hash of the base model,
the pairs and the recipe, so an unchanged task is adapted once and every encoder loads it like
any other model. The pairs and the names need no torch; the training does (services' environment).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import random
import shutil
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from sentence_model.model_dir import model_fingerprint, model_name
from sentence_model.settings import keep_hub_offline

logger = logging.getLogger(__name__)

# A last batch smaller than this teaches little and is dropped; so a training set needs at least
# this many groups (articles, intents) to teach anything.
MIN_BATCH = 8


@dataclass(frozen=True)
class Recipe:
    # Five passes, chosen for the help centre on its dev half against 1 and 3 (docs/benchmarks.md).
    epochs: int = 5
    batch_size: int = 32
    learning_rate: float = 2e-5
    scale: float = 20.0  # inverse temperature of the in-batch softmax
    max_tokens: int = 128  # training only; the saved model keeps the base's length
    seed: int = 0
    threads: int = 2  # fixed: the same inputs give the same model on any machine of this kind
    # Also the loss with positives and anchors swapped (each positive picks its anchor): for
    # pairs whose two sides are alike (two customer phrasings of one intent).
    symmetric: bool = False


@dataclass(frozen=True)
class Pair:
    """Two texts that belong together; `group` is what they belong to (an article, an intent).
    Two pairs of one group are never in one batch: each would be taught as the other's wrong answer."""

    group: str
    anchor: str
    positive: str


def batches(pairs: list[Pair], size: int, rng: random.Random) -> list[list[Pair]]:
    """Shuffled batches with at most one pair per group. A last batch of fewer than MIN_BATCH
    teaches little and is dropped."""
    pending = list(pairs)
    rng.shuffle(pending)
    made = []
    while pending:
        batch: list[Pair] = []
        used: set[str] = set()
        rest = []
        for pair in pending:
            if len(batch) < size and pair.group not in used:
                batch.append(pair)
                used.add(pair.group)
            else:
                rest.append(pair)
        if len(batch) < MIN_BATCH:
            break
        made.append(batch)
        pending = rest
    return made


def adapted_name(base: Path, pairs: list[Pair], recipe: Recipe, purpose: str) -> str:
    """<base model>-<purpose>-<hash of the base's files, the recipe and the pairs>."""
    sha = hashlib.sha256(model_fingerprint(base).encode())
    # `symmetric` only when set: it came later, and the models trained before keep their names.
    fields = {k: v for k, v in asdict(recipe).items() if k != "symmetric" or v}
    sha.update(json.dumps(fields, sort_keys=True).encode())
    for pair in pairs:
        sha.update(b"\0" + pair.group.encode() + b"\0" + pair.anchor.encode() + b"\0" + pair.positive.encode())
    return f"{model_name(base)}-{purpose}-{sha.hexdigest()[:12]}"


def train(base: Path, pairs: list[Pair], target: Path, recipe: Recipe = Recipe()) -> None:
    """Fine-tune `base` on `pairs` and write the model to `target` (atomically: a directory
    beside it, renamed when complete)."""
    keep_hub_offline()
    import torch
    import torch.nn.functional as F
    from sentence_transformers import SentenceTransformer

    torch.manual_seed(recipe.seed)
    torch.set_num_threads(recipe.threads)
    model = SentenceTransformer(str(base), device="cpu")
    model.max_seq_length = recipe.max_tokens
    optimizer = torch.optim.AdamW(model.parameters(), lr=recipe.learning_rate)
    model.train()
    started = time.monotonic()
    for epoch in range(recipe.epochs):
        for batch in batches(pairs, recipe.batch_size, random.Random(recipe.seed + epoch)):
            anchors = F.normalize(model(model.preprocess([p.anchor for p in batch]))["sentence_embedding"], dim=-1)
            positives = F.normalize(model(model.preprocess([p.positive for p in batch]))["sentence_embedding"], dim=-1)
            scores = anchors @ positives.T * recipe.scale
            loss = F.cross_entropy(scores, torch.arange(len(batch)))
            if recipe.symmetric:
                loss = (loss + F.cross_entropy(scores.T, torch.arange(len(batch)))) / 2
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        logger.info("adaptation epoch %d: loss %.3f, %.0f s", epoch + 1, loss.item(), time.monotonic() - started)
    # Per process: two clones sharing the cache may adapt the same model at once.
    building = target.with_name(f"{target.name}.building-{os.getpid()}")
    shutil.rmtree(building, ignore_errors=True)
    # The base's layout (tokenizer, pooling, sentence-transformers config) with new weights, so
    # the ONNX export and both encoders read it exactly as they read the base.
    shutil.copytree(base, building)
    model[0].auto_model.save_pretrained(str(building), safe_serialization=True)
    if (building / "pytorch_model.bin").exists() and (building / "model.safetensors").exists():
        (building / "pytorch_model.bin").unlink()
    try:
        building.rename(target)
    except OSError:
        # Another process finished the same model first: the same inputs, so the same model.
        if not (target / "config.json").exists():
            raise
        shutil.rmtree(building, ignore_errors=True)


def trained_once(base: Path, pairs: list[Pair], out_dir: Path, recipe: Recipe, purpose: str) -> Path:
    """`base` adapted to `pairs`, from `out_dir` if it is there, else trained into it first."""
    target = out_dir / adapted_name(base, pairs, recipe, purpose)
    if not (target / "config.json").exists():
        out_dir.mkdir(parents=True, exist_ok=True)
        logger.info("adapting %s to %d pairs of %d %s groups", model_name(base), len(pairs),
                    len({pair.group for pair in pairs}), purpose)
        train(base, pairs, target, recipe)
    return target
