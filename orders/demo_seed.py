"""The demo shop's customers, orders and stock, exactly as the handbook lists them
(`/work/shared/shop/handbook.md`, "Demo customers and orders"), with every time relative to
`now`, the moment of seeding, so the demo tells the same story whichever day it runs.

| order     | story                                                                   |
| LK-100231 | UPS Express, in transit, on time, delivery tomorrow                     |
| LK-100232 | delivered 12 days ago: the sweater is returnable                        |
| LK-100233 | delivered 41 days ago: outside the 30-day window                        |
| LK-100234 | delivered 5 days ago: swimsuit final sale, hat returnable (EU label)    |
| LK-100235 | Canada Post, promised 3 days ago, scanned yesterday: late               |
| LK-100236 | USPS, last scan 9 days ago: lost                                        |
| LK-100237 | placed 20 minutes ago, not packed: can still be cancelled               |
| LK-100238 | split: tights delivered yesterday, t-shirts in transit with DHL         |
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from orders import policy
from orders.models import Customer, Item, Order, Shipment, TrackingEvent, Variant

# (product_id, name, price, final_sale, [(size, colour, in_stock), ...]); sku = product-size-colour.
CATALOGUE: list[tuple[str, str, str, bool, list[tuple[str, str, bool]]]] = [
    ("trail-runner", "trail runners", "129.00", False,
     [("US 7", "slate", True), ("US 8", "slate", True), ("US 9", "slate", True), ("US 8", "ember", True)]),
    ("rain-jacket", "rain jacket", "179.00", False,
     [("S", "moss", True), ("M", "moss", True), ("L", "moss", False), ("M", "navy", True)]),
    ("wool-sweater", "wool sweater", "98.00", False,
     [("S", "oatmeal", True), ("M", "oatmeal", True), ("L", "oatmeal", True), ("XL", "oatmeal", False),
      ("L", "navy", True)]),
    ("hiking-boot", "hiking boots", "189.00", False,
     [("US 10", "brown", True), ("US 11", "brown", True), ("US 12", "brown", True)]),
    ("swimsuit", "swimsuit", "68.00", True, [("M", "coral", True), ("L", "coral", True)]),
    ("sun-hat", "sun hat", "34.00", False, [("S/M", "sand", True), ("L/XL", "sand", True), ("S/M", "olive", True)]),
    ("down-parka", "down parka", "289.00", False, [("L", "black", True), ("XL", "black", True)]),
    ("backpack-30l", "backpack 30L", "139.00", False, [("30L", "forest", True)]),
    ("fleece", "fleece", "79.00", False, [("S", "heather grey", True), ("M", "heather grey", True)]),
    ("beanie", "beanie", "24.00", False, [("one size", "rust", True)]),
    ("running-tights", "running tights", "64.00", False, [("S", "black", True), ("M", "black", True)]),
    ("t-shirt", "t-shirt", "28.00", False, [("M", "white", True), ("L", "white", True)]),
]


def sku_of(product_id: str, size: str, colour: str) -> str:
    return f"{product_id}-{size}-{colour}".upper().replace(" ", "").replace("/", "")


def demo_variants() -> list[Variant]:
    return [
        Variant(sku_of(pid, size, colour), pid, name, size, colour, Decimal(price), in_stock)
        for pid, name, price, _final, sizes in CATALOGUE
        for size, colour, in_stock in sizes
    ]


def _item(product_id: str, size: str, colour: str, quantity: int = 1) -> Item:
    _pid, name, price, final_sale, _sizes = next(p for p in CATALOGUE if p[0] == product_id)
    return Item(sku_of(product_id, size, colour), name, size, colour, Decimal(price), final_sale, quantity, product_id)


def _events(*rows: tuple[datetime, str, str, str]) -> tuple[TrackingEvent, ...]:
    return tuple(TrackingEvent(time, status, location, text) for time, status, location, text in rows)


def demo_orders(now: datetime) -> list[Order]:
    now = policy.utc(now).replace(microsecond=0)
    day = timedelta(days=1)
    hour = timedelta(hours=1)
    today = now.date()

    maya = Customer("Maya Chen", "maya.chen@example.com")
    omar = Customer("Omar Haddad", "omar.h@example.com")
    sofia = Customer("Sofia Rossi", "sofia.rossi@example.com")
    liam = Customer("Liam O'Brien", "liam.obrien@example.com")
    ava = Customer("Ava Johnson", "ava.j@example.com")
    noah = Customer("Noah Williams", "noah.w@example.com")
    emma = Customer("Emma Schmidt", "emma.schmidt@example.com")

    def delivered(order_no: str, carrier: str, service: str, placed: datetime, arrived: datetime,
                  origin: str, city: str, skus: tuple[str, ...], suffix: str = "1") -> Shipment:
        return Shipment(
            f"{order_no}-{suffix}", carrier, service, f"{carrier[:2].upper()}{order_no[3:]}{suffix}00",
            (arrived - 2 * hour).date(), arrived,
            _events(
                (placed + 3 * hour, "label_created", origin, "Shipping label created"),
                (placed + 9 * hour, "picked_up", origin, f"Picked up by {carrier}"),
                (arrived - 7 * hour, "out_for_delivery", city, "Out for delivery"),
                (arrived, "delivered", city, "Delivered, left at front door"),
            ),
            skus,
        )

    orders: list[Order] = []

    placed = now - day - 2 * hour
    runners, jacket = _item("trail-runner", "US 8", "slate"), _item("rain-jacket", "M", "moss")
    orders.append(Order(
        "LK-100231", maya, maya.email, "94110", "US", placed,
        (runners, jacket),
        (Shipment("LK-100231-1", "UPS", "Express", "1Z8A4100231", today + day, None, _events(
            (placed + hour, "label_created", "Reno, NV", "Shipping label created"),
            (placed + 4 * hour, "picked_up", "Reno, NV", "Picked up by UPS"),
            (now - 6 * hour, "in_transit", "Oakland, CA", "Arrived at UPS facility"),
        ), (runners.sku, jacket.sku)),),
        "shipped", Decimal("14.95"), "Visa", "San Francisco",
    ))

    placed = now - 17 * day
    sweater = _item("wool-sweater", "L", "oatmeal")
    orders.append(Order(
        "LK-100232", omar, omar.email, "10027", "US", placed, (sweater,),
        (delivered("LK-100232", "USPS", "Standard", placed, now - 12 * day, "Reno, NV", "New York, NY",
                   (sweater.sku,)),),
        "delivered", Decimal("0.00"), "Visa", "New York",
    ))

    placed = now - 46 * day
    boots = _item("hiking-boot", "US 11", "brown")
    orders.append(Order(
        "LK-100233", omar, omar.email, "10027", "US", placed, (boots,),
        (delivered("LK-100233", "UPS", "Standard", placed, now - 41 * day, "Reno, NV", "New York, NY",
                   (boots.sku,)),),
        "delivered", Decimal("0.00"), "Mastercard", "New York",
    ))

    placed = now - 14 * day
    swimsuit, hat = _item("swimsuit", "M", "coral"), _item("sun-hat", "S/M", "sand")
    orders.append(Order(
        "LK-100234", sofia, sofia.email, "20121", "IT", placed, (swimsuit, hat),
        (delivered("LK-100234", "DHL", "Standard", placed, now - 5 * day, "Leipzig, DE", "Milan, IT",
                   (swimsuit.sku, hat.sku)),),
        "delivered", Decimal("14.95"), "PayPal", "Milan",
    ))

    # Canada: free from $75, so this late order's shipping cost nothing to refund.
    placed = now - 12 * day
    parka = _item("down-parka", "XL", "black")
    orders.append(Order(
        "LK-100235", liam, liam.email, "M5V 2T6", "CA", placed, (parka,),
        (Shipment("LK-100235-1", "Canada Post", "Standard", "7023100235001", today - 3 * day, None, _events(
            (placed + 3 * hour, "label_created", "Mississauga, ON", "Shipping label created"),
            (placed + 10 * hour, "picked_up", "Mississauga, ON", "Picked up by Canada Post"),
            (now - 4 * day, "in_transit", "Mississauga, ON", "Item processed"),
            (now - day, "in_transit", "Toronto, ON", "Item delayed at sorting facility"),
        ), (parka.sku,)),),
        "shipped", Decimal("0.00"), "Visa", "Toronto",
    ))

    placed = now - 14 * day
    backpack = _item("backpack-30l", "30L", "forest")
    orders.append(Order(
        "LK-100236", ava, ava.email, "60614", "US", placed, (backpack,),
        (Shipment("LK-100236-1", "USPS", "Standard", "9400100236000", today - 8 * day, None, _events(
            (placed + 3 * hour, "label_created", "Reno, NV", "Shipping label created"),
            (placed + 9 * hour, "picked_up", "Reno, NV", "Picked up by USPS"),
            (now - 9 * day, "in_transit", "Indianapolis, IN", "Departed USPS regional facility"),
        ), (backpack.sku,)),),
        "shipped", Decimal("0.00"), "Apple Pay", "Chicago",
    ))

    orders.append(Order(
        "LK-100237", noah, noah.email, "73301", "US", now - timedelta(minutes=20),
        (_item("fleece", "S", "heather grey"), _item("beanie", "one size", "rust")),
        (), "placed", Decimal("0.00"), "Klarna", "Austin",
    ))

    placed = now - 6 * day
    tights, shirts = _item("running-tights", "M", "black"), _item("t-shirt", "M", "white", quantity=2)
    orders.append(Order(
        "LK-100238", emma, emma.email, "10115", "DE", placed, (tights, shirts),
        (
            delivered("LK-100238", "DHL", "Standard", placed, now - day, "Leipzig, DE", "Berlin, DE",
                      (tights.sku,)),
            Shipment("LK-100238-2", "DHL", "Standard", "DH100238200", today + 2 * day, None, _events(
                (placed + 2 * day, "label_created", "Reno, NV", "Shipping label created"),
                (placed + 3 * day, "picked_up", "Reno, NV", "Picked up by DHL"),
                (now - 10 * hour, "in_transit", "Leipzig, DE", "Arrived at DHL hub"),
            ), (shirts.sku,), ),
        ),
        "partially_delivered", Decimal("14.95"), "gift card", "Berlin",
    ))
    return orders
