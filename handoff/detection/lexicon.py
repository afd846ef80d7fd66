"""The word lists and patterns in `handoff/detection/data/`, loaded once and matched against a message.

Customers type fast and angry, so before matching, a word that is one keystroke away from a word
the lists use (a letter missing, one extra, two swapped: "usless", "agnet", "frustrted") is read as
that word. Substituted letters are not corrected: "regard" must not become "retard".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"

_TOKEN = re.compile(r"[a-z0-9*']+")


def _lines(path: Path) -> list[str]:
    if not path.is_file():
        raise FileNotFoundError(f"detection word list not found: {path}")
    lines = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def _term_regex(term: str) -> re.Pattern[str]:
    # A trailing "*" after a letter is a prefix wildcard; other "*" are literal (masked swearing: f***).
    wildcard = len(term) > 1 and term.endswith("*") and term[-2].isalpha()
    body = re.escape(term[:-1] if wildcard else term).replace(r"\ ", r"\s+")
    tail = r"[\w*']*" if wildcard else ""
    return re.compile(rf"(?<![\w*]){body}{tail}(?![\w*])")


def _one_keystroke_apart(token: str, word: str) -> bool:
    """True if token is word with one letter missing, one extra, or two neighbours swapped."""
    if token == word or token[0] != word[0]:
        return False
    if len(token) + 1 == len(word):
        return any(word[:i] + word[i + 1 :] == token for i in range(len(word)))
    if len(token) == len(word) + 1:
        return any(token[:i] + token[i + 1 :] == word for i in range(len(token)))
    if len(token) == len(word):
        diffs = [i for i in range(len(word)) if token[i] != word[i]]
        return len(diffs) == 2 and diffs[1] == diffs[0] + 1 and token[diffs[0]] == word[diffs[1]] and (
            token[diffs[1]] == word[diffs[0]]
        )
    return False


class SpellingNormalizer:
    """Reads near-misses of the lists' own words as those words; leaves every other word alone."""

    def __init__(self, vocabulary: set[str], known_words: set[str]) -> None:
        self.vocabulary = {word for word in vocabulary if len(word) >= 5}
        self.known = known_words | vocabulary
        self._by_initial: dict[str, list[str]] = {}
        for word in sorted(self.vocabulary):
            self._by_initial.setdefault(word[0], []).append(word)

    def correct(self, token: str) -> str:
        if len(token) < 4 or token in self.known or not token.isalpha():
            return token
        for word in self._by_initial.get(token[0], ()):
            if abs(len(word) - len(token)) <= 1 and _one_keystroke_apart(token, word):
                return word
        return token

    def normalize(self, text: str) -> str:
        return " ".join(self.correct(token) for token in _TOKEN.findall(text.lower().replace("\u2019", "'")))


@dataclass(frozen=True)
class Offence:
    insult: float
    profanity: float
    terms: tuple[str, ...]


class OffensiveTerms:
    """Insults (aimed at someone) and profanity (swearing), each with a strength from the data file."""

    def __init__(self, path: Path) -> None:
        self.entries: list[tuple[str, float, str, re.Pattern[str]]] = []
        for line in _lines(path):
            parts = line.split(maxsplit=2)
            if len(parts) != 3 or parts[0] not in ("insult", "profanity"):
                raise ValueError(f"{path}: expected '<insult|profanity> <strength> <term>', got {line!r}")
            kind, strength, term = parts[0], float(parts[1]), parts[2].lower()
            self.entries.append((kind, strength, term, _term_regex(term)))

    def words(self) -> set[str]:
        return {word for _, _, term, _ in self.entries for word in re.findall(r"[a-z]+", term)}

    def match(self, normalized: str) -> Offence:
        strength = {"insult": 0.0, "profanity": 0.0}
        found: list[str] = []
        for kind, value, term, regex in self.entries:
            if regex.search(normalized):
                strength[kind] = max(strength[kind], value)
                found.append(term)
        return Offence(strength["insult"], strength["profanity"], tuple(found))

    def without_swearing(self, normalized: str) -> str:
        """The text with its swear words taken out: "thanks for bloody nothing" is "thanks for nothing"."""
        for kind, _, _, regex in self.entries:
            if kind == "profanity":
                normalized = regex.sub(" ", normalized)
        return " ".join(normalized.split())


