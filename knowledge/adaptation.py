"""The sentence model adapted to this help centre: all-MiniLM-L6-v2 fine-tuned on the articles'
own customer phrasings.

Why: a general-purpose model misses questions worded unlike the article they need (slang,
stories, the customer's words for the shop's terms); every article already lists the ways
customers ask for it (front matter `questions`), and a few minutes of contrastive training on
those phrasings against their article's sections teaches the model this shop's vocabulary. On
the dev half of knowledge/eval it lifted dense-only hit@1 from 0.79 to 0.89
(docs/benchmarks.md). Nothing from knowledge/eval is trained on. It does not do arithmetic:
"got it 3 weeks ago, can I still send it back" reads to it as a late return; the age rule in
knowledge/index/stated_age.py handles that.

The training: each phrasing is paired with one of its article's sections (title and heading
first), each section with its article's title and heading; a batch holds at most one pair per
article, so every other pair in the batch is a true negative (in-batch softmax, scale 20,
the multiple-negatives ranking loss). Seeded, on the CPU, with a fixed thread count.

The result is a model directory laid out like the base one (its tokenizer, pooling and
configuration copied, the transformer's weights replaced), named by a hash of the base model,
the training pairs and the recipe, so `./baton` trains it once per help-centre change and the
service loads it like any other model (KNOWLEDGE_MODEL). A reindex keeps the model the
service started with: new articles are searchable at once, and adapted at the next start.

    python -m knowledge.adaptation   # builds it into var/models if missing; prints its directory
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import random
import shutil
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from knowledge.articles import Article, load_articles
from knowledge.index.dense import default_model_path, model_name
from knowledge.index.onnx_model import model_fingerprint

logger = logging.getLogger(__name__)
# Where ./baton and the benches keep the adapted models (git-ignored, like every model).
MODELS_DIR = Path(__file__).resolve().parent.parent / "var" / "models"


# A last batch smaller than this teaches little and is dropped; so a training set needs at least
# this many groups (articles, intents) to teach anything.
MIN_BATCH = 8


@dataclass(frozen=True)
class Recipe:
    # Five passes, chosen on the dev half against 1 and 3 (docs/benchmarks.md).
    epochs: int = 5
    batch_size: int = 32
    learning_rate: float = 2e-5
    scale: float = 20.0  # inverse temperature of the in-batch softmax
    max_tokens: int = 128  # training only; the saved model keeps the base's length
    seed: int = 0
    threads: int = 2  # fixed: the same inputs give the same model on any machine of this kind
    # Also the loss with positives and anchors swapped (each positive picks its anchor): used
    # for the bot's intents, where both sides are customer phrasings (bot/nlp/intent_encoder.py).
    symmetric: bool = False


@dataclass(frozen=True)
class Pair:
    article_id: str
    anchor: str
    positive: str


def training_pairs(articles: list[Article]) -> list[Pair]:
    pairs = []
    for article in articles:
        sections = [p for p in article.passages if p.kind == "section"]
        if not sections:
            continue
        for n, question in enumerate(article.questions):
            section = sections[n % len(sections)]  # spread the phrasings over the sections
            pairs.append(Pair(article.id, question, f"{article.title}. {section.heading}. {section.text}"))
        for section in sections:
            pairs.append(Pair(article.id, f"{article.title}: {section.heading}", section.text))
    return pairs


def batches(pairs: list[Pair], size: int, rng: random.Random) -> list[list[Pair]]:
    """Shuffled batches with at most one pair per article: another pair of the same article
    would be taught as a wrong answer. A last batch of fewer than 8 teaches little and is dropped."""
    pending = list(pairs)
    rng.shuffle(pending)
    made = []
    while pending:
        batch: list[Pair] = []
        used: set[str] = set()
        rest = []
        for pair in pending:
            if len(batch) < size and pair.article_id not in used:
                batch.append(pair)
                used.add(pair.article_id)
            else:
                rest.append(pair)
        if len(batch) < MIN_BATCH:
            break
        made.append(batch)
        pending = rest
    return made


def adapted_name(base: Path, pairs: list[Pair], recipe: Recipe, purpose: str = "help-centre") -> str:
    sha = hashlib.sha256(model_fingerprint(base).encode())
    # `symmetric` only when set: it came later, and the help centre's models keep their names.
    fields = {k: v for k, v in asdict(recipe).items() if k != "symmetric" or v}
    sha.update(json.dumps(fields, sort_keys=True).encode())
    for pair in pairs:
        sha.update(b"\0" + pair.article_id.encode() + b"\0" + pair.anchor.encode() + b"\0" + pair.positive.encode())
    return f"{model_name(base)}-{purpose}-{sha.hexdigest()[:12]}"


def train(base: Path, pairs: list[Pair], target: Path, recipe: Recipe = Recipe()) -> None:
    """Fine-tune `base` on `pairs` and write the model to `target` (atomically: a directory
    beside it, renamed when complete)."""
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
    building = target.with_name(target.name + ".building")
    shutil.rmtree(building, ignore_errors=True)
    # The base's layout (tokenizer, pooling, sentence-transformers config) with new weights, so
    # the ONNX export and both encoders read it exactly as they read the base.
    shutil.copytree(base, building)
    model[0].auto_model.save_pretrained(str(building), safe_serialization=True)
    if (building / "pytorch_model.bin").exists() and (building / "model.safetensors").exists():
        (building / "pytorch_model.bin").unlink()
    building.replace(target)


def trained_once(base: Path, pairs: list[Pair], out_dir: Path, recipe: Recipe, purpose: str) -> Path:
    """`base` adapted to `pairs`, from `out_dir` if it is there, else trained into it first."""
    target = out_dir / adapted_name(base, pairs, recipe, purpose)
    if not (target / "config.json").exists():
        out_dir.mkdir(parents=True, exist_ok=True)
        logger.info("adapting %s to %d pairs of %d %s groups", model_name(base), len(pairs),
                    len({pair.article_id for pair in pairs}), purpose)
        train(base, pairs, target, recipe)
    return target


def ensure_adapted(out_dir: Path, articles_dir: Path, base: Path | None = None, recipe: Recipe = Recipe()) -> Path:
    """The adapted model for these articles, trained first if it is not in `out_dir`."""
    base = base or default_model_path()
    pairs = training_pairs(load_articles(articles_dir))
    if not pairs:
        raise ValueError(f"{articles_dir}: no articles with sections to adapt the model to")
    return trained_once(base, pairs, out_dir, recipe, "help-centre")


def main(argv: list[str] | None = None) -> int:
    from knowledge.settings import get_settings

    parser = argparse.ArgumentParser(description="Adapt the sentence model to the help centre; prints its directory.")
    parser.add_argument("--out", type=Path, default=MODELS_DIR, help="directory of the adapted models (var/models)")
    parser.add_argument("--base", type=Path, default=None, help="model to adapt (default: all-MiniLM-L6-v2)")
    parser.add_argument("--articles", type=Path, default=None, help="articles directory (default: the service's)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    print(ensure_adapted(args.out, args.articles or get_settings().articles_dir, args.base))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
