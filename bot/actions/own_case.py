"""Whether a message reports the customer's own case rather than asks about a topic (issue 20,
class 7).

"My tent pole snapped on the first night" and "what does the warranty cover?" reach the same
help-centre article. When that article gives the case to a person (front matter `person_case`,
knowledge/articles.py), the report is handed over at once, and the question is answered with the
article and a "Talk to a person" button (bot/actions/knowledge.py). Which topics are a person's
is the articles' to say; this module reads only how the message is put, never its topic:

- a question is never a report: a question mark, a sentence opening like a question ("how do I",
  "can I", "is it", "what happens if"), or a request to be told ("I'd like to know", "tell me");
- a report states something that happened to the customer or their order: it speaks in the
  first person ("my", "I got", "we"), or says what an item or parcel did ("the box came crushed");
- a request to act ("I want to return my jumper", "please cancel it") is a request, not a report:
  a report needs a part of the message that tells, not one that asks the bot to do something;
- a bare topic ("damaged item", "warranty claim") is a question put short, not a report;
- the customer's own doing ("my fault, I ordered the wrong colour", "I dropped it") is no case of
  the shop's: the article answers it.
"""

from __future__ import annotations

import re

_SENTENCES = re.compile(r"[.!;\n]+")
_CLAUSES = re.compile(r"[.!;,\n]+|\s(?:but|and|so)\s")
_QUESTION_START = re.compile(
    r"^(?:what|what's|whats|how|how's|when|where|why|who|which|can|could|may|might|do|does|did|is|are|was|were|"
    r"will|would|should|shall|must|am|if|any|anyone|whether)\b",
    re.IGNORECASE,
)
_ASKING = re.compile(
    r"\b(?:what happens|what (?:do|should|can) i do|in case|is it possible|(?:want|like|need) to know|wondering|"
    r"wonder (?:if|whether)|curious|tell me|explain|policy|rules? (?:on|for|about)|how (?:do|does|can|long|much))\b",
    re.IGNORECASE,
)
_FIRST_PERSON = re.compile(r"\b(?:i|i'm|im|i've|ive|i'd|my|me|mine|we|we've|our|ours|us)\b", re.IGNORECASE)
_HAPPENED = re.compile(
    r"\b(?:came|arrived|turned up|showed up|got here|was delivered|were delivered|never (?:came|arrived)|"
    r"broke|snapped|split|ripped|tore|cracked|stopped working|fell apart|went missing|charged)\b",
    re.IGNORECASE,
)
_OWN_DOING = re.compile(
    r"\b(?:my (?:own )?(?:fault|mistake|bad)|i'm an idiot|im an idiot|silly me|by mistake|accidentally|"
    r"i (?:ordered|picked|chose|bought|selected|typed) (?:the |a )?wrong|i dropped)\b",
    re.IGNORECASE,
)
_REQUEST = re.compile(
    r"^(?:i (?:want|wanna|need|would like|wish)|i'd like|id like|please|pls|plz|kindly|help|let me|could you|can you|"
    r"would you|start|cancel|return|refund|exchange|change|track|send|give|get me)\b",
    re.IGNORECASE,
)
MAX_CHARS = 1000  # longer messages are read by their start only


def asks(text: str) -> bool:
    """Whether the message asks something (a question, or a request to be told)."""
    if "?" in text or _ASKING.search(text):
        return True
    return any(_QUESTION_START.search(sentence.strip(" ,-\"'")) for sentence in _SENTENCES.split(text))


def reports_own_case(text: str) -> bool:
    """Whether `text` tells what happened to the customer's own order or item, without asking."""
    text = (text or "").strip()[:MAX_CHARS].replace("’", "'")
    if not text or text.startswith("/") or asks(text) or _OWN_DOING.search(text):
        return False
    clauses = [c.strip(" -\"'") for c in _CLAUSES.split(text)]
    return any(c and not _REQUEST.search(c) and (_FIRST_PERSON.search(c) or _HAPPENED.search(c)) for c in clauses)