class PatternList:
    """Regular expressions from a data file, one a line, matched case-insensitively."""

    def __init__(self, path: Path, sources: list[str] | None = None) -> None:
        self.path = path
        self.sources = _lines(path) if sources is None else sources
        try:
            self.patterns = [re.compile(source, re.IGNORECASE) for source in self.sources]
        except re.error as exc:
            raise ValueError(f"{path}: bad pattern: {exc}") from None

    def words(self) -> set[str]:
        # The literal words the patterns look for, for the spelling normalizer (escapes like \b dropped).
        return {word for source in self.sources for word in re.findall(r"[a-z]+", re.sub(r"\\[a-zA-Z]", " ", source))}

    def first_match(self, text: str) -> str | None:
        for pattern in self.patterns:
            found = pattern.search(text)
            if found:
                return found.group(0)
        return None


@dataclass(frozen=True)
class Irony:
    """Praise that may be ironic ([praise]) and a real problem ([problem]), from one file."""

    praise: PatternList
    problem: PatternList

    @classmethod
    def load(cls, path: Path) -> Irony:
        sections: dict[str, list[str]] = {"[praise]": [], "[problem]": []}
        current: list[str] | None = None
        for line in _lines(path):
            if line.startswith("[") and line.endswith("]"):
                if line not in sections:
                    raise ValueError(f"{path}: unknown section {line!r}")
                current = sections[line]
            elif current is None:
                raise ValueError(f"{path}: pattern {line!r} before any [praise]/[problem] section")
            else:
                current.append(line)
        if not sections["[praise]"] or not sections["[problem]"]:
            raise ValueError(f"{path}: needs [praise] and [problem] patterns")
        return cls(PatternList(path, sections["[praise]"]), PatternList(path, sections["[problem]"]))


@dataclass(frozen=True)
class RequestExamples:
    requests: tuple[str, ...]
    look_alikes: tuple[str, ...]

    @classmethod
    def load(cls, path: Path) -> RequestExamples:
        sections: dict[str, list[str]] = {"[request]": [], "[look-alike]": []}
        current: list[str] | None = None
        for line in _lines(path):
            if line.startswith("["):
                if line not in sections:
                    raise ValueError(f"{path}: unknown section {line!r}")
                current = sections[line]
            elif current is None:
                raise ValueError(f"{path}: example {line!r} before any [request]/[look-alike] section")
            else:
                current.append(line)
        if not sections["[request]"]:
            raise ValueError(f"{path}: no [request] examples")
        return cls(tuple(sections["[request]"]), tuple(sections["[look-alike]"]))


@dataclass(frozen=True)
class Lexicon:
    offensive: OffensiveTerms
    complaints: PatternList
    request_examples: RequestExamples
    spelling: SpellingNormalizer
    self_blame: PatternList  # the customer blaming themselves (aim.py)
    elsewhere: PatternList  # anger about another shop, the weather... (aim.py)
    irony: Irony  # sarcasm (signals.py)
    calm_caps: PatternList  # a caps-lock typist's calm words (signals.py)
    shop_sentiment: dict[str, float]  # VADER valences for the shop's chat (signals.py)


def load_valences(path: Path) -> dict[str, float]:
    """"word valence" lines; a malformed line names its file and line."""
    found = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split()
        try:
            word, valence = parts[0].lower(), float(parts[1])
        except (IndexError, ValueError):
            raise ValueError(f"{path.name}:{number}: expected 'word valence'") from None
        if len(parts) != 2 or not -4.0 <= valence <= 4.0:
            raise ValueError(f"{path.name}:{number}: expected one word and a valence from -4 to 4")
        found[word] = valence
    return found


@lru_cache(maxsize=4)
def load_lexicon(data_dir: Path = DATA_DIR, known_words: frozenset[str] = frozenset()) -> Lexicon:
    offensive = OffensiveTerms(data_dir / "offensive_terms.txt")
    complaints = PatternList(data_dir / "complaints.txt")
    vocabulary = offensive.words() | complaints.words()
    return Lexicon(
        offensive=offensive,
        complaints=complaints,
        request_examples=RequestExamples.load(data_dir / "request_examples.txt"),
        spelling=SpellingNormalizer(vocabulary, set(known_words)),
        self_blame=PatternList(data_dir / "self_blame.txt"),
        elsewhere=PatternList(data_dir / "elsewhere.txt"),
        irony=Irony.load(data_dir / "irony.txt"),
        calm_caps=PatternList(data_dir / "calm_caps.txt"),
        shop_sentiment=load_valences(data_dir / "shop_sentiment.txt"),
    )
