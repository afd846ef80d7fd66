"""Building the knowledge index for benchmarks: the real help centre, or a generated one."""

from __future__ import annotations

import random
from pathlib import Path

from knowledge.adaptation import ensure_adapted
from knowledge.articles import Article, Passage, load_articles
from knowledge.base import build_index as knowledge_index
from knowledge.index.decision import RetrievalConfig
from knowledge.index.dense import Encoder
from knowledge.index.hybrid import HybridIndex
from knowledge.negatives import load_domain_only, load_off_domain, load_shop_negatives
from knowledge.settings import get_settings
from sentence_model.settings import SentenceModelSettings

_ENCODER: Encoder | None = None


def encoder() -> Encoder:
    """The model the service runs: KNOWLEDGE_MODEL, or (unset, as when a bench is run by hand)
    the model adapted to the help centre that ./baton builds, built here if missing."""
    global _ENCODER
    if _ENCODER is None:
        settings = get_settings()
        models_dir = SentenceModelSettings.from_env().models_dir
        model = settings.model_path or ensure_adapted(models_dir, settings.articles_dir)
        _ENCODER = Encoder(model, settings.torch_threads, settings.encoder_backend)
    return _ENCODER


def build_index(articles: list[Article] | None = None, config: RetrievalConfig | None = None) -> HybridIndex:
    settings = get_settings()
    articles = articles if articles is not None else load_articles(settings.articles_dir)
    config = config or RetrievalConfig.load(settings.retrieval_config)
    examples = (load_shop_negatives(settings.negatives_dir), load_off_domain(settings.negatives_dir),
                load_domain_only(settings.negatives_dir))
    return knowledge_index(articles, encoder(), config.fusion, settings.cache_dir, settings.examples_cache_dir,
                           examples)


_WORDS = (  # noqa: SIM905 - readable as prose
    "merino canvas gore-tex rainfly tent stove lantern carabiner harness rope helmet kayak paddle snowshoe "
    "gaiters poles compass headlamp thermos quilt bivy sandals clogs loafers cardigan blazer chinos denim "
    "overalls scarf gloves mittens balaclava vest poncho windbreaker anorak hoodie joggers leggings shorts "
    "wholesale assembly installation rental repair engraving embroidery subscription catalogue outlet "
    "warehouse pickup locker courier customs voucher coupon bundle preorder backorder recall"
).split()


def generated_articles(count: int, seed: int = 7, base_dir: Path | None = None) -> list[Article]:
    """`count` articles made from the real ones: their sections reshuffled with other
    product words, so the index has the size and shape of a large help centre."""
    rng = random.Random(seed)
    real = load_articles(base_dir or get_settings().articles_dir)
    made = []
    for n in range(count):
        source = real[n % len(real)]
        topic = " ".join(rng.sample(_WORDS, 2))
        article_id = f"{source.id}-{n:04d}"
        passages = []
        for passage in source.passages:
            words = passage.text.split()
            rng.shuffle(words)
            text = f"{topic}: " + " ".join(words[: max(8, len(words) * 2 // 3)]) + " " + " ".join(rng.sample(_WORDS, 4))
            passages.append(Passage(
                id=f"{article_id}#{len(passages)}", article_id=article_id, title=f"{source.title} ({topic})",
                heading=passage.heading, text=text, url=f"{source.url}-{n:04d}", tags=source.tags, kind=passage.kind,
            ))
        made.append(Article(
            id=article_id, title=f"{source.title} ({topic})", category=source.category, tags=source.tags,
            updated=source.updated, url=f"{source.url}-{n:04d}", body="", passages=tuple(passages),
        ))
    return made
