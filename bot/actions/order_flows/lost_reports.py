"""A customer reporting a parcel lost (issue 20, class 7): the handbook gives lost parcels to a
person, who opens the carrier investigation, so a report of one brings in a person at once,
without verifying the order first (the person asks for what is missing, and sees the order
number if one was given). Asking where an order is, or what happens if a parcel is lost, is not
a report: those go through the status flow, which still hands over when the data says lost.

A report is the customer's words in the message that opened the status flow: "lost", "never
arrived", "gone missing", or no update for a week or more ("stuck for 10 days", "no scan in two
weeks"); a few days' wait is an ordinary late parcel.
"""

from __future__ import annotations

import re

from rasa_sdk import Tracker

STATUS_INTENT = "check_order_status"
LOST_AFTER_DAYS = 7  # the handbook: no tracking scan for 7 days is treated as lost
# How far back the opening message is looked for: a form asks a handful of questions at most.
_LOOK_BACK = 30

_LOST_WORDS = re.compile(
    r"\b(?:lost|gone missing|went missing|is missing|vanished|disappeared|never (?:arrived|came|showed up|turned up|"
    r"got here|got to me|been delivered|received it|delivered)|(?:was|were) never delivered|stolen)\b",
    re.IGNORECASE,
)
_HYPOTHETICAL = re.compile(
    r"\b(?:what (?:happens|do i do|should i do) if|if (?:my|a|the|an) (?:parcel|package|order|delivery)|in case|"
    r"what(?:'s| is) (?:your|the) (?:policy|process)|how do you handle)\b",
    re.IGNORECASE,
)
_WAIT = re.compile(r"\b(\d{1,3}|a|one|two|three|four|several|a few|few) (day|week|fortnight|month)s?\b", re.IGNORECASE)
_NUMBERS = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "several": 3, "a few": 3, "few": 3}
_DAYS = {"day": 1, "week": 7, "fortnight": 14, "month": 30}
_NO_PROGRESS = re.compile(
    r"\b(?:no (?:update|news|scan|movement|tracking|change)|hasn't (?:moved|updated|changed)|has not (?:moved|updated)|"
    r"not (?:moved|updated)|stuck|nothing (?:since|for|in)|still (?:waiting|not here)|hasn't (?:arrived|come)|"
    r"haven't (?:got|received)|not arrived|(?:said|shown|showing|says) the same|same (?:status|thing|message))\b",
    re.IGNORECASE,
)


def _days(amount: str, unit: str) -> int:
    number = int(amount) if amount.isdigit() else _NUMBERS.get(amount.lower(), 1)
    return number * _DAYS[unit.lower()]


def reports_lost(text: str) -> bool:
    """Whether `text` reports a parcel lost (not a question about what happens if one is)."""
    text = (text or "").strip()
    if not text or text.startswith("/") or asks_what_if(text):
        return False
    if _LOST_WORDS.search(text):
        return True
    waited = max((_days(amount, unit) for amount, unit in _WAIT.findall(text)), default=0)
    return waited >= LOST_AFTER_DAYS and bool(_NO_PROGRESS.search(text))


def asks_what_if(text: str) -> bool:
    """Whether `text` asks what happens if a parcel is late or lost, rather than saying one is."""
    return bool(_HYPOTHETICAL.search(text or ""))


def opening_message(tracker: Tracker) -> str:
    """The text of the customer's message that opened the status flow now running: the latest
    status request since the previous status answer (an earlier flow's report is not this one's)."""
    for seen, event in enumerate(reversed(tracker.events)):
        if seen > _LOOK_BACK or (event.get("event") == "action" and event.get("name") == "action_order_status"):
            break
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        if event.get("event") == "user" and intent == STATUS_INTENT:
            return str(event.get("text") or "")
    latest = tracker.latest_message or {}
    return str(latest.get("text") or "") if (latest.get("intent") or {}).get("name") == STATUS_INTENT else ""
