"""Is the customer asking for a person? One recogniser for the bot and the handoff service.

The bot (its NLU component `bot/components/person_request.py`) and the handoff service's detector
(`handoff/detection/explicit.py`) both read a message with `recognise`, so a request the bot acts
on is one the service counts, in any language the word lists cover
(`contract/person_request/<language>.txt`: English, German, French, Spanish, Italian, Dutch, Portuguese, Polish).

A message is folded (lower case, accents dropped, straight apostrophes), a word one keystroke from
one of the English person nouns is read as that noun ("humn", "agnet"), and it is cut into clauses
at punctuation and at clause breaks ("but", "sondern"). Each language's patterns read the clauses
cut at its own breaks and English's, which customers mix in: Italian "ma" ("but") must not cut
French "ma demande" ("my request"). Patterns anchored at both ends read the whole message ("not a
bot but a person"), once. In each clause that is not a question about people ("are you a real
person?"), a request pattern that matches is a request, unless a declining pattern matches the same
clause ("I don't need an agent"). With no request, a person declined, or else a question about
people, is said so: neither side then reads the message as a request in other ways. A message read
as none of these is read once more with its English chat shorthand written out ("talk 2 sum1 real
plz", contract/text_speak.py); only then, because the shorthand's words mean other things in the
other languages (Dutch "u", Spanish "ya"). Standard library only: both Python environments import
it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from pathlib import Path
from typing import Final

from contract.languages import LANGUAGES
from contract.text_speak import expand

DATA_DIR: Final = Path(__file__).resolve().parent / "person_request"
SECTIONS: Final = (
    "determiner", "adjective", "person", "service", "someone", "request", "declined", "not-request", "clause-break",
)
# Longer messages are read up to here: a request for a person is said in a sentence or two, and
# the patterns' cost grows with the text.
MAX_CHARS: Final = 2000
_CLAUSE_PUNCTUATION = re.compile(r"[.!?;,:()\n]+|\s[-\u2013\u2014]\s")
_TOKEN = re.compile(r"[a-z]+")
_SECTION = re.compile(r"^\[([a-z-]+)\]$")


class Verdict(str, Enum):
    REQUEST = "request"  # the customer asks to deal with a person
    DECLINED = "declined"  # a person is mentioned and declined ("no need for an agent")
    QUESTION = "question"  # a question about people, not a request ("are you a real person?")
    NONE = "none"


@dataclass(frozen=True)
class Recognition:
    verdict: Verdict
    language: str | None = None  # the list whose pattern decided
    evidence: str = ""  # the folded words that matched

    @property
    def requested(self) -> bool:
        return self.verdict is Verdict.REQUEST


class PersonRequestDataError(ValueError):
    """A word list is missing or malformed; the message names the file and the line."""


def fold(text: str) -> str:
    """Lower case, accents dropped (and ß, ł written out), curly apostrophes straight, spaces collapsed."""
    text = text[:MAX_CHARS].replace("\u2019", "'").replace("\u2018", "'").replace("\u00df", "ss")
    text = text.replace("\u0141", "l").replace("\u0142", "l")  # Polish ł has no accent to drop
    decomposed = unicodedata.normalize("NFKD", text.lower())
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(stripped.split())


def _alternatives(words: list[str]) -> str:
    # Longest first, so "member of staff" wins over "member"; spaces match any run of spaces.
    ordered = sorted(set(words), key=len, reverse=True)
    return "|".join(re.escape(word).replace(r"\ ", r"\s+") for word in ordered)


def _determiners(words: list[str]) -> str:
    # "l'" and "un'" join the next word ("l'equipe"); the others are followed by a space.
    joined = [re.escape(word) + (r"\s*" if word.endswith("'") else r"\s+") for word in sorted(set(words), key=len,
                                                                                              reverse=True)]
    return "|".join(part.replace(r"\ ", r"\s+") for part in joined)


@dataclass(frozen=True)
class LanguageRules:
    language: str
    requests: tuple[re.Pattern[str], ...]
    declined: tuple[re.Pattern[str], ...]
    not_requests: tuple[re.Pattern[str], ...]
    clause_breaks: tuple[str, ...]
    nouns: tuple[str, ...]

    @classmethod
    def parse(cls, language: str, text: str, source: str) -> LanguageRules:
        sections: dict[str, list[str]] = {name: [] for name in SECTIONS}
        current: list[str] | None = None
        for number, raw in enumerate(text.splitlines(), 1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            header = _SECTION.match(line)
            if header:
                if header.group(1) not in sections:
                    raise PersonRequestDataError(f"{source}:{number}: unknown section [{header.group(1)}]")
                current = sections[header.group(1)]
            elif current is None:
                raise PersonRequestDataError(f"{source}:{number}: {line!r} before any section")
            else:
                current.append(line)
        if not sections["person"] or not sections["request"]:
            raise PersonRequestDataError(f"{source}: needs [person] nouns and [request] patterns")
        determiner = f"(?:{_determiners(sections['determiner'])})?" if sections["determiner"] else ""
        adjectives = f"(?:(?:{_alternatives(sections['adjective'])})\\s+){{0,2}}" if sections["adjective"] else ""
        human_nouns = _alternatives(sections["person"])
        staff_nouns = _alternatives(sections["person"] + sections["service"])
        all_nouns = _alternatives(sections["person"] + sections["service"] + sections["someone"])
        macros = {
            "{human}": rf"(?<![\w'])(?:{determiner}{adjectives}(?:{human_nouns}))(?![\w'])",
            "{staff}": rf"(?<![\w'])(?:{determiner}{adjectives}(?:{staff_nouns}))(?![\w'])",
            "{person}": rf"(?<![\w'])(?:{determiner}{adjectives}(?:{all_nouns}))(?![\w'])",
        }

        def compile_all(name: str) -> tuple[re.Pattern[str], ...]:
            patterns = []
            for line in sections[name]:
                expanded = line
                for macro, body in macros.items():
                    expanded = expanded.replace(macro, body)
                try:
                    patterns.append(re.compile(expanded))
                except re.error as exc:
                    raise PersonRequestDataError(f"{source}: [{name}] bad pattern {line!r}: {exc}") from None
            return tuple(patterns)

        return cls(
            language=language,
            requests=compile_all("request"),
            declined=compile_all("declined"),
            not_requests=compile_all("not-request"),
            clause_breaks=tuple(sections["clause-break"]),
            nouns=tuple(sections["person"] + sections["someone"]),
        )


def _one_keystroke_apart(token: str, word: str) -> bool:
    """token is word with one letter missing, one extra, or two neighbours swapped."""
    if token == word or token[0] != word[0]:
        return False
    if len(token) + 1 == len(word):
        return any(word[:i] + word[i + 1:] == token for i in range(len(word)))
    if len(token) == len(word) + 1:
        return any(token[:i] + token[i + 1:] == word for i in range(len(token)))
    if len(token) == len(word):
        diffs = [i for i in range(len(word)) if token[i] != word[i]]
        return (len(diffs) == 2 and diffs[1] == diffs[0] + 1 and token[diffs[0]] == word[diffs[1]]
                and token[diffs[1]] == word[diffs[0]])
    return False


class PersonRequestRecogniser:
    """Built once from the word lists (`load`), then `recognise` per message."""

    def __init__(self, rules: tuple[LanguageRules, ...]) -> None:
        self.rules = rules
        english = next((rule for rule in rules if rule.language == "en"), None)
        english_breaks = set(english.clause_breaks) if english else set()
        self._breaks: dict[str, re.Pattern[str] | None] = {}
        for rule in rules:
            breaks = sorted(set(rule.clause_breaks) | english_breaks, key=len, reverse=True)
            self._breaks[rule.language] = re.compile(r"\b(?:" + _alternatives(breaks) + r")\b") if breaks else None
        # Typos are mended only towards the English nouns of five letters or more, and only in
        # words no list knows: "persona", "agente" and "mens" are words, not typos.
        self._typo_targets = sorted({n for n in (english.nouns if english else ()) if " " not in n and len(n) >= 5})
        self._known = {word for rule in rules for noun in rule.nouns for word in noun.split()}

    @classmethod
    def load(cls, data_dir: Path = DATA_DIR, languages: tuple[str, ...] = LANGUAGES) -> PersonRequestRecogniser:
        rules = []
        for language in languages:
            path = data_dir / f"{language}.txt"
            try:
                text = path.read_text(encoding="utf-8")
            except OSError as exc:
                raise PersonRequestDataError(f"person-request list {path} cannot be read: {exc}") from None
            rules.append(LanguageRules.parse(language, text, str(path)))
        return cls(tuple(rules))

    def _mend(self, token: str) -> str:
        if len(token) < 4 or token in self._known:
            return token
        for word in self._typo_targets:
            if abs(len(word) - len(token)) <= 1 and _one_keystroke_apart(token, word):
                return word
        return token

    def normalise(self, text: str) -> str:
        return _TOKEN.sub(lambda match: self._mend(match.group(0)), fold(text))

    def clauses(self, normalised: str, language: str) -> list[str]:
        """The clauses of a normalised message as the language's patterns read them."""
        parts = _CLAUSE_PUNCTUATION.split(normalised)
        breaks = self._breaks.get(language)
        if breaks is not None:
            parts = [piece for part in parts for piece in breaks.split(part)]
        return [part.strip() for part in parts if part.strip()]

    def recognise(self, text: str) -> Recognition:
        found = self._read(text)
        if found.verdict is Verdict.NONE:
            written_out = expand(text[:MAX_CHARS])
            if written_out != text[:MAX_CHARS]:
                return self._read(written_out)
        return found

    def _read(self, text: str) -> Recognition:
        declined: Recognition | None = None
        question: Recognition | None = None
        whole = self.normalise(text)
        on_whole: dict[re.Pattern[str], str | None] = {}  # the whole-message patterns, read once
        asked_in: dict[str, str | None] = {}  # each clause's question about people, if any
        for rule in self.rules:
            for clause in self.clauses(whole, rule.language):
                # Most languages cut a message into the same clauses: each is asked about once.
                if clause not in asked_in:
                    asked_in[clause] = next((m.group(0) for any_rule in self.rules for pattern in any_rule.not_requests
                                             if (m := pattern.search(clause))), None)
                asked = asked_in[clause]
                if asked:
                    question = question or Recognition(Verdict.QUESTION, None, asked)
                    continue
                found = next((m for pattern in rule.requests if (m := _search(pattern, clause, whole, on_whole))), None)
                if found is None:
                    continue
                if any(pattern.search(clause) for pattern in rule.declined):
                    declined = declined or Recognition(Verdict.DECLINED, rule.language, found)
                    continue
                return Recognition(Verdict.REQUEST, rule.language, found)
        if declined is None:
            # A person declined without a request pattern ("no need for a human, thanks").
            for rule in self.rules:
                for clause in self.clauses(whole, rule.language):
                    hit = next((m.group(0) for pattern in rule.declined if (m := pattern.search(clause))), None)
                    if hit:
                        return Recognition(Verdict.DECLINED, rule.language, hit)
        return declined or question or Recognition(Verdict.NONE)


def _search(
    pattern: re.Pattern[str], clause: str, whole: str, on_whole: dict[re.Pattern[str], str | None]
) -> str | None:
    # Patterns anchored at both ends ("agent please") must hold for the whole message, not for a
    # clause of it: "hi, agent" is a request, "my order, agent" is not said.
    if pattern.pattern.startswith("^") and pattern.pattern.endswith("$"):
        if pattern not in on_whole:
            found = pattern.search(whole)
            on_whole[pattern] = found.group(0) if found else None
        return on_whole[pattern]
    found = pattern.search(clause)
    return found.group(0) if found else None


@lru_cache(maxsize=1)
def default_recogniser() -> PersonRequestRecogniser:
    """The recogniser over the shipped word lists, built once per process."""
    return PersonRequestRecogniser.load()


def recognise(text: str) -> Recognition:
    return default_recogniser().recognise(text)
