"""Build the bot's spaCy pipeline from `spacy.blank("en")` and save it under var/spacy.

The pipeline is: tokenizer, lookup lemmatizer (tables from spacy-lookups-data) and an
entity ruler whose patterns live in entity_patterns.jsonl. Bump PIPELINE_VERSION when
the code changes meaningfully; the saved pipeline records it in its meta, and
stack/train_bot.py rebuilds whenever this file or the patterns change.

Usage: python -m bot.nlp.build [OUTPUT_DIR]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import spacy
from spacy.language import Language

PIPELINE_NAME = "en_baton"
PIPELINE_VERSION = "1.1.0"  # 1.1: product types, sizes and colours (orders)
PATTERNS_FILE = Path(__file__).with_name("entity_patterns.jsonl")
DEFAULT_OUTPUT = Path("var/spacy") / PIPELINE_NAME


def load_patterns(path: Path = PATTERNS_FILE) -> list[dict]:
    patterns = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            patterns.append(json.loads(line))
        except json.JSONDecodeError as error:
            raise ValueError(f"{path}:{number}: {error}") from error
    return patterns


def build_pipeline() -> Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    ruler = nlp.add_pipe("entity_ruler", config={"overwrite_ents": True})
    nlp.initialize()
    # initialize() clears the ruler, so the patterns go in afterwards.
    ruler.add_patterns(load_patterns())
    nlp.meta.update(
        {
            "name": PIPELINE_NAME.removeprefix("en_"),
            "version": PIPELINE_VERSION,
            "description": "Baton: blank English + lookup lemmatizer + entity ruler",
        }
    )
    return nlp


def main(argv: list[str]) -> None:
    output = Path(argv[1]) if len(argv) > 1 else DEFAULT_OUTPUT
    nlp = build_pipeline()
    output.parent.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(output)
    print(f"spaCy pipeline {PIPELINE_NAME} {PIPELINE_VERSION} saved to {output}")


if __name__ == "__main__":
    main(sys.argv)
