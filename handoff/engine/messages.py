"""What the engine tells the customer when it brings in a person, in the shop's voice.

Honest in every case: a person is joining (and about how long it takes), or nobody is there
right now (with the support hours, when people are back, and an email follow-up offer).
"""

from __future__ import annotations

from datetime import datetime

from handoff.engine.availability import Availability
from handoff.engine.hours import BusinessHours

TEAM_NAMES = {"returns": "returns", "delivery": "delivery", "general": "support"}


def _minutes(seconds: int) -> str:
    minutes = max(1, round(seconds / 60))
    return "about a minute" if minutes == 1 else f"about {minutes} minutes"


def _place(ahead: int) -> str:
    return "You're next in line" if ahead == 0 else (
        f"There {'is' if ahead == 1 else 'are'} {ahead} customer{'s' if ahead != 1 else ''} ahead of you")


def joining(availability: Availability) -> str:
    team = TEAM_NAMES.get(availability.team, availability.team)
    place = _place(availability.queue_ahead)
    wait = _minutes(availability.expected_wait_seconds or 60)
    return (f"Someone from our {team} team will join this chat shortly. {place}; the expected wait is {wait}. "
            "They will see everything we have talked about, so you won't need to repeat yourself.")


def unavailable(availability: Availability, hours: BusinessHours, timezone_label: str, now: datetime,
                known_email: str | None) -> str:
    if availability.open_now:
        first = "I'm sorry: nobody from our support team is free to chat right now."
    else:
        first = "I'm sorry: our support team is away right now."
    back = ""
    if availability.next_opening is not None:
        back = f" They are back {hours.describe_moment(availability.next_opening, now)}."
    offer = (f"Would you like a person to email you at {known_email} when they pick this up? "
             "You can also type a different address." if known_email else
             "If you'd like a person to email you, type your email address here.")
    return (f"{first} People answer chats {hours.describe()} ({timezone_label}).{back} "
            f"I've saved our conversation for them, so you won't need to repeat anything. {offer}")


def still_waiting(availability: Availability, hours: BusinessHours, now: datetime,
                  follow_up_email: str | None = None) -> str:
    """For a queued customer who writes again: where they stand now, and that nothing is lost.
    `follow_up_email`: the address they asked to be emailed at, which the reply must not forget."""
    team = TEAM_NAMES.get(availability.team, availability.team)
    kept = "What you write here is passed on, so they will see it when they join."
    if availability.available:
        wait = _minutes(availability.expected_wait_seconds or 60)
        return (f"You're still in line for our {team} team, and nobody has forgotten you. "
                f"{_place(availability.queue_ahead)}; the expected wait is now {wait}. {kept}")
    back = ""
    if availability.next_opening is not None:
        back = f" They are back {hours.describe_moment(availability.next_opening, now)}."
    reply = (f"A person will email you at {follow_up_email} or reply in this chat." if follow_up_email
             else "A person will reply in this chat.")
    return f"You're still in our {team} team's queue, but nobody is free to chat right now.{back} {reply} {kept}"


def email_buttons(known_email: str | None) -> list[dict[str, str]] | None:
    if not known_email:
        return None
    return [{"title": "Yes, email me", "payload": "/affirm"}, {"title": "No thanks", "payload": "/deny"}]


def follow_up_recorded(email: str) -> str:
    return (f"Thank you. A person from our team will email you at {email}. "
            "You can keep writing here too; they will see it.")


def follow_up_declined() -> str:
    return "All right, no email. Your conversation stays in our team's queue and a person will reply here."


def header_status(*, open_now: bool, people_online: bool, next_opening: datetime | None, hours: BusinessHours,
                  timezone_label: str, now: datetime) -> str:
    """The chat widget's header line: whether a person can join now, and if not, when."""
    if open_now and people_online:
        return "A person is one message away"
    if open_now:
        return "Our team is busy right now; the assistant can help"
    back = f" until {hours.describe_moment(next_opening, now)} ({timezone_label})" if next_opening else ""
    return f"Our team is away{back}; the assistant can help now"
