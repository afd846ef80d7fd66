"""What an order is, as immutable values, with the handbook's rules that need only the order.

Every rule that depends on the time takes `now` instead of reading the clock: the demo data is
relative to the day it was seeded, and tests (and the agent console replaying a conversation)
must be able to ask "was it late then?". `to_dict()`/`from_dict()` give the JSON shapes of
docs/order-api.md: datetimes as ISO 8601 with offset, dates as YYYY-MM-DD, money as strings.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from orders import policy

OrderStatus = Literal["placed", "packed", "shipped", "partially_delivered", "delivered", "cancelled"]
ShipmentState = Literal["in transit", "late", "lost", "delivered"]
Resolution = Literal["refund", "exchange"]
RESOLUTIONS: tuple[Resolution, ...] = ("refund", "exchange")

# Where a customer follows a parcel themselves; the bot links it beside its own summary.
TRACKING_URLS = {
    "UPS": "https://www.ups.com/track?tracknum={}",
    "USPS": "https://tools.usps.com/go/TrackConfirmAction?tLabels={}",
    "Canada Post": "https://www.canadapost-postescanada.ca/track-reperage/en#/search?searchFor={}",
    "DHL": "https://www.dhl.com/global-en/home/tracking/tracking-parcel.html?submit=1&tracking-id={}",
}


def parse_datetime(text: str) -> datetime:
    # Python 3.10's fromisoformat rejects the "Z" that most shop APIs send.
    return policy.utc(datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith("Z") else text))


def _optional_datetime(text: str | None) -> datetime | None:
    return None if text is None else parse_datetime(text)


@dataclass(frozen=True)
class Customer:
    name: str
    email: str

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "email": self.email}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Customer:
        return cls(name=data["name"], email=data["email"])


@dataclass(frozen=True)
class Returnability:
    """Whether one item may be returned now and, if not, the reason a person would give."""

    sku: str
    returnable: bool
    reason: str | None = None
    deadline: datetime | None = None  # last moment of the 30-day window, once delivered

    def to_dict(self) -> dict[str, Any]:
        return {
            "sku": self.sku, "returnable": self.returnable, "reason": self.reason,
            "deadline": None if self.deadline is None else self.deadline.isoformat(),
        }


@dataclass(frozen=True)
class Item:
    sku: str
    name: str
    size: str
    colour: str
    price: Decimal  # per unit, USD
    final_sale: bool = False
    quantity: int = 1
    # Exchanges are "for another size or colour of the same product", so the product is kept
    # apart from the variant's sku rather than guessed from the sku's spelling.
    product_id: str = ""

    def return_status(self, delivered_at: datetime | None, now: datetime) -> Returnability:
        deadline = None if delivered_at is None else delivered_at + policy.RETURN_WINDOW
        # Final sale comes first: it is the answer whatever the dates, and the kindest to hear once.
        if self.final_sale:
            return Returnability(self.sku, False, policy.REASON_FINAL_SALE, deadline)
        if deadline is None:
            return Returnability(self.sku, False, policy.REASON_NOT_DELIVERED)
        if policy.utc(now) > deadline:
            return Returnability(self.sku, False, policy.REASON_OUTSIDE_WINDOW, deadline)
        return Returnability(self.sku, True, None, deadline)

    def to_dict(self) -> dict[str, Any]:
        return {
            "sku": self.sku, "product_id": self.product_id, "name": self.name, "size": self.size,
            "colour": self.colour, "price": str(self.price), "final_sale": self.final_sale,
            "quantity": self.quantity,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Item:
        return cls(
            sku=data["sku"], product_id=data.get("product_id", ""), name=data["name"],
            size=data["size"], colour=data["colour"], price=policy.money(data["price"]),
            final_sale=bool(data["final_sale"]), quantity=int(data.get("quantity", 1)),
        )


@dataclass(frozen=True)
class TrackingEvent:
    time: datetime
    status: str  # label_created, picked_up, in_transit, out_for_delivery, delivered, exception
    location: str
    description: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "time": self.time.isoformat(), "status": self.status, "location": self.location,
            "description": self.description,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TrackingEvent:
        return cls(parse_datetime(data["time"]), data["status"], data["location"], data["description"])


@dataclass(frozen=True)
class Shipment:
    id: str
    carrier: str
    service: str  # the shop's service level: "Express" or "Standard"
    tracking_number: str
    promised_date: date | None
    delivered_at: datetime | None
    events: tuple[TrackingEvent, ...]
    skus: tuple[str, ...]

    @property
    def delivered(self) -> bool:
        return self.delivered_at is not None

    @property
    def last_event(self) -> TrackingEvent | None:
        return max(self.events, key=lambda event: event.time, default=None)

    @property
    def tracking_url(self) -> str | None:
        template = TRACKING_URLS.get(self.carrier)
        return template.format(self.tracking_number) if template else None

    def is_late(self, now: datetime) -> bool:
        """The promised date has passed and the parcel has not arrived (the customer may ask
        for the shipping cost back). The promised date is a UTC calendar date."""
        if self.delivered or self.promised_date is None:
            return False
        return policy.utc(now).date() > self.promised_date

    def is_lost(self, now: datetime) -> bool:
        """No scan for 7 days and not delivered: a person opens a carrier investigation.
        A parcel without any scan yet has not been handed to the carrier, so it is not lost."""
        last = self.last_event
        if self.delivered or last is None:
            return False
        return policy.utc(now) - last.time >= policy.LOST_AFTER

    def state(self, now: datetime) -> ShipmentState:
        # Lost wins over late: a lost parcel is usually late too, and "lost" is what to act on.
        if self.delivered:
            return "delivered"
        if self.is_lost(now):
            return "lost"
        return "late" if self.is_late(now) else "in transit"

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "carrier": self.carrier, "service": self.service,
            "tracking_number": self.tracking_number, "tracking_url": self.tracking_url,
            "promised_date": None if self.promised_date is None else self.promised_date.isoformat(),
            "delivered_at": None if self.delivered_at is None else self.delivered_at.isoformat(),
            "events": [event.to_dict() for event in self.events], "skus": list(self.skus),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Shipment:
        promised = data.get("promised_date")
        return cls(
            id=data["id"], carrier=data["carrier"], service=data["service"],
            tracking_number=data["tracking_number"],
            promised_date=None if promised is None else date.fromisoformat(promised),
            delivered_at=_optional_datetime(data.get("delivered_at")),
            events=tuple(TrackingEvent.from_dict(event) for event in data.get("events", ())),
            skus=tuple(data["skus"]),
        )


@dataclass(frozen=True)
class Order:
    number: str
    customer: Customer
    email: str  # the address on the order, which may differ from the account's
    postcode: str
    country: str  # ISO 3166-1 alpha-2
    placed_at: datetime
    items: tuple[Item, ...]
    shipments: tuple[Shipment, ...]
    status: OrderStatus
    shipping_cost: Decimal
    payment_method: str
    city: str = ""

    @property
    def region(self) -> policy.Region:
        return policy.region_of(self.country)

    @property
    def return_label_cost(self) -> Decimal:
        return policy.return_label_cost(self.country)

    @property
    def subtotal(self) -> Decimal:
        return sum((item.price * item.quantity for item in self.items), Decimal("0.00"))

    @property
    def total(self) -> Decimal:
        return self.subtotal + self.shipping_cost

    def can_change(self, now: datetime) -> bool:
        """Changeable or cancellable within 1 hour of placing; after that it is packed."""
        return self.status == "placed" and policy.utc(now) - self.placed_at < policy.CHANGE_WINDOW

    def item(self, sku: str) -> Item:
        for item in self.items:
            if item.sku == sku:
                return item
        raise KeyError(f"{self.number} has no item {sku!r}")

    def shipment_of(self, sku: str) -> Shipment | None:
        return next((shipment for shipment in self.shipments if sku in shipment.skus), None)

    def return_status(self, sku: str, now: datetime, returned: Collection[str] = ()) -> Returnability:
        """`returned`: skus already in a return request of this order (asked for once only)."""
        shipment = self.shipment_of(sku)
        status = self.item(sku).return_status(None if shipment is None else shipment.delivered_at, now)
        if status.returnable and sku in returned:
            return Returnability(sku, False, policy.REASON_ALREADY_RETURNED, status.deadline)
        return status

    def return_statuses(self, now: datetime, returned: Collection[str] = ()) -> tuple[Returnability, ...]:
        return tuple(self.return_status(item.sku, now, returned) for item in self.items)

    def to_dict(self) -> dict[str, Any]:
        return {
            "number": self.number, "customer": self.customer.to_dict(), "email": self.email,
            "postcode": self.postcode, "city": self.city, "country": self.country,
            "placed_at": self.placed_at.isoformat(), "status": self.status,
            "items": [item.to_dict() for item in self.items],
            "shipments": [shipment.to_dict() for shipment in self.shipments],
            "shipping_cost": str(self.shipping_cost), "payment_method": self.payment_method,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Order:
        return cls(
            number=data["number"], customer=Customer.from_dict(data["customer"]), email=data["email"],
            postcode=data["postcode"], city=data.get("city", ""), country=data["country"],
            placed_at=parse_datetime(data["placed_at"]), status=data["status"],
            items=tuple(Item.from_dict(item) for item in data["items"]),
            shipments=tuple(Shipment.from_dict(shipment) for shipment in data.get("shipments", ())),
            shipping_cost=policy.money(data["shipping_cost"]), payment_method=data["payment_method"],
        )


@dataclass(frozen=True)
class Variant:
    """One size and colour of a product, as the stock table has it, for exchanges."""

    sku: str
    product_id: str
    name: str
    size: str
    colour: str
    price: Decimal
    in_stock: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "sku": self.sku, "product_id": self.product_id, "name": self.name, "size": self.size,
            "colour": self.colour, "price": str(self.price), "in_stock": self.in_stock,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Variant:
        return cls(
            sku=data["sku"], product_id=data["product_id"], name=data["name"], size=data["size"],
            colour=data["colour"], price=policy.money(data["price"]), in_stock=bool(data["in_stock"]),
        )


@dataclass(frozen=True)
class ReturnRequest:
    id: str
    order_number: str
    skus: tuple[str, ...]
    reason: str
    resolution: Resolution
    exchange_to: str | None  # the variant's sku, for an exchange
    label_url: str | None  # None when the shop emails the label later
    label_cost: Decimal  # free in the US and Canada, $6.95 to the UK and the EU
    created_at: datetime
    refund_amount: Decimal | None = None  # items minus label cost; None for an exchange
    refund_to: str | None = None  # "original payment method" or "store credit"

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "order_number": self.order_number, "skus": list(self.skus),
            "reason": self.reason, "resolution": self.resolution, "exchange_to": self.exchange_to,
            "label_url": self.label_url, "label_cost": str(self.label_cost),
            "created_at": self.created_at.isoformat(),
            "refund_amount": None if self.refund_amount is None else str(self.refund_amount),
            "refund_to": self.refund_to,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ReturnRequest:
        refund = data.get("refund_amount")
        return cls(
            id=data["id"], order_number=data["order_number"], skus=tuple(data["skus"]),
            reason=data["reason"], resolution=data["resolution"], exchange_to=data.get("exchange_to"),
            label_url=data.get("label_url"), label_cost=policy.money(data["label_cost"]),
            created_at=parse_datetime(data["created_at"]),
            refund_amount=None if refund is None else policy.money(refund), refund_to=data.get("refund_to"),
        )


@dataclass(frozen=True)
class ShippingRefund:
    """The shipping cost paid back on a late delivery (the handbook allows it once per order)."""

    order_number: str
    amount: Decimal
    refund_to: str
    created_at: datetime

    def to_dict(self) -> dict[str, Any]:
        return {
            "order_number": self.order_number, "amount": str(self.amount), "refund_to": self.refund_to,
            "created_at": self.created_at.isoformat(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ShippingRefund:
        return cls(
            order_number=data["order_number"], amount=policy.money(data["amount"]), refund_to=data["refund_to"],
            created_at=parse_datetime(data["created_at"]),
        )
