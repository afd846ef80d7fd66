"""The MiniLM sentence featurizer as Rasa runs it: model lookup, features on messages, errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.components.sentence_featurizer import MiniLMSentenceFeaturizer, resolve_model_dir


@pytest.fixture(scope="module")
def featurizer(tmp_path_factory: pytest.TempPathFactory) -> MiniLMSentenceFeaturizer:
    storage = LocalModelStorage(tmp_path_factory.mktemp("storage"))
    config = {**MiniLMSentenceFeaturizer.get_default_config(), "batch_size": 2}
    return MiniLMSentenceFeaturizer.create(config, storage, Resource("minilm"),
                                           ExecutionContext(graph_schema=None, node_name="minilm"))  # type: ignore[arg-type]


def sentence_vector(message: Message) -> np.ndarray:
    _, sentence = message.get_dense_features(TEXT, ["minilm"])
    assert sentence is not None
    return sentence.features[0]


def test_the_packaged_model_is_found_without_configuration() -> None:
    path = resolve_model_dir(None)
    assert (path / "model.safetensors").is_file() and (path / "vocab.txt").is_file()


def test_a_directory_that_is_no_model_is_refused_by_name(tmp_path: Path) -> None:
    with pytest.raises(InvalidConfigException, match=r"missing config\.json, vocab\.txt, model\.safetensors"):
        resolve_model_dir(str(tmp_path))


def test_the_environment_variable_names_the_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BATON_SENTENCE_MODEL", str(tmp_path / "elsewhere"))
    with pytest.raises(InvalidConfigException, match="elsewhere"):
        resolve_model_dir(None)


def test_another_model_changes_the_training_fingerprint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    from rasa.engine.training.fingerprinting import calculate_fingerprint_key

    config = MiniLMSentenceFeaturizer.get_default_config()

    def key() -> str:
        return calculate_fingerprint_key(MiniLMSentenceFeaturizer, config, {"data": "the same training data"})

    packaged = key()
    assert key() == packaged  # nothing changed: Rasa may reuse the cached features
    copy = tmp_path / "copy"
    shutil.copytree(resolve_model_dir(None), copy)
    monkeypatch.setenv("BATON_SENTENCE_MODEL", str(copy))
    assert key() == packaged  # the same files elsewhere are the same model
    weights = bytearray((copy / "model.safetensors").read_bytes())
    weights[-1] ^= 0xFF  # one byte of the last weight: a fine-tuned model looks like this
    (copy / "model.safetensors").write_bytes(bytes(weights))
    assert key() != packaged  # the config is the same, the features are not: train again


def test_a_bad_batch_size_is_a_configuration_error() -> None:
    with pytest.raises(InvalidConfigException, match="batch_size"):
        MiniLMSentenceFeaturizer.validate_config({"batch_size": 0})


def test_messages_get_one_normalised_sentence_feature_and_no_sequence_one(
        featurizer: MiniLMSentenceFeaturizer) -> None:
    messages = [Message(data={TEXT: "where is my parcel"}), Message(data={TEXT: "my package never arrived"}),
                Message(data={TEXT: "can I pay with Klarna"}), Message(data={})]
    featurizer.process(messages)
    vectors = [sentence_vector(m) for m in messages[:3]]
    assert all(v.shape == (384,) and abs(float(np.linalg.norm(v)) - 1) < 1e-4 for v in vectors)
    sequence, _ = messages[0].get_dense_features(TEXT, ["minilm"])
    assert sequence is None
    assert messages[3].features == []
    # Same meaning, no shared content word: closer than a different request.
    assert float(vectors[0] @ vectors[1]) > float(vectors[0] @ vectors[2]) + 0.2


def test_training_data_is_featurised_the_same_way_as_messages(featurizer: MiniLMSentenceFeaturizer) -> None:
    texts = ["I want to return my boots", "how long does shipping take", "¿dónde está mi pedido?"]
    data = TrainingData([Message(data={TEXT: t, "intent": "x"}) for t in texts])
    featurizer.process_training_data(data)
    alone = featurizer.process([Message(data={TEXT: texts[1]})])[0]
    assert np.allclose(sentence_vector(data.training_examples[1]), sentence_vector(alone), atol=1e-5)


@pytest.fixture(scope="module")
def onnx_graph(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The export ./baton makes before training (BATON_SENTENCE_ONNX), or one made here with the
    services' environment, which has the torch the export needs."""
    import os
    import subprocess

    from bot.components.sentence_featurizer import ONNX_ENV

    if os.environ.get(ONNX_ENV):
        return Path(os.environ[ONNX_ENV])
    root = Path(__file__).resolve().parents[3]
    out = subprocess.run([str(root / ".venvs" / "svc" / "bin" / "python"), "-m", "knowledge.index.onnx_model",
                          "--out", str(tmp_path_factory.mktemp("onnx"))], cwd=root, check=True,
                         capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(root)})
    return Path(out.stdout.strip().splitlines()[-1])


def test_onnx_runtime_gives_the_numpy_vectors(onnx_graph: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.components.minilm.encoder import MiniLM
    from bot.components.minilm.onnx_runtime import OnnxMiniLM
    from bot.components.sentence_featurizer import ONNX_ENV, load_model

    texts = ["hi", "Where's my order #LK-100231?!", "CAFÉ naïve résumé 😀", "word " * 300, "",
             "I mailed the sweater back two weeks ago. When do I get my money?"]
    reference = MiniLM(resolve_model_dir(None)).encode(texts, batch_size=4)
    monkeypatch.setenv(ONNX_ENV, str(onnx_graph))
    model = load_model(resolve_model_dir(None))
    assert isinstance(model, OnnxMiniLM)
    np.testing.assert_allclose(model.encode(texts, batch_size=4), reference, atol=1e-5)
    monkeypatch.setenv(ONNX_ENV, "")
    assert isinstance(load_model(resolve_model_dir(None)), MiniLM)


def test_an_export_of_another_model_or_no_file_is_refused(
    onnx_graph: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json
    import shutil

    from bot.components.sentence_featurizer import ONNX_ENV, load_model

    other = tmp_path / "other-model"
    shutil.copytree(resolve_model_dir(None), other)
    config = json.loads((other / "config.json").read_text())
    (other / "config.json").write_text(json.dumps({**config, "layer_norm_eps": 0.5}))  # another model's vectors
    monkeypatch.setenv(ONNX_ENV, str(onnx_graph))
    with pytest.raises(InvalidConfigException, match="is not an export of"):
        load_model(other)
    monkeypatch.setenv(ONNX_ENV, str(tmp_path / "missing.onnx"))
    with pytest.raises(InvalidConfigException, match="is not a file"):
        load_model(resolve_model_dir(None))
