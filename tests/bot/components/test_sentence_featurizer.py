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
