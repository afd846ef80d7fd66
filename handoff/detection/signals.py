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
  1). Scaled down by VADER's positive compound, so "THANK YOU SO MUCH!!" is joy, not shouting; a
  run of "!" alone in a message neither negative nor in capitals counts half (excitement).
- complaint: an explicit complaint about the service or the conversation (`data/complaints.txt`:
  "useless", "that's not what I asked", "third time", "waste of time", "I already told you").
- sarcasm: praise that reads as irony ("oh wonderful", "just what I needed", "great job") in a
  message that also names a real problem of the shop's ("ripped", "third week", "another link";
  read where the anger is aimed, so another shop's or the customer's own is none), from
  `data/irony.txt`: 1 or 0. VADER reads such a message as happy.

Who the anger is aimed at (aim.py): clauses in which the customer blames themselves or talks
about another shop are set aside before sentiment, insult, profanity and complaint are read; with
self-blame, mild swearing (strength below 1) does not count and sentiment counts half. A caps-lock
typist's calm words (`data/calm_caps.txt`: a greeting, "please", "can I", "thank you") in a
message with no other sign of anger make capitals count a quarter. In a message of clear joy
(VADER's compound 0.5 or more) mild swearing does not count either ("OMG I'M OBSESSED!!!!"), and
`data/shop_sentiment.txt` gives VADER the shop chat's sense of a few words ("obsessed" is praise).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from handoff.detection.aim import aim_of
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
# The spelling pass drops double quotes and keeps single ones; irony's scare quotes ("free" returns)
# are read either way.
_DOUBLE_QUOTES = str.maketrans({'"': "'", "\u201c": "'", "\u201d": "'"})
SELF_BLAME_SENTIMENT = 0.5  # what negative sentiment still counts beside self-blame
CALM_CAPS = 0.25  # what capitals still count from a calm caps-lock typist
# VADER's compound from which a message reads as joy (its authors' "positive" is 0.05; this is
# clearly so), and mild swearing in it is praise ("OMG I LOVE IT"), as it is at one's own mistakes.
JOY = 0.5
# What a run of "!" alone counts in a message that reads neither negative nor shouted in capitals:
# excitement ("been waiting all year for this sale!!! does it end tonight?") more often than anger;
# "?!?!" and capitals still count in full.
EXCLAIMED = 0.5


@dataclass(frozen=True)
class MessageSignals:
    sentiment: float = 0.0
    insult: float = 0.0
    profanity: float = 0.0
    shouting: float = 0.0
    complaint: float = 0.0
    sarcasm: float = 0.0
    compound: float = 0.0  # VADER's compound score, kept for the conversation signals
    evidence: dict[str, str] = field(default_factory=dict)  # signal -> what matched, for people reading logs

    def as_dict(self) -> dict[str, float]:
        return {
            "sentiment": self.sentiment,
            "insult": self.insult,
            "profanity": self.profanity,
            "shouting": self.shouting,
            "complaint": self.complaint,
            "sarcasm": self.sarcasm,
        }

    @property
    def anger(self) -> float:
        """The strongest direct sign of anger in the message, carried into later turns as `prior`."""
        return max(self.sentiment, self.insult, self.profanity, self.complaint, self.sarcasm)


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
        self.vader.lexicon.update(lexicon.shop_sentiment)
        self.analyze = lru_cache(maxsize=8192)(self._analyze)

    def _analyze(self, text: str) -> MessageSignals:
        aimed = aim_of(text, self.lexicon)
        # Read only what is aimed at the shop, the bot or nobody in particular.
        compound = float(self.vader.polarity_scores(aimed.rest)["compound"]) if aimed.rest else 0.0
        normalized = self.lexicon.spelling.normalize(aimed.rest)
        offence = self.lexicon.offensive.match(normalized)
        complaint = self.lexicon.complaints.first_match(normalized)
        if offence.profanity and not complaint:  # a swear word inside a complaint: "what a bloody joke"
            complaint = self.lexicon.complaints.first_match(self.lexicon.offensive.without_swearing(normalized))
        sentiment = max(0.0, -compound)
        profanity = offence.profanity
        if aimed.self_blame:
            sentiment *= SELF_BLAME_SENTIMENT
        if aimed.self_blame or compound >= JOY:
            profanity = profanity if profanity >= 1.0 else 0.0  # "omg I'm obsessed": swearing in praise
        whole = self.lexicon.spelling.normalize(text.translate(_DOUBLE_QUOTES))
        praise = self.lexicon.irony.praise.first_match(whole)
        # The problem must be the shop's: "my old boots leaked" (elsewhere) or "I ripped it" (self-blame) is none.
        problem = self.lexicon.irony.problem.first_match(normalized) if praise else None
        caps = caps_share(text)
        calm = (offence.insult == 0.0 and profanity < 1.0 and not complaint and compound > -0.3
                and self.lexicon.calm_caps.first_match(whole))
        if calm:
            caps *= CALM_CAPS
        punctuation = punctuation_run(text)
        # Read only when it may count: the runs are found again for their "?".
        if punctuation and compound >= 0.0 and caps < 0.5 and "?" not in "".join(_PUNCT_RUN.findall(text)):
            punctuation *= EXCLAIMED
        shouting = (0.5 * caps + 0.5 * punctuation) * (1.0 - max(0.0, compound))
        evidence = {}
        if offence.terms:
            evidence["offensive_terms"] = ", ".join(offence.terms)
        if complaint:
            evidence["complaint"] = complaint
        if praise and problem:
            evidence["sarcasm"] = f"{praise} / {problem}"
        if aimed.self_blame:
            evidence["self_blame"] = aimed.self_blame
        if aimed.elsewhere:
            evidence["elsewhere"] = aimed.elsewhere
        return MessageSignals(
            sentiment=sentiment,
            insult=offence.insult,
            profanity=profanity,
            shouting=round(shouting, 4),
            complaint=1.0 if complaint else 0.0,
            sarcasm=1.0 if praise and problem else 0.0,
            compound=compound,
            evidence=evidence,
        )
