"""The core's ONNX Runtime encoder against sentence-transformers (the reference): the same token
ids and the same embeddings, for odd texts and the help centre's eval questions, in any batch."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from sentence_model.encoder import OnnxEncoder, batches

ROOT = Path(__file__).resolve().parents[2]
ODD_TEXTS = [
    "Where's my order #LK-10234?!", "CAFÉ naïve résumé", "price: $45.00 (incl. VAT) — 20% off",
    "  spaces\tand\nnew lines  ", "emoji 😀 and 中文字符 and ελληνικά", "", "a" * 150,
    "supercalifragilisticexpialidocious unbelievably", "word " * 300,
    "How long do refunds take? Or could I exchange it instead?", "klarna",
]


@pytest.fixture(scope="module")
def encoder(base_model: Path, base_graph: Path) -> OnnxEncoder:
    return OnnxEncoder(base_model, base_graph, threads=1)


@pytest.fixture(scope="module")
def texts() -> list[str]:
    questions = [json.loads(line)["question"] for path in sorted((ROOT / "knowledge" / "eval").glob("*.jsonl"))
                 for line in path.read_text().splitlines() if line.strip()]
    return ODD_TEXTS + questions[::5][:120]


def test_token_ids_match_the_bert_tokenizer(encoder: OnnxEncoder, base_model: Path, texts: list[str]) -> None:
    from transformers import AutoTokenizer

    reference = AutoTokenizer.from_pretrained(str(base_model))
    want = [reference(text, truncation=True, max_length=256)["input_ids"] for text in texts]
    assert encoder.token_ids(texts) == want


def test_embeddings_match_sentence_transformers(encoder: OnnxEncoder, base_model: Path, texts: list[str]) -> None:
    from sentence_model.torch_encoder import TorchEncoder

    want = TorchEncoder(base_model, threads=1).encode(texts, batch_size=16)
    got = encoder.encode(texts, batch_size=16)
    assert got.shape == want.shape == (len(texts), 384) and got.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)
    # Padding a short text beside a long one in the same batch must not change its vector.
    np.testing.assert_allclose(got, want, atol=1e-5)


def test_a_text_gets_the_same_vector_alone_or_in_any_batch(encoder: OnnxEncoder) -> None:
    together = encoder.encode(ODD_TEXTS, batch_size=64)
    alone = np.stack([encoder.encode([text])[0] for text in ODD_TEXTS])
    np.testing.assert_allclose(together, alone, atol=1e-5)
    np.testing.assert_allclose(encoder.encode(ODD_TEXTS, batch_size=2), alone, atol=1e-5)
    assert encoder.encode([]).shape == (0, 384)


def test_batches_group_texts_of_similar_length_shortest_first() -> None:
    lengths = [64, 10, 12, 25, 11, 70, 13]
    made = batches(lengths, batch_size=64)
    assert sorted(i for batch in made for i in batch) == list(range(len(lengths)))
    assert made == [[1, 4, 2], [6], [3], [0, 5]]  # 13 > 1.25 x 10 starts a new one
    for batch in made:
        assert max(lengths[i] for i in batch) <= 1.25 * min(lengths[i] for i in batch)
    assert all(len(batch) <= 2 for batch in batches([5] * 7, batch_size=2))


def test_a_model_that_is_not_mean_pooled_is_refused(base_model: Path, base_graph: Path, tmp_path: Path) -> None:
    copy = tmp_path / "cls-model"
    shutil.copytree(base_model, copy)
    (copy / "1_Pooling" / "config.json").write_text('{"pooling_mode_cls_token": true}')
    with pytest.raises(ValueError, match="mean-pooled"):
        OnnxEncoder(copy, base_graph)
