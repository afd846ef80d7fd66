"""Whether a message reports the customer's own case rather than asks about a topic (issue 20,
class 7).

"My tent pole snapped on the first night" and "what does the warranty cover?" reach the same
help-centre article. When that article gives the case to a person (front matter `person_case`,
knowledge/articles.py), the report is handed over at once, and the question is answered with the
article and a "Talk to a person" button (bot/actions/knowledge.py). Which topics are a person's
is the articles' to say; this module reads only how the message is put, never its topic:

- a question alone is never a report: a question mark, a sentence opening like a question ("how
  do I", "can I", "is it", "what happens if"), or a request to be told ("I'd like to know", "tell
  me");
- a report states something that happened to the customer or their order: it speaks in the
  first person ("my", "I got", "we"), or says what an item or parcel did ("the box came crushed");
- a question after a statement of what happened is a report too ("my jacket came torn, what do I
  do?", "I know it's been 35 days but I was in hospital, can I still return it?"): the customer
  tells their case and asks what can be done about it. The statement must tell an event, not
  only speak in the first person ("I have a question", "I'm new here" tell nothing) or say how
  much time has gone by ("it's been 6 weeks, is it too late?" asks the rule);
- a request to act ("I want to return my jumper", "please cancel it") is a request, not a report:
  a report needs a part of the message that tells, not one that asks the bot to do something;
- a bare topic ("damaged item", "warranty claim") is a question put short, not a report;
- the customer's own doing ("my fault, I ordered the wrong colour", "I dropped it") is no case of
  the shop's: the article answers it;
- nor is an item from elsewhere, set apart from the shop's ("my boots from another brand fell
  apart, are yours any better?", "not from you"): the customer compares, and the article answers.
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
    r"wonder (?:if|whether)|curious|tell me|explain|policy|rules? (?:on|for|about)|"
    r"how (?:do|does|can|long|much|many|soon|often|far))\b",
    re.IGNORECASE,
)
# Words a question may open with before its question word: "I mean how many days do I have",
# "ok so when does it ship". Without them it read as a statement, and a question about the rule
# ("I mean how many days do I have to return a jacket that doesn't fit") as the customer's case.
_OPENER = re.compile(
    r"^(?:(?:i mean|i guess|so|ok|okay|and|but|also|well|hi|hey|hello|sorry|um+|uh+|btw|oh|right|actually|"
    r"quick question|one more thing|another question)\b[\s,:;.-]*)+",
    re.IGNORECASE,
)
_FIRST_PERSON = re.compile(r"\b(?:i|i'm|im|i've|ive|i'd|my|me|mine|we|we've|we're|our|ours|us)\b", re.IGNORECASE)
_HAPPENED = re.compile(
    r"\b(?:came|arrived|turned up|showed up|got here|was delivered|were delivered|never (?:came|arrived)|"
    r"broke|snapped|split|ripped|tore|cracked|stopped working|fell apart|went missing|charged|"
    # A defect told as it goes on: "the sole is coming away", "the seams are fraying", "it leaks".
    r"(?:is|are|keeps?|kept|started|starting)\s+(?:coming|falling)\s+(?:apart|off|away|undone|loose)|"
    r"(?:coming|(?:has|have|had|'s|'ve)\s+come|came)\s+(?:apart|away|undone|unstuck|unglued|loose|unstitched)|"
    r"falling apart|peeling|peeled|fraying|frayed|unravell?ing|"
    r"unravell?ed|leaks|leaking|leaked|shrank|pilling|wore through|worn through|gave way|detached|"
    r"(?:is|are|isn't|aren't|not|no longer)\s+working|"
    r"(?:doesn't|don't|won't) (?:work|zip|close|stay (?:up|shut|closed)))\b",
    re.IGNORECASE,
)
# What an item or parcel is in, said as a fact: "the jacket was torn", "it came damaged".
_STATE = re.compile(
    r"\b(?:was|were|is|are|came|arrived|got here)\s+(?:all\s+|completely\s+|totally\s+|badly\s+)?"
    r"(?:torn|broken|damaged|crushed|scuffed|stained|faulty|defective|ripped|smashed|soaked|mouldy|moldy)\b",
    re.IGNORECASE,
)
# The customer's own past, told: "I was in hospital", "we only opened it". Time gone by alone ("it's
# been 6 weeks, is it too late?") tells no case: it asks the rule.
_NARRATIVE = re.compile(
    r"\b(?:i|we)\s+(?:(?:only|just|already|never|recently|actually)\s+)?(?:was|were|had|got|bought|ordered|"
    r"received|opened|tried|wore|used|washed|noticed|found|paid|sent|couldn't|could not|didn't|did not|"
    r"wasn't|was not|haven't|have not|hadn't)\b",
    re.IGNORECASE,
)
# A wrong choice of the customer's own, after "I" or "we": "ordered the wrong size", "gave the wrong
# address". Also what keeps a wrong item from being the shop's (order_flows/return_matching.py).
OWN_WRONG_CHOICE = r"(?:ordered|picked|chose|bought|selected|typed|gave|entered|put|used|wrote) (?:the |a |an )?wrong"
_OWN_DOING = re.compile(
    r"\b(?:my (?:own )?(?:fault|mistake|bad|doing)|i'?m (?:such )?an idiot|(?:silly|stupid|dumb) me|by mistake|"
    r"accidentally|"
    r"(?:that's|thats|that is) on me|myself|"
    rf"i {OWN_WRONG_CHOICE}|"
    r"i (?:dropped|tore|ripped|broke|snapped|damaged|ruined|spilled|stained|burned|burnt|stepped on|sat on|cut))\b",
    re.IGNORECASE,
)
# The item is not the shop's: another brand or shop, "not from you", or the shop's set against it ("yours").
_ELSEWHERE = re.compile(
    r"\b(?:another|other|different|a different)\s+(?:brand|brands|shop|shops|store|stores|company|retailer|site|"
    r"website|seller)\b|\bnot (?:from|by|bought from) (?:you|you guys|here|your shop|your store)\b|\byours\b|"
    r"\b(?:elsewhere|somewhere else)\b",
    re.IGNORECASE,
)
_REQUEST = re.compile(
    r"^(?:i (?:want|wanna|need|would like|wish)|i'd like|id like|please|pls|plz|kindly|help|let me|could you|can you|"
    r"would you|start|cancel|return|refund|exchange|change|track|send|give|get me)\b",
    re.IGNORECASE,
)
# An exception to a rule, asked for: "could you allow it anyway?", "make an exception", "let it
# slide". Exceptions are a person's to decide (the shop's handbook), whichever rule it is.
# "Do you ever make exceptions?" and "is there any leeway on the 30 days?" ask about the rule: the
# policy answers them, with the offer of a person.
_EXCEPTION = re.compile(
    r"\b(?:(?:make|grant|give me|do me)\s+(?:an?\s+|one\s+)?exception|"
    r"(?:allow|accept|approve|take|let)\s+(?:it|them|this|that|the return|my return|me|us)\b[^.?!]{0,30}?"
    r"\b(?:anyway|anyways|regardless|just this once|this once|this one time)|"
    r"(?:bend|waive|overlook|relax|stretch)\s+(?:the\s+|your\s+|that\s+)?(?:rules?|policy|deadline|window|limit)|"
    r"let (?:it|this|that) slide|just this once)\b",
    re.IGNORECASE,
)
_STILL_WAITING = re.compile(r"\byet\b", re.IGNORECASE)
_ASKED_SENTENCE = re.compile(r"(?<=[?.!;\n])\s*")
MAX_CHARS = 1000  # longer messages are read by their start only


def _plain(text: str | None) -> str:
    """The message as the readings here take it: trimmed, its start only, straight apostrophes."""
    return (text or "").strip()[:MAX_CHARS].replace("’", "'")


def speaks_of_self(text: str) -> bool:
    """Whether `text` speaks in the customer's first person ("my", "I", "we")."""
    return bool(_FIRST_PERSON.search(text))


