"""The languages the shop's customers write in, by ISO 639-1 code, with their English names.

The shop ships to the US, Canada, the UK and the EU. One list serves the recogniser of requests
for a person (contract/person_request.py: one word list a language), the help centre's guess of a
question's language (knowledge/index/language.py) and the bot's reply to a question it cannot read
(bot/actions/knowledge.py), so a language added here is one all three know. Standard library only.
"""

from __future__ import annotations

from typing import Final

ENGLISH: Final = "en"
LANGUAGE_NAMES: Final = {
    ENGLISH: "English", "de": "German", "fr": "French", "es": "Spanish", "it": "Italian", "nl": "Dutch",
    "pt": "Portuguese", "pl": "Polish",
}
LANGUAGES: Final = tuple(LANGUAGE_NAMES)
