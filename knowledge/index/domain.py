"""Whether a question is about the shop at all: a linear classifier over the embeddings.

The article classifier's "none of ours" class (classifier.py) mixes two kinds of question the
bot must treat differently: a shop question the help centre has no article for ("do you have
a store in Denver?"), which a person can answer, and a request no shop answers ("how do I cook
rice?", "write me a poem about boots"), which the bot declines and which must never reach a
person or get an article that shares a word with it. This classifier separates the second:
the shop's side is every passage and customer phrasing of the articles and the shop requests
no article covers (knowledge/negatives/not_covered.txt); the other side the requests of other
domains (knowledge/negatives/clinc150.txt). Its probability is compared with
`off_domain_threshold` in knowledge/retrieval.json (knowledge/index/decision.py).
"""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression


class DomainClassifier:
    def __init__(self, shop: np.ndarray, elsewhere: np.ndarray, c: float = 2.0) -> None:
        """`shop`: embeddings of shop questions and passages; `elsewhere`: of other domains' requests."""
        if not len(shop) or not len(elsewhere):
            raise ValueError("the domain classifier needs examples of both the shop and other domains")
        x = np.vstack([shop, elsewhere])
        y = np.concatenate([np.zeros(len(shop)), np.ones(len(elsewhere))])
        # Balanced: the help centre has more passages than there are other-domain examples, and
        # the bar should not move when either side grows.
        self.model = LogisticRegression(C=c, max_iter=400, class_weight="balanced")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            self.model.fit(x, y)

    def off_domain(self, query: np.ndarray) -> float:
        """P(the query is about something other than the shop)."""
        return float(self.model.predict_proba(query.reshape(1, -1))[0][1])
