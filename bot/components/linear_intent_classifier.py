"""An intent classifier for Rasa 3.6: multinomial logistic regression over sentence features.

Why not DIET: with the MiniLM sentence embedding already in the message, a linear model over it
is far ahead of DIET trained from scratch (CLINC150 and BANKING77, docs/benchmarks.md), trains
in seconds instead of minutes, and needs no TensorFlow graph. Why not Rasa's
SklearnIntentClassifier: its SVM's Platt-scaled one-against-one probabilities are spread thin
over many intents and mean little, so the FallbackClassifier's threshold has nothing steady to
stand on; a multinomial logistic regression gives softmax probabilities fitted by log-loss,
which are calibrated well enough for a threshold chosen on data to carry over.

Features: the message's dense sentence features (the MiniLM embedding), optionally with its
sparse sentence features (the CountVectorsFeaturizers' bags of words and character n-grams),
L2-normalised so the two blocks weigh alike. C is a number, or a list from which stratified
cross-validation picks the most accurate. Only the weights are stored (NumPy .npz, no pickle),
so a model does not depend on the scikit-learn version that trained it.

With `familiarity_power` above 0 the probabilities are multiplied by the message embedding's
similarity to the nearest training example, to that power (familiarity.py): a request unlike
anything taught loses confidence even when the softmax is sure, so the FallbackClassifier
catches more of what no intent covers. The ranking then sums to less than one; the rest is
"none of these".
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
import rasa.shared.utils.io
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers import LABEL_RANKING_LENGTH
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.components.familiarity import Familiarity

logger = logging.getLogger(__name__)

WEIGHTS_FILE = "weights.npz"
META_FILE = "meta.json"
Features = scipy.sparse.csr_matrix | np.ndarray


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class LinearIntentClassifier(GraphComponent, IntentClassifier):
    """Sets `intent` and `intent_ranking` from a softmax over linear scores of the features."""

    @classmethod
    def required_components(cls) -> list[type]:
        return [DenseFeaturizer]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            # Inverse regularisation strength; a list is searched by cross-validation. Unit-norm
            # embeddings need a large C: the grid spans what won on the bot's data and CLINC150.
            "C": [1.0, 10.0, 100.0],
            "cross_validation_folds": 3,
            # Also use the sparse sentence features (bags of words and character n-grams).
            "use_sparse_features": False,
            # "balanced" weighs small intents up; None counts every example once.
            "class_weight": None,
            "max_iter": 2000,
            # The featurizers whose features are used (their names in the pipeline); [] = all.
            "featurizers": [],
            "ranking_length": LABEL_RANKING_LENGTH,
            # Multiply the probabilities by the similarity to the nearest training example to
            # this power; 0 leaves them as the softmax gives them.
            "familiarity_power": 0.0,
        }

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        values = config["C"] if isinstance(config["C"], list) else [config["C"]]
        if not values or any(not isinstance(c, (int, float)) or c <= 0 for c in values):
            raise InvalidConfigException(f"LinearIntentClassifier: C must be a positive number or a "
                                         f"non-empty list of them, not {config['C']!r}.")
        if int(config["cross_validation_folds"]) < 2:
            raise InvalidConfigException("LinearIntentClassifier: cross_validation_folds must be at least 2.")
        power = config.get("familiarity_power", 0.0)
        if not isinstance(power, (int, float)) or isinstance(power, bool) or power < 0:
            raise InvalidConfigException(f"LinearIntentClassifier: familiarity_power must be a number of at "
                                         f"least 0, not {power!r}.")
        if config["class_weight"] not in (None, "balanced"):
            raise InvalidConfigException("LinearIntentClassifier: class_weight is null or \"balanced\".")

    def __init__(self, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
                 classes: list[str] | None = None, weights: np.ndarray | None = None,
                 bias: np.ndarray | None = None, meta: dict[str, Any] | None = None,
                 familiarity: Familiarity | None = None) -> None:
        self.validate_config(config)
        self.component_config = config
        self._model_storage = model_storage
        self._resource = resource
        # weights: (intents, features), bias: (intents,). None until trained: no prediction.
        self.classes = classes or []
        self.weights = weights
        self.bias = bias
        self.meta = meta or {}
        self.familiarity = familiarity

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> LinearIntentClassifier:
        return cls(config, model_storage, resource)

    @staticmethod
    def required_packages() -> list[str]:
        return ["sklearn"]

    # -- features ---------------------------------------------------------------------------

    def _dense(self, message: Message) -> np.ndarray | None:
        """The message's dense sentence features as one row (the embedding), or None."""
        _, dense = message.get_dense_features(TEXT, self.component_config["featurizers"] or None)
        return None if dense is None else np.asarray(dense.features, dtype=np.float64).reshape(1, -1)

    def _features(self, message: Message, row: np.ndarray | None) -> Features | None:
        """One row of features from the message's dense row (`_dense`), or None when it has none."""
        if row is None or not self.component_config["use_sparse_features"]:
            return row
        _, sparse = message.get_sparse_features(TEXT, self.component_config["featurizers"] or None)
        # A featurizer that saw no known word still yields a (zero) row; none at all means
        # the pipeline has no sparse featurizer, which train() reports as a configuration error.
        if sparse is None:
            return None
        counts = scipy.sparse.csr_matrix(sparse.features, dtype=np.float64)
        norm = float(np.sqrt(counts.multiply(counts).sum()))
        if norm > 0:
            counts = counts / norm
        return scipy.sparse.hstack([scipy.sparse.csr_matrix(row), counts], format="csr")

    @staticmethod
    def _stack(rows: list[Features]) -> Features:
        if any(scipy.sparse.issparse(r) for r in rows):
            return scipy.sparse.vstack(rows, format="csr")
        return np.vstack(rows)

    # -- training ---------------------------------------------------------------------------

    def _fit(self, x: Features, y: np.ndarray, c: float) -> Any:
        from sklearn.linear_model import LogisticRegression

        # lbfgs with more than two classes fits the multinomial (softmax) model, whose
        # probabilities are the ones served; one-vs-rest would not sum to one.
        model = LogisticRegression(C=c, class_weight=self.component_config["class_weight"],
                                   max_iter=int(self.component_config["max_iter"]))
        return model.fit(x, y)

    def _choose_c(self, x: Features, y: np.ndarray) -> tuple[float, dict[str, float]]:
        """The C of the list with the best mean held-out accuracy (the smaller on ties: more
        regularised, softer probabilities). A single value, or too few examples, skips it."""
        values = self.component_config["C"] if isinstance(self.component_config["C"], list) else [
            self.component_config["C"]]
        folds = min(int(self.component_config["cross_validation_folds"]), int(np.bincount(y).min()))
        if len(values) == 1 or folds < 2:
            return float(sorted(values)[len(values) // 2]), {}
        from sklearn.model_selection import StratifiedKFold

        scores: dict[str, float] = {}
        for c in sorted(float(v) for v in values):
            right = 0
            for train, held in StratifiedKFold(folds, shuffle=True, random_state=0).split(np.zeros(len(y)), y):
                right += int((self._fit(x[train], y[train], c).predict(x[held]) == y[held]).sum())
            scores[str(c)] = right / len(y)
        best = max(scores.values())
        return next(float(c) for c, s in scores.items() if s >= best - 1e-12), scores

    def train(self, training_data: TrainingData) -> Resource:
        # The embeddings once: the features and the familiarity examples are both made from them.
        embeddings = [self._dense(m) for m in training_data.intent_examples]
        examples = [(m.get(INTENT), self._features(m, e))
                    for m, e in zip(training_data.intent_examples, embeddings, strict=True)]
        usable = [(label, row) for label, row in examples if row is not None]
        if self.component_config["use_sparse_features"] and examples and not any(
                m.get_sparse_features(TEXT, self.component_config["featurizers"] or None)[1] is not None
                for m in training_data.intent_examples):
            raise InvalidConfigException("LinearIntentClassifier: use_sparse_features is set but the "
                                         "pipeline adds no sparse sentence features.")
        if len(usable) < len(examples):
            logger.warning(f"LinearIntentClassifier: {len(examples) - len(usable)} training examples "
                           f"have no sentence features and are left out.")
        self.classes = sorted({label for label, _ in usable})
        if not self.classes:
            rasa.shared.utils.io.raise_warning("LinearIntentClassifier: no intent examples with features; "
                                               "every message will get no intent (and the fallback).")
            return self._resource
        x = self._stack([row for _, row in usable])
        if len(self.classes) == 1:
            # Nothing to tell apart: the one intent, with certainty (a zero model does that).
            self.weights, self.bias, chosen, scores = np.zeros((1, x.shape[1])), np.zeros(1), None, {}
        else:
            y = np.array([self.classes.index(label) for label, _ in usable])
            chosen, scores = self._choose_c(x, y)
            model = self._fit(x, y, chosen)
            self.weights, self.bias = model.coef_, model.intercept_
            if len(self.classes) == 2:
                # Binary: sklearn keeps one row, p(second) = sigmoid(w.x + b) = softmax([0, w.x + b]).
                self.weights = np.vstack([np.zeros_like(self.weights), self.weights])
                self.bias = np.concatenate([[0.0], self.bias])
        if self.component_config["familiarity_power"] > 0:
            self.familiarity = Familiarity(np.vstack([e for e in embeddings if e is not None]))
        self.meta = {"classes": self.classes, "n_features": int(x.shape[1]), "C": chosen,
                     "cross_validation_accuracy": scores, "examples": len(usable)}
        logger.info(f"LinearIntentClassifier: {len(usable)} examples, {len(self.classes)} intents, "
                    f"{x.shape[1]} features, C={chosen} (cross-validation accuracy {scores})")
        self.persist()
        return self._resource

    # -- prediction -------------------------------------------------------------------------

    def predict_proba(self, x: Features) -> np.ndarray:
        """Softmax probabilities, one row per feature row, columns in `self.classes` order."""
        assert self.weights is not None and self.bias is not None
        scores = np.asarray(x @ self.weights.T) + self.bias
        scores -= scores.max(axis=1, keepdims=True)  # exp() of large scores would overflow
        exp = np.exp(scores)
        return exp / exp.sum(axis=1, keepdims=True)

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            dense = self._dense(message) if self.weights is not None else None
            row = self._features(message, dense)
            if row is not None and row.shape[1] != self.weights.shape[1]:  # type: ignore[union-attr]
                raise InvalidConfigException(
                    f"LinearIntentClassifier: the message has {row.shape[1]} features, the model was "
                    f"trained on {self.weights.shape[1]}; the featurizers changed without retraining.")  # type: ignore[union-attr]
            if row is None:
                # No text (or no model): no intent, confidence 0, which the FallbackClassifier
                # turns into nlu_fallback, rather than an exception for the whole message.
                message.set(INTENT, {"name": None, "confidence": 0.0}, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [], add_to_output=True)
                continue
            probabilities = self.predict_proba(row)[0]
            # Ranked by the softmax: a factor of 0 (nothing alike at all) must not reorder the intents.
            order = np.argsort(-probabilities, kind="stable")[: int(self.component_config["ranking_length"])]
            if self.familiarity is not None and self.component_config["familiarity_power"] > 0:
                probabilities = probabilities * self.familiarity.factor(
                    dense, float(self.component_config["familiarity_power"]))[0]
            ranking = [{"name": self.classes[i], "confidence": float(probabilities[i])} for i in order]
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages

    # -- storage ----------------------------------------------------------------------------

    def persist(self) -> None:
        if self.weights is None or self.bias is None:
            return
        with self._model_storage.write_to(self._resource) as directory:
            # float32 halves the file (CLINC150 with n-grams: 150 x ~100k weights); the
            # probabilities differ from float64's in the seventh digit.
            familiar = {} if self.familiarity is None else {"familiar": self.familiarity.examples}
            np.savez_compressed(directory / WEIGHTS_FILE, weights=self.weights.astype(np.float32),
                                bias=self.bias.astype(np.float32), **familiar)
            rasa.shared.utils.io.dump_obj_as_json_to_file(directory / META_FILE, self.meta)

    @classmethod
    def load(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> LinearIntentClassifier:
        try:
            with model_storage.read_from(resource) as directory:
                meta = rasa.shared.utils.io.read_json_file(directory / META_FILE)
                with np.load(directory / WEIGHTS_FILE, allow_pickle=False) as stored:
                    weights, bias = stored["weights"].astype(np.float64), stored["bias"].astype(np.float64)
                    familiarity = Familiarity(stored["familiar"]) if "familiar" in stored.files else None
        except ValueError:
            # Rasa's storage says ValueError when the resource was never written (no training
            # data): an untrained classifier, as Rasa's own classifiers do.
            logger.debug(f"LinearIntentClassifier: nothing stored under {resource.name}; untrained.")
            return cls(config, model_storage, resource)
        return cls(config, model_storage, resource, list(meta["classes"]), weights, bias, meta, familiarity)
