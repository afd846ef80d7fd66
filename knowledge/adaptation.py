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

The pairs: each phrasing with one of its article's sections (title and heading first), each
section with its article's title and heading, grouped by article. The training is
sentence_model.adapt's, with its default recipe; the model directory is named by a hash of the
base model, the pairs and the recipe, so `./baton` trains it once per help-centre change and the
service loads it like any other model (KNOWLEDGE_MODEL). A reindex keeps the model the service
started with: new articles are searchable at once, and adapted at the next start.

    python -m knowledge.adaptation   # builds it into $BATON_CACHE/models if missing; prints its directory
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from knowledge.articles import Article, load_articles
from sentence_model.adapt import Pair, Recipe, trained_once
from sentence_model.model_dir import default_model_path
from sentence_model.settings import SentenceModelSettings

PURPOSE = "help-centre"


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


def ensure_adapted(out_dir: Path, articles_dir: Path, base: Path | None = None, recipe: Recipe | None = None) -> Path:
    """The adapted model for these articles, trained first if it is not in `out_dir`."""
    base = base or default_model_path()
    pairs = training_pairs(load_articles(articles_dir))
    if not pairs:
        raise ValueError(f"{articles_dir}: no articles with sections to adapt the model to")
    return trained_once(base, pairs, out_dir, recipe or Recipe(), PURPOSE)


def main(argv: list[str] | None = None) -> int:
    from knowledge.settings import get_settings

    parser = argparse.ArgumentParser(description="Adapt the sentence model to the help centre; prints its directory.")
    parser.add_argument("--out", type=Path, default=None,
                        help="directory of the adapted models (default: $BATON_CACHE/models)")
    parser.add_argument("--base", type=Path, default=None, help="model to adapt (default: all-MiniLM-L6-v2)")
    parser.add_argument("--articles", type=Path, default=None, help="articles directory (default: the service's)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    out = args.out or SentenceModelSettings.from_env().models_dir
    print(ensure_adapted(out, args.articles or get_settings().articles_dir, args.base))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
