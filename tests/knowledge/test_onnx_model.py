"""The ONNX Runtime backend of the knowledge service's encoder against sentence-transformers:
the same embeddings for the same texts, a cached export, and the query memo's batching."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from knowledge.index.dense import Encoder, default_model_path
from knowledge.index.onnx_model import OnnxSentenceModel, mean_pooled

TEXTS = [
    "Where's my order #LK-10234?!", "CAFÉ naïve résumé", "price: $45.00 (incl. VAT) — 20% off",
    "  spaces\tand\nnew lines  ", "emoji 😀 and 中文字符 and ελληνικά", "", "a" * 150,
    "How long do refunds take? Or could I exchange it instead?", "word " * 300,
    "can i return a sweater i bought as a gift", "klarna",
]


@pytest.fixture(scope="module")
def onnx_encoder(knowledge_encoder: Encoder) -> Encoder:
    assert knowledge_encoder.backend == "onnx"
    return knowledge_encoder


@pytest.fixture(scope="module")
def torch_encoder() -> Encoder:
    return Encoder(backend="torch", threads=1)


def test_onnx_embeddings_match_sentence_transformers(onnx_encoder: Encoder, torch_encoder: Encoder) -> None:
    onnx = onnx_encoder.encode(TEXTS)
    reference = torch_encoder.encode(TEXTS)
    assert onnx.shape == reference.shape == (len(TEXTS), 384)
    np.testing.assert_allclose(np.linalg.norm(onnx, axis=1), 1.0, atol=1e-5)
    # Padding a short text beside a long one in the same batch must not change its vector.
    np.testing.assert_allclose(onnx, reference, atol=1e-5)


def test_batched_queries_equal_single_ones(onnx_encoder: Encoder) -> None:
    onnx_encoder.clear_query_cache()
    together = onnx_encoder.encode_queries(["klarna", "How long do refunds take? Or could I exchange it instead?"])
    onnx_encoder.clear_query_cache()
    alone = np.stack([onnx_encoder.encode_query("klarna"), onnx_encoder.encode_query(TEXTS[7])])
    np.testing.assert_allclose(together, alone, atol=1e-5)


def test_query_memo_is_bounded_and_keeps_the_recent(tmp_path: Path, onnx_encoder: Encoder) -> None:
    onnx_encoder.clear_query_cache()
    small = onnx_encoder.memo_size
    onnx_encoder.memo_size = 3
    try:
        for text in ["one", "two", "three", "four", "two"]:
            onnx_encoder.encode_query(text)
        assert list(onnx_encoder._memo) == ["three", "four", "two"]
        repeated = onnx_encoder.encode_queries(["two", "two"])
        assert repeated.shape == (2, 384)
    finally:
        onnx_encoder.memo_size = small
        onnx_encoder.clear_query_cache()


def test_the_export_is_reused_and_redone_for_another_model(tmp_path: Path, onnx_encoder: Encoder) -> None:
    first = OnnxSentenceModel(default_model_path(), tmp_path, threads=1)
    stamp = first.path.stat().st_mtime_ns
    again = OnnxSentenceModel(default_model_path(), tmp_path, threads=1)
    assert again.path == first.path and again.path.stat().st_mtime_ns == stamp
    # A copy of the model with one changed file is another model: exported under another name.
    copy = tmp_path / "changed-model"
    shutil.copytree(default_model_path(), copy)
    (copy / "vocab.txt").write_text((copy / "vocab.txt").read_text() + "\n")
    other = OnnxSentenceModel(copy, tmp_path, threads=1)
    assert other.path != first.path and other.path.exists()


def test_a_model_that_is_not_mean_pooled_is_refused_clearly(tmp_path: Path) -> None:
    copy = tmp_path / "cls-model"
    shutil.copytree(default_model_path(), copy)
    pooling = copy / "1_Pooling" / "config.json"
    pooling.write_text('{"word_embedding_dimension": 384, "pooling_mode_cls_token": true}')
    assert not mean_pooled(copy)
    with pytest.raises(ValueError, match="mean-pooled"):
        Encoder(copy, backend="onnx", cache_dir=tmp_path)


def test_the_onnx_backend_needs_a_cache_directory() -> None:
    with pytest.raises(ValueError, match="cache directory"):
        Encoder(backend="onnx")


def test_batches_group_texts_of_similar_length_shortest_first() -> None:
    from knowledge.index.onnx_model import _batches

    lengths = [64, 10, 12, 25, 11, 70, 13]
    batches = _batches(lengths, batch_size=64)
    assert sorted(i for batch in batches for i in batch) == list(range(len(lengths)))
    assert batches == [[1, 4, 2], [6], [3], [0, 5]]  # 13 > 1.25 x 10 starts a new one
    for batch in batches:
        assert max(lengths[i] for i in batch) <= 1.25 * min(lengths[i] for i in batch)
    assert all(len(batch) <= 2 for batch in _batches([5] * 7, batch_size=2))
