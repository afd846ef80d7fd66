"""Which article a question belongs to, or none: a linear classifier over the embeddings.

Nearest-passage similarity asks "which sentence is closest"; a classifier trained on all of
an article's passages and customer phrasings learns which directions of the embedding matter
for that article, and an extra class trained on requests no help centre of a shop answers
(knowledge/negatives) gives the "not ours" probability that a similarity score cannot: an
unanswerable question is often close to some article in meaning ("cancel my Netflix
subscription" to cancelling an order) while being far from all of them as a class.

Fitting takes a second or two for the real help centre, so it runs at every (re)index and
needs no training step of its own.
"""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression


class ArticleClassifier:
    def __init__(self, article_ids: list[str], vectors: np.ndarray, owners: np.ndarray, negatives: np.ndarray,
                 c: float = 4.0) -> None:
        """`vectors[i]` belongs to `article_ids[owners[i]]`; `negatives` are embeddings of requests
        that no article answers."""
        labels = np.concatenate([owners, np.full(len(negatives), len(article_ids))])
        x = np.vstack([vectors, negatives]) if len(negatives) else vectors
        self.model = LogisticRegression(C=c, max_iter=300)
        with warnings.catch_warnings():
            # A few hundred lbfgs steps rank the articles well; full convergence changes nothing we use.
            warnings.simplefilter("ignore", ConvergenceWarning)
            self.model.fit(x, labels)
        # Column of each article in predict_proba's output (every article has passages, so all occur).
        classes = list(self.model.classes_)
        self._columns = np.array([classes.index(i) for i in range(len(article_ids))])
        self._none_column = classes.index(len(article_ids)) if len(negatives) else None

    def probabilities(self, query: np.ndarray) -> tuple[np.ndarray, float]:
        """P(article) for every article, in the order of `article_ids`, and P(no article)."""
        row = self.model.predict_proba(query.reshape(1, -1))[0]
        none = float(row[self._none_column]) if self._none_column is not None else 0.0
        return row[self._columns], none
