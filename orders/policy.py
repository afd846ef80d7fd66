"""The handbook's rules as numbers, in one place (`/work/shared/shop/handbook.md`).

The models, the demo store and the HTTP test server all read these, so a policy change is one
edit here and the tests that pin the demo story tell you what it changed.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Literal

# "An order can be changed or cancelled within 1 hour of being placed; after that it is packed."
CHANGE_WINDOW = timedelta(hours=1)
# "30 days from delivery."
RETURN_WINDOW = timedelta(days=30)
# "A parcel with no tracking scan for 7 days is treated as lost."
LOST_AFTER = timedelta(days=7)

Region = Literal["US", "CA", "UK", "EU"]

# ISO 3166-1 alpha-2 codes of the EU member states. "UK" is accepted beside "GB" because
# people (and some shop platforms) write it that way.
EU_COUNTRIES = frozenset({
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE",
    "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
})

# "Free return label in the US and Canada; UK and EU returns cost $6.95, taken from the refund."
RETURN_LABEL_COST: dict[Region, Decimal] = {
    "US": Decimal("0.00"),
    "CA": Decimal("0.00"),
    "UK": Decimal("6.95"),
    "EU": Decimal("6.95"),
}

# Why an item cannot be returned. These exact strings reach the bot and the agent console,
# so they are worded to be read by a person.
REASON_FINAL_SALE = "final sale"
REASON_OUTSIDE_WINDOW = "outside the 30-day window"
REASON_NOT_DELIVERED = "not delivered yet"
REASON_ALREADY_RETURNED = "a return was already requested"

# "Gift cards are refunded as store credit." Everything else goes back where it came from.
GIFT_CARD = "gift card"
REFUND_TO_ORIGINAL = "original payment method"
REFUND_TO_STORE_CREDIT = "store credit"


# What the customer does with a return parcel, by region: the carriers of the handbook.
_PACK = "Pack the items with their tags attached"
DROP_OFF: dict[Region, str] = {
    "US": f"{_PACK}, stick the label on the box and drop it at any UPS or USPS location.",
    "CA": f"{_PACK}, stick the label on the box and drop it at any Canada Post outlet.",
    "UK": f"{_PACK} and drop the parcel at a DHL ServicePoint with the label we email you.",
    "EU": f"{_PACK} and drop the parcel at a DHL ServicePoint with the label we email you.",
}
# "Refund to the original payment method within 5 to 7 business days after the return arrives."
REFUND_TIMELINE = "within 5 to 7 business days after your return arrives at our warehouse"
# "the exchange ships when the return is scanned by the carrier."
EXCHANGE_TIMELINE = "as soon as the carrier scans your return"


def region_of(country: str) -> Region:
    """The shipping region of an ISO country code; the shop ships nowhere else."""
    code = country.strip().upper()
    if code == "US":
        return "US"
    if code == "CA":
        return "CA"
    if code in {"GB", "UK"}:
        return "UK"
    if code in EU_COUNTRIES:
        return "EU"
    raise ValueError(f"Larkspur & Co. does not ship to {country!r}")


def return_label_cost(country: str) -> Decimal:
    return RETURN_LABEL_COST[region_of(country)]


def refund_destination(payment_method: str) -> str:
    return REFUND_TO_STORE_CREDIT if payment_method.strip().lower() == GIFT_CARD else REFUND_TO_ORIGINAL


def money(value: Decimal | str | int | float) -> Decimal:
    """Dollars to the cent. Floats go through str() so 19.99 stays 19.99, not 19.989999..."""
    return Decimal(str(value)).quantize(Decimal("0.01"))


def utc(moment: datetime) -> datetime:
    """Every rule compares aware UTC datetimes; a naive one is a bug at the caller, not a guess."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment.isoformat()}: pass an aware one (UTC)")
    return moment.astimezone(timezone.utc)
