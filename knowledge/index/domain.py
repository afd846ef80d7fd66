"""Whether a question is about the shop at all: a linear classifier over the embeddings.

The article classifier's "none of ours" class (classifier.py) mixes two kinds of question the
bot must treat differently: a shop question the help centre has no article for ("do you have
a store in Denver?"), which a person can answer, and a request no shop answers ("how do I cook
rice?", "write me a poem about boots"), which the bot declines and which must never reach a
person or get an article that shares a word with it. This classifier separates the second:
the shop's side is every passage and customer phrasing of the articles, a misspelt copy of
the phrasings, and the shop requests no article covers (knowledge/negatives/not_covered.txt);
the other side the requests of other domains (knowledge/negatives/clinc150.txt and the many
more of knowledge/negatives/domain, decision 0275). Its probability is compared with
`off_domain_threshold` in knowledge/retrieval.json (knowledge/index/decision.py).
"""

from __future__ import annotations

import random
import warnings
from collections.abc import Callable

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression

# Of a phrasing's words of four letters or more, the share given a slip of the keyboard.
SLIP_SHARE = 0.4


def misspelt(text: str, rng: random.Random) -> str:
    """`text` as a customer in a hurry types it: some longer words lose a letter, swap two
    neighbours or double one (never the first letter). Lower case, as customers type."""
    words = []
    for word in text.lower().split():
        if len(word) >= 4 and word.isalpha() and rng.random() < SLIP_SHARE:
            i = rng.randrange(1, len(word) - 1)
            slip = rng.choice(("drop", "swap", "double"))
            if slip == "drop":
                word = word[:i] + word[i + 1:]
            elif slip == "swap":
                word = word[:i] + word[i + 1] + word[i] + word[i + 2:]
            else:
                word = word[:i] + word[i] + word[i:]
        words.append(word)
    return " ".join(words)


def misspelt_phrasings(phrasings: list[str], correct: Callable[[str], str] = str, seed: int = 7) -> list[str]:
    """A misspelt copy of each customer phrasing, put through `correct` (the spelling correction
    a query goes through), for the shop's side: a misspelt shop question ("pleas delet my
    acount") looked foreign to a classifier that had seen the shop's questions spelt well only,
    and rose to 0.97 (decision 0275). Copies the correction gives back as they were are left out:
    they teach nothing the phrasing does not."""
    rng = random.Random(seed)
    copies = [correct(misspelt(text, rng)) for text in phrasings]
    return list(dict.fromkeys(copy for copy, text in zip(copies, phrasings, strict=True) if copy != text.lower()))


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
