"""The bot's NumPy MiniLM (bot/components/minilm) against sentence-transformers, which the
knowledge service runs: the same token ids and the same embeddings, so the bot's NLU and the
help-centre search see the same model."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from sentence_transformers import SentenceTransformer
from transformers import AutoTokenizer

from bot.components.minilm.encoder import MiniLM
from knowledge.index.dense import default_model_path

ROOT = Path(__file__).resolve().parents[2]
ODD_TEXTS = [
    "Where's my order #LK-10234?!", "CAFÉ naïve résumé", "price: $45.00 (incl. VAT) — 20% off",
    "  spaces\tand\nnew lines  ", "emoji 😀 and 中文字符 and ελληνικά", "", "a" * 150,
    "supercalifragilisticexpialidocious unbelievably", "word " * 300,
]


@pytest.fixture(scope="module")
def numpy_model() -> MiniLM:
    return MiniLM(default_model_path())


@pytest.fixture(scope="module")
def texts() -> list[str]:
    questions = [json.loads(line)["question"] for path in sorted((ROOT / "knowledge" / "eval").glob("*.jsonl"))
                 for line in path.read_text().splitlines() if line.strip()]
    return ODD_TEXTS + questions[::5][:120]


def test_token_ids_match_the_bert_tokenizer(numpy_model: MiniLM, texts: list[str]) -> None:
    reference = AutoTokenizer.from_pretrained(str(default_model_path()))
    for text in texts:
        want = reference(text, truncation=True, max_length=numpy_model.max_length)["input_ids"]
        assert numpy_model.tokenizer.encode(text, numpy_model.max_length) == want, text


def test_embeddings_match_sentence_transformers(numpy_model: MiniLM, texts: list[str]) -> None:
    reference = SentenceTransformer(str(default_model_path()), device="cpu")
    want = reference.encode(texts, batch_size=16, normalize_embeddings=True)
    got = numpy_model.encode(texts, batch_size=16)
    assert got.shape == want.shape
    assert float(np.min(np.sum(got * want, axis=1))) > 0.9999
