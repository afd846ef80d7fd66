"""BERT's uncased WordPiece tokenizer, as `BertTokenizer(do_lower_case=True)` splits text.

The bot's Python 3.10 environment has neither `tokenizers` nor `transformers` (Rasa 3.6 pins
versions that would drag a second torch in), and the splitting rules are short: clean the
text, lower-case it and strip accents, split on white space and punctuation (CJK characters
stand alone), then cut each word into the longest pieces the vocabulary knows.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

CLS, SEP, UNK = "[CLS]", "[SEP]", "[UNK]"
# BERT gives up on words longer than this and calls the whole word [UNK].
MAX_WORD_CHARS = 100


def _is_punctuation(char: str) -> bool:
    code = ord(char)
    # BERT counts every non-alphanumeric ASCII character as punctuation ("$", "^", "`").
    if 33 <= code <= 47 or 58 <= code <= 64 or 91 <= code <= 96 or 123 <= code <= 126:
        return True
    return unicodedata.category(char).startswith("P")


def _is_cjk(code: int) -> bool:
    return (0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0x20000 <= code <= 0x2A6DF
            or 0x2A700 <= code <= 0x2B73F or 0x2B740 <= code <= 0x2B81F or 0x2B820 <= code <= 0x2CEAF
            or 0xF900 <= code <= 0xFAFF or 0x2F800 <= code <= 0x2FA1F)


def _clean(text: str) -> str:
    out = []
    for char in text:
        code = ord(char)
        if code == 0 or code == 0xFFFD or (unicodedata.category(char).startswith("C") and char not in "\t\n\r"):
            continue
        if char in " \t\n\r" or unicodedata.category(char) == "Zs":
            out.append(" ")
        elif _is_cjk(code):
            out.append(f" {char} ")
        else:
            out.append(char)
    return "".join(out)


def _strip_accents(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", word) if unicodedata.category(c) != "Mn")


def basic_words(text: str) -> list[str]:
    """Lower-cased, accent-free words and punctuation marks, in order."""
    words: list[str] = []
    for word in _clean(text).split():
        current = ""
        for char in _strip_accents(word.lower()):
            if _is_punctuation(char):
                if current:
                    words.append(current)
                words.append(char)
                current = ""
            else:
                current += char
        if current:
            words.append(current)
    return words


class WordPiece:
    """Text to BERT token ids, with [CLS] and [SEP] around them."""

    def __init__(self, vocab: dict[str, int]) -> None:
        self.vocab = vocab
        self.cls_id, self.sep_id, self.unk_id = vocab[CLS], vocab[SEP], vocab[UNK]

    @classmethod
    def from_file(cls, path: Path) -> WordPiece:
        tokens = path.read_text(encoding="utf-8").splitlines()
        return cls({token: index for index, token in enumerate(tokens)})

    def pieces(self, word: str) -> list[int]:
        if len(word) > MAX_WORD_CHARS:
            return [self.unk_id]
        ids: list[int] = []
        start = 0
        while start < len(word):
            end = len(word)
            found = None
            while start < end:
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                if piece in self.vocab:
                    found = self.vocab[piece]
                    break
                end -= 1
            if found is None:
                return [self.unk_id]
            ids.append(found)
            start = end
        return ids

    def encode(self, text: str, max_length: int) -> list[int]:
        ids = [piece for word in basic_words(text) for piece in self.pieces(word)]
        return [self.cls_id, *ids[: max_length - 2], self.sep_id]
