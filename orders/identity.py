"""Reading order numbers, emails and postcodes the way customers type them, and checking that a
customer's details match an order.

The bot never reveals whether an order exists before the details match, so `matches` is the one
place that decides, and it treats "no such order" exactly like "wrong details".
"""

from __future__ import annotations

import re

from orders.models import Order

# "LK-100233", "lk100233", "LK 100233", "#100233", "order 100233", "100233".
_ORDER_NUMBER = re.compile(r"(?<![\w-])(?:#\s*)?(?:lk)?[\s_#-]*(\d{6})(?!\d)", re.IGNORECASE)
_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
# US ZIP (5 or ZIP+4), Canadian (A1A 1A1), UK outward + inward, and 4-6 digit European codes.
_POSTCODE = re.compile(
    r"^(?:\d{5}(?:-\d{4})?|[A-Z]\d[A-Z] ?\d[A-Z]\d|[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}|\d{4,6})$"
)


def normalize_order_number(text: str | None) -> str | None:
    """The canonical `LK-123456` form of the first order number in `text`, or None."""
    if not text:
        return None
    match = _ORDER_NUMBER.search(text.strip())
    return f"LK-{match.group(1)}" if match else None


def normalize_email(text: str | None) -> str | None:
    if not text:
        return None
    match = _EMAIL.search(text.strip())
    return match.group(0).lower() if match else None


def normalize_postcode(text: str | None) -> str | None:
    """Upper case, single inner space removed ("m5v 2t6" -> "M5V2T6"), or None if it is none."""
    if not text:
        return None
    candidate = re.sub(r"\s+", " ", text.strip().upper())
    if not _POSTCODE.match(candidate):
        return None
    return candidate.replace(" ", "")


def matches(order: Order | None, *, email: str | None = None, postcode: str | None = None) -> bool:
    """True only for an existing order whose email or postcode is the one given."""
    if order is None:
        return False
    given_email, given_postcode = normalize_email(email), normalize_postcode(postcode)
    if given_email and given_email == normalize_email(order.email):
        return True
    return bool(given_postcode) and given_postcode == normalize_postcode(order.postcode)
