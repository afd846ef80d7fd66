"""The linear intent classifier trained for real on a small data set: predictions on unseen
phrasings, probabilities, persistence through Rasa's model storage, and odd input."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.components.linear_intent_classifier import LinearIntentClassifier
from bot.components.sentence_featurizer import MiniLMSentenceFeaturizer

# The MiniLM featurizer runs from the sentence model's ONNX export (tests/bot/conftest.py).
pytestmark = pytest.mark.usefixtures("sentence_export")

EXAMPLES = {
    "check_order_status": ["where is my order", "has my package shipped yet", "track my parcel",
                           "when will my delivery arrive", "what is the status of my order",
                           "my order hasn't come yet"],
    "request_return": ["I want to return these shoes", "how do I send an item back", "start a return",
                       "can I return my jacket", "I'd like to return something I bought",
                       "return the dress please"],
    "greet": ["hello", "hi there", "good morning", "hey", "hi", "hello, anyone there?"],
    "request_human": ["let me talk to a person", "I want a human agent", "connect me to customer service staff",
                      "can I speak to someone real", "get me a real person", "transfer me to an agent"],
}
# Phrasings not in the training data, most with no content word in common with it.
UNSEEN = [("my parcel never arrived", "check_order_status"), ("I'd like to send back a sweater", "request_return"),
          ("howdy", "greet"), ("is there a real person I could chat with", "request_human")]


def context(name: str) -> ExecutionContext:
    return ExecutionContext(graph_schema=None, node_name=name)  # type: ignore[arg-type]


class Pipeline:
    """Tokenizer, a word count-vector featurizer, MiniLM and the classifier, as Rasa chains them."""

    def __init__(self, storage_dir: Path, **config: Any) -> None:
        storage_dir.mkdir(parents=True, exist_ok=True)
        self.storage = LocalModelStorage(storage_dir)
        self.tokenizer = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())
        self.counts = CountVectorsFeaturizer.create(CountVectorsFeaturizer.get_default_config(), self.storage,
                                                    Resource("counts"), context("counts"))
        self.minilm = MiniLMSentenceFeaturizer.create(MiniLMSentenceFeaturizer.get_default_config(), self.storage,
                                                      Resource("minilm"), context("minilm"))
        self.config = {**LinearIntentClassifier.get_default_config(), **config}
        self.classifier = LinearIntentClassifier.create(self.config, self.storage, Resource("linear"),
                                                        context("linear"))

    def featurize(self, messages: list[Message]) -> list[Message]:
        self.tokenizer.process(messages)
        self.counts.process(messages)
        return self.minilm.process(messages)

    def train(self, examples: dict[str, list[str]]) -> Resource:
        data = TrainingData([Message(data={TEXT: t, "intent": i}) for i, texts in examples.items() for t in texts])
        self.tokenizer.process_training_data(data)
        self.counts.train(data)
        self.counts.process_training_data(data)
        self.minilm.process_training_data(data)
        return self.classifier.train(data)

    def parse(self, texts: list[str], classifier: LinearIntentClassifier | None = None) -> list[Message]:
        messages = self.featurize([Message(data={TEXT: t}) for t in texts])
        return (classifier or self.classifier).process(messages)


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> Pipeline:
    pipeline = Pipeline(tmp_path_factory.mktemp("storage"))
    pipeline.train(EXAMPLES)
    return pipeline


def test_unseen_phrasings_get_their_intent_with_a_softmax_ranking(trained: Pipeline) -> None:
    messages = trained.parse([text for text, _ in UNSEEN])
    assert [m.get("intent")["name"] for m in messages] == [intent for _, intent in UNSEEN]
    for message in messages:
        ranking = message.get("intent_ranking")
        confidences = [r["confidence"] for r in ranking]
        assert len(ranking) == len(EXAMPLES) and sorted(r["name"] for r in ranking) == sorted(EXAMPLES)
        assert confidences == sorted(confidences, reverse=True) and abs(sum(confidences) - 1) < 1e-6
        assert message.get("intent") == ranking[0]
    # A training sentence is recognised more surely than a loose paraphrase of it.
    exact, loose = trained.parse(["track my parcel", "could you maybe look into where my stuff is"])
    assert exact.get("intent")["confidence"] > loose.get("intent")["confidence"]


def test_cross_validation_chose_one_of_the_configured_values(trained: Pipeline) -> None:
    meta = trained.classifier.meta
    assert meta["C"] in trained.config["C"] and set(meta["cross_validation_accuracy"]) == {
        str(float(c)) for c in trained.config["C"]}
    assert meta["examples"] == sum(len(t) for t in EXAMPLES.values()) and meta["n_features"] == 384


def test_the_stored_model_gives_the_same_answers(trained: Pipeline) -> None:
    loaded = LinearIntentClassifier.load(trained.config, trained.storage, Resource("linear"), context("linear"))
    texts = [text for text, _ in UNSEEN] + ["something else entirely"]
    before = [m.get("intent_ranking") for m in trained.parse(texts)]
    after = [m.get("intent_ranking") for m in trained.parse(texts, loaded)]
    assert [[r["name"] for r in rank] for rank in before] == [[r["name"] for r in rank] for rank in after]
    assert np.allclose([[r["confidence"] for r in rank] for rank in before],
                       [[r["confidence"] for r in rank] for rank in after], atol=1e-5)


def test_a_message_without_features_gets_no_intent_and_confidence_zero(trained: Pipeline) -> None:
    empty, text = Message(data={TEXT: ""}), Message(data={TEXT: "hello"})
    trained.classifier.process([empty, text])  # not featurised: neither has a sentence feature
    for message in (empty, text):
        assert message.get("intent") == {"name": None, "confidence": 0.0} and message.get("intent_ranking") == []
    odd = trained.parse(["🙂", "?!", "x" * 3000])
    assert all(m.get("intent")["name"] in EXAMPLES for m in odd)


def test_an_untrained_or_unstored_classifier_predicts_nothing(tmp_path: Path) -> None:
    storage = LocalModelStorage(tmp_path)
    config = LinearIntentClassifier.get_default_config()
    loaded = LinearIntentClassifier.load(config, storage, Resource("never-trained"), context("linear"))
    message = Message(data={TEXT: "hello"})
    message.add_features(Features(np.ones((1, 384)), FEATURE_TYPE_SENTENCE, TEXT, "minilm"))
    assert loaded.weights is None
    assert loaded.process([message])[0].get("intent") == {"name": None, "confidence": 0.0}


def test_one_intent_is_predicted_with_certainty_and_two_intents_keep_softmax(tmp_path: Path) -> None:
    one = Pipeline(tmp_path / "one", C=1.0)
    one.train({"greet": EXAMPLES["greet"]})
    assert one.parse(["where is my order"])[0].get("intent") == {"name": "greet", "confidence": 1.0}
    two = Pipeline(tmp_path / "two", C=10.0)
    two.train({k: EXAMPLES[k] for k in ("greet", "request_human")})
    message = two.parse(["hey there"])[0]
    assert message.get("intent")["name"] == "greet"
    assert abs(sum(r["confidence"] for r in message.get("intent_ranking")) - 1) < 1e-6
    loaded = LinearIntentClassifier.load(two.config, two.storage, Resource("linear"), context("linear"))
    assert two.parse(["hey there"], loaded)[0].get("intent")["name"] == "greet"


def test_sparse_features_are_joined_to_the_embedding(tmp_path: Path) -> None:
    pipeline = Pipeline(tmp_path, use_sparse_features=True, C=[10.0])
    pipeline.train(EXAMPLES)
    assert pipeline.classifier.meta["n_features"] > 384
    messages = pipeline.parse([text for text, _ in UNSEEN])
    assert [m.get("intent")["name"] for m in messages] == [intent for _, intent in UNSEEN]


def test_features_of_another_size_than_trained_on_are_refused(trained: Pipeline) -> None:
    message = Message(data={TEXT: "where is my order"})
    message.add_features(Features(np.ones((1, 10)), FEATURE_TYPE_SENTENCE, TEXT, "another"))
    with pytest.raises(InvalidConfigException, match="featurizers changed"):
        trained.classifier.process([message])


def test_familiarity_lowers_what_is_unlike_the_training_data_and_is_stored(trained: Pipeline,
                                                                           tmp_path: Path) -> None:
    familiar = Pipeline(tmp_path, familiarity_power=2.0)
    familiar.train(EXAMPLES)
    assert familiar.classifier.familiarity is not None
    assert familiar.classifier.familiarity.examples.shape == (sum(len(t) for t in EXAMPLES.values()), 384)
    texts = ["where is my order", "what is the boiling point of mercury", "my parcel never arrived"]
    plain, scaled = trained.parse(texts), familiar.parse(texts)
    for before, after in zip(plain, scaled, strict=True):
        assert after.get("intent")["name"] == before.get("intent")["name"]
        assert after.get("intent")["confidence"] <= before.get("intent")["confidence"] + 1e-9
        assert sum(r["confidence"] for r in after.get("intent_ranking")) <= 1 + 1e-6
    # A training sentence keeps its confidence (similarity 1); chemistry loses most of it.
    assert scaled[0].get("intent")["confidence"] == pytest.approx(plain[0].get("intent")["confidence"], abs=1e-4)
    ratio = [a.get("intent")["confidence"] / b.get("intent")["confidence"] for a, b in zip(scaled, plain, strict=True)]
    assert ratio[1] < 0.5 * ratio[2]
    loaded = LinearIntentClassifier.load(familiar.config, familiar.storage, Resource("linear"), context("linear"))
    again = familiar.parse(texts, loaded)
    assert np.allclose([m.get("intent")["confidence"] for m in again],
                       [m.get("intent")["confidence"] for m in scaled], atol=1e-5)


@pytest.mark.parametrize("bad", [{"C": 0}, {"C": []}, {"C": "ten"}, {"cross_validation_folds": 1},
                                 {"class_weight": "heavy"}, {"familiarity_power": -1},
                                 {"familiarity_power": "square"}])
def test_bad_configuration_is_refused_by_name(bad: dict[str, Any]) -> None:
    with pytest.raises(InvalidConfigException, match=next(iter(bad))):
        LinearIntentClassifier.validate_config({**LinearIntentClassifier.get_default_config(), **bad})
