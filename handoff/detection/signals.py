"""Frustration signals read from one customer message, each a number from 0 (absent) to 1.

- sentiment: how negative the message reads to VADER (a maintained lexicon-and-rules sentiment
  model): max(0, -compound). Negative news told calmly ("so sad the sweater sold out") scores
  here too; the fitted weight and the other signals decide whether that means frustration.
- insult: strongest insult in the message (`data/offensive_terms.txt`, kind insult): words aimed at
  the bot, the shop or its people ("useless", "idiot", "scam").
- profanity: strongest swear word (same file, kind profanity). Mild ones ("damn", "crap") are weak
  on purpose, as people also swear at their own mistakes or in praise.
- shouting: capitals and repeated punctuation. Half from the share of letters in all-caps words
  (acronyms such as UPS or LK excluded), half from the longest run of "!"/"?" ("??" 0.5, "?!?!"
  1). Scaled down by VADER's positive compound, so "THANK YOU SO MUCH!!" is joy, not shouting.
- complaint: an explicit complaint about the service or the conversation (`data/complaints.txt`:
  "useless", "that's not what I asked", "third time", "waste of time", "I already told you").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from handoff.detection.lexicon import Lexicon

# All-caps words that are names, not shouting.
_ACRONYMS = frozenset(
    {
        *("UK", "US", "USA", "EU", "LK", "UPS", "USPS", "DHL", "FAQ", "VAT", "PO", "ID", "XS", "XL", "XXL", "XXS"),
        *("GDPR", "CCPA", "EST", "ET", "PM", "AM", "OK", "TV", "DM", "PDF", "CAD", "USD", "EUR", "GBP"),
    }
)
_WORD = re.compile(r"[A-Za-z]+")
_PUNCT_RUN = re.compile(r"[!?]{2,}")


@dataclass(frozen=True)
class MessageSignals:
    sentiment: float = 0.0
    insult: float = 0.0
    profanity: float = 0.0
    shouting: float = 0.0
    complaint: float = 0.0
    compound: float = 0.0  # VADER's compound score, kept for the conversation signals
    evidence: dict[str, str] = field(default_factory=dict)  # signal -> what matched, for people reading logs

    def as_dict(self) -> dict[str, float]:
        return {
            "sentiment": self.sentiment,
            "insult": self.insult,
            "profanity": self.profanity,
            "shouting": self.shouting,
            "complaint": self.complaint,
        }

    @property
    def anger(self) -> float:
        """The strongest direct sign of anger in the message, carried into later turns as `prior`."""
        return max(self.sentiment, self.insult, self.profanity, self.complaint)


def caps_share(text: str) -> float:
    words = [word for word in _WORD.findall(text) if not (word.isupper() and word in _ACRONYMS)]
    letters = sum(len(word) for word in words)
    if letters < 4:  # "OK", "NO": too short to tell shouting from a short answer
        return 0.0
    shouted = sum(len(word) for word in words if len(word) >= 2 and word.isupper())
    return shouted / letters


def punctuation_run(text: str) -> float:
    longest = max((len(run) for run in _PUNCT_RUN.findall(text)), default=0)
    if longest == 0:
        return 0.0
    return min(1.0, (longest - 1) / 2)


class MessageAnalyzer:
    """Computes `MessageSignals` for a text; VADER and the lexicon are loaded once."""

    def __init__(self, lexicon: Lexicon, vader: SentimentIntensityAnalyzer | None = None) -> None:
        self.lexicon = lexicon
        self.vader = vader or SentimentIntensityAnalyzer()
        self.analyze = lru_cache(maxsize=8192)(self._analyze)

    def _analyze(self, text: str) -> MessageSignals:
        compound = float(self.vader.polarity_scores(text)["compound"])
        normalized = self.lexicon.spelling.normalize(text)
        offence = self.lexicon.offensive.match(normalized)
        complaint = self.lexicon.complaints.first_match(normalized)
        shouting = (0.5 * caps_share(text) + 0.5 * punctuation_run(text)) * (1.0 - max(0.0, compound))
        evidence = {}
        if offence.terms:
            evidence["offensive_terms"] = ", ".join(offence.terms)
        if complaint:
            evidence["complaint"] = complaint
        return MessageSignals(
            sentiment=max(0.0, -compound),
            insult=offence.insult,
            profanity=offence.profanity,
            shouting=round(shouting, 4),
            complaint=1.0 if complaint else 0.0,
            compound=compound,
            evidence=evidence,
        )
