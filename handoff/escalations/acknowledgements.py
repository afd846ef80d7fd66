"""Whether a customer's reply needs no action: "thanks!", "ok", "👍", "great, cheers". Such a
reply does not wake a snoozed escalation (issue 21: a known annoyance of other help desks).

Read by its words, not by the bot's intent: "ok but where is my parcel" is often read as
`affirm`, and waking too rarely is worse than waking once too often. A reply is an
acknowledgement only when every word of it is one, it is short and asks nothing.
"""

from __future__ import annotations

import re
import unicodedata

MAX_WORDS = 8
MAX_CHARS = 80

# Single words (lower case, apostrophes removed) that acknowledge and ask for nothing.
WORDS = frozenset({
    "thanks", "thank", "you", "thx", "ty", "tysm", "thankyou", "cheers", "ta", "ok", "okay", "k", "kk",
    "okey", "alright", "allright", "fine", "great", "perfect", "cool", "nice", "lovely", "awesome",
    "brilliant", "wonderful", "excellent", "super", "good", "sounds", "got", "it", "noted", "understood",
    "will", "do", "sure", "yes", "yep", "yeah", "yup", "no", "problem", "worries", "np", "much", "so",
    "very", "a", "lot", "many", "again", "appreciate", "appreciated", "that", "thats", "makes", "sense",
    "see", "i", "bye", "goodbye", "have", "day", "all", "the", "best", "for", "your", "help",
    "helping", "kind", "kindly", "oh", "ah", "aha", "hmm", "right", "wow", "lol", "haha",
})
# Words that never acknowledge alone: a question or a problem hides behind them.
NEVER = frozenset({"but", "still", "not", "when", "where", "why", "how", "what", "who", "which", "can",
                   "could", "would", "should", "is", "are", "does", "did", "refund", "order", "parcel"})
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?", re.UNICODE)


def _symbols_only(text: str) -> bool:
    """Emoji and punctuation only (👍, 🙏, :), !!)."""
    return all(unicodedata.category(ch)[0] in "SPZC" or ch in "\u200d\ufe0f" for ch in text)


def needs_no_action(text: str) -> bool:
    text = text.strip()
    if not text or len(text) > MAX_CHARS or "?" in text:
        return False
    words = [w.replace("'", "") for w in _WORD.findall(text.lower())]
    if not words:
        return _symbols_only(text)
    if len(words) > MAX_WORDS or any(w in NEVER for w in words):
        return False
    return all(w in WORDS for w in words)
