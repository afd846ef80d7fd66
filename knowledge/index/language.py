"""Which language a question is written in, as far as the help centre needs to know.

The help centre and the bot's intents are English. A customer who writes "Wie lange dauert der
Versand nach Deutschland?" asks a shop question the search cannot read, and declining it as
"not something I can help with" is wrong: the bot should say that it reads English and offer
a person. So the search response carries the question's language (knowledge/api/schemas.py).

The guess compares how common the question's words are in each language the shop's customers
write (contract/languages.py, the list the person-request recogniser reads too), from
wordfreq's word lists (pinned in requirements/svc.lock, already used by the spelling correction,
decision 0298): the language whose words the question's words are, on average, most frequent in.
English wins unless another language is clearly ahead, so English with a few foreign words,
text-speak, order numbers and keyboard mashing stay English.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final

from wordfreq import zipf_frequency

from contract.languages import ENGLISH, LANGUAGES

# On wordfreq's Zipf scale (log10 of a word's frequency per billion words): how far another
# language's mean must be ahead of English's. "Merci beaucoup" is 5.7 ahead, "hoe lang duurt de
# levering?" 0.7 to 3; a mixed message ("preciso falar com um atendente please, my order came in
# the wrong colour") is not ahead at all.
MARGIN: Final = 1.0
MIN_WORDS: Final = 2
MAX_WORDS: Final = 40  # a question's language shows in its first words; the rest costs lookups
_WORD = re.compile(r"[^\W\d_]{2,}")


@lru_cache(maxsize=65536)
def _frequencies(word: str) -> tuple[float, ...]:
    return tuple(zipf_frequency(word, language, wordlist="small") for language in LANGUAGES)


def language_of(text: str) -> str:
    """The ISO 639-1 code of the language `text` is written in, of contract/languages.py's;
    "en" when unsure."""
    words = _WORD.findall(text.lower())[:MAX_WORDS]
    if len(words) < MIN_WORDS:
        return ENGLISH
    sums = [0.0] * len(LANGUAGES)
    english = LANGUAGES.index(ENGLISH)
    for word in words:
        for i, frequency in enumerate(_frequencies(word)):
            sums[i] += frequency
    best = max(range(len(LANGUAGES)), key=sums.__getitem__)
    if best != english and (sums[best] - sums[english]) / len(words) >= MARGIN:
        return LANGUAGES[best]
    return ENGLISH