def asks(text: str) -> bool:
    """Whether the message asks something (a question, or a request to be told)."""
    if "?" in text or _ASKING.search(text):
        return True
    return any(_QUESTION_START.search(_OPENER.sub("", sentence.strip(" ,-\"'")))
               for sentence in _SENTENCES.split(text))


def _tells_event(clause: str) -> bool:
    """Whether a clause states, not asks, an event of the customer's case."""
    if not clause or _REQUEST.search(clause) or _QUESTION_START.search(clause) or _ASKING.search(clause):
        return False
    if _STILL_WAITING.search(clause):
        return False  # "it hasn't arrived yet, when is it lost?": waiting, and asking about the rule
    return bool(_HAPPENED.search(clause) or _STATE.search(clause) or _NARRATIVE.search(clause))


def _clauses(text: str) -> list[str]:
    return [c.strip(" -\"'") for c in _CLAUSES.split(text)]


def _statements(text: str) -> list[str]:
    """The message's clauses that are not the asking part of a question: in "I was away, can I
    still return it?" the first clause states and the last asks."""
    statements = []
    for sentence in _ASKED_SENTENCE.split(text):
        clauses = _clauses(sentence)
        if sentence.rstrip().endswith("?"):
            clauses = clauses[:-1]
        statements += clauses
    return statements


def reports_own_case(text: str) -> bool:
    """Whether `text` tells what happened to the customer's own order or item: alone, or followed
    by a question about it."""
    text = _plain(text)
    if not text or text.startswith("/") or _OWN_DOING.search(text) or _ELSEWHERE.search(text):
        return False
    if asks(text):
        return any(_tells_event(c) for c in _statements(text))
    return any(c and not _REQUEST.search(c) and (speaks_of_self(c) or _HAPPENED.search(c)
                                                 or _STATE.search(c)) for c in _clauses(text))


def asks_for_exception(text: str) -> bool:
    """Whether `text` asks for an exception to one of the shop's rules for the customer."""
    return bool(_EXCEPTION.search(_plain(text)))
