"""The language a question is written in (knowledge/index/language.py). Examples written for these tests."""

from __future__ import annotations

import pytest

from knowledge.index.language import language_of


@pytest.mark.parametrize(("text", "language"), [
    ("Wie lange braucht ein Paket nach Hamburg?", "de"),
    ("Est-ce que je peux retourner une veste achetée en solde ?", "fr"),
    ("¿Puedo cambiar la talla de mis botas?", "es"),
    ("Posso restituire un maglione usato?", "it"),
    ("Hoeveel kost verzending naar België?", "nl"),
    ("Posso trocar o tamanho das botas?", "pt"),
    ("Czy mogę zwrócić kurtkę?", "pl"),
])
def test_questions_in_the_customers_languages(text: str, language: str) -> None:
    assert language_of(text) == language


@pytest.mark.parametrize("text", [
    "How long does shipping to Germany take?",
    "hw lng 4 shiping 2 canada",  # text-speak
    "my order LK-100233 hasn't arrived",
    "can I pay in euros at checkout, merci",  # English with a foreign word
    "quiero hablar con una persona please, the zip on my coat is broken and I need it fixed",
    "sdfkj qwpo zzx",  # keyboard mashing is not a language
    "", "?", "Hamburg", "x" * 10_000, "🙂 🙂 🙂",
])
def test_english_or_no_telling_is_english(text: str) -> None:
    assert language_of(text) == "en"
