"""The demo shop's order backend: SQLite, seeded from orders/demo_seed.py.

When it (re)seeds: on opening, if the file is missing, its schema version is not SCHEMA_VERSION,
or it was seeded on an earlier UTC day. So within one day the demo keeps what happened in it
(returns created, LK-100237 cancelled), and the next day it tells the handbook's story afresh with
dates relative to that day. `python -m orders.demo_store reseed` starts over on demand (LK-100237 can
be cancelled for the 40 minutes after seeding). Reseeding happens in one IMMEDIATE transaction, so
the action server and the handoff service opening the file at the same moment seed it once.

A connection per call: cheap for SQLite, and safe from any thread (callers use asyncio.to_thread).
"""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime, timezone
from decimal import Decimal
from pathlib import Path

from orders import policy
from orders.demo_seed import demo_orders, demo_variants
from orders.errors import OrderNotFound, RuleViolation
from orders.models import (
    Customer,
    Item,
    Order,
    Resolution,
    ReturnRequest,
    Shipment,
    ShippingRefund,
    TrackingEvent,
    Variant,
    parse_datetime,
)
from orders.return_rules import check_return

SCHEMA_VERSION = "1"
LABEL_URL = "https://larkspur.example/returns/{}/label.pdf"

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE customers (email TEXT PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE orders (
    number TEXT PRIMARY KEY, customer_email TEXT NOT NULL REFERENCES customers(email), email TEXT NOT NULL,
    postcode TEXT NOT NULL, city TEXT NOT NULL, country TEXT NOT NULL, placed_at TEXT NOT NULL,
    status TEXT NOT NULL, shipping_cost TEXT NOT NULL, payment_method TEXT NOT NULL);
CREATE TABLE variants (
    sku TEXT PRIMARY KEY, product_id TEXT NOT NULL, name TEXT NOT NULL, size TEXT NOT NULL,
    colour TEXT NOT NULL, price TEXT NOT NULL, in_stock INTEGER NOT NULL);
CREATE TABLE items (
    order_number TEXT NOT NULL REFERENCES orders(number), position INTEGER NOT NULL, sku TEXT NOT NULL,
    product_id TEXT NOT NULL, name TEXT NOT NULL, size TEXT NOT NULL, colour TEXT NOT NULL, price TEXT NOT NULL,
    final_sale INTEGER NOT NULL, quantity INTEGER NOT NULL, PRIMARY KEY (order_number, sku));
CREATE TABLE shipments (
    id TEXT PRIMARY KEY, order_number TEXT NOT NULL REFERENCES orders(number), carrier TEXT NOT NULL,
    service TEXT NOT NULL, tracking_number TEXT NOT NULL, promised_date TEXT, delivered_at TEXT);
CREATE TABLE shipment_items (shipment_id TEXT NOT NULL REFERENCES shipments(id), sku TEXT NOT NULL,
    PRIMARY KEY (shipment_id, sku));
CREATE TABLE tracking_events (
    shipment_id TEXT NOT NULL REFERENCES shipments(id), time TEXT NOT NULL, status TEXT NOT NULL,
    location TEXT NOT NULL, description TEXT NOT NULL);
CREATE TABLE returns (
    id TEXT PRIMARY KEY, order_number TEXT NOT NULL REFERENCES orders(number), reason TEXT NOT NULL,
    resolution TEXT NOT NULL, exchange_to TEXT, label_url TEXT, label_cost TEXT NOT NULL,
    created_at TEXT NOT NULL, refund_amount TEXT, refund_to TEXT);
CREATE TABLE return_items (return_id TEXT NOT NULL REFERENCES returns(id), sku TEXT NOT NULL,
    PRIMARY KEY (return_id, sku));
CREATE TABLE shipping_refunds (
    order_number TEXT PRIMARY KEY REFERENCES orders(number), amount TEXT NOT NULL, refund_to TEXT NOT NULL,
    created_at TEXT NOT NULL);
"""
TABLES = ["shipping_refunds", "return_items", "returns", "tracking_events", "shipment_items", "shipments",
          "items", "variants", "orders", "customers", "meta"]


def _now(now: datetime | None) -> datetime:
    return policy.utc(now) if now is not None else datetime.now(timezone.utc)


class DemoStore:
    def __init__(self, path: Path) -> None:
        self.path = path

    @classmethod
    def open(cls, path: Path, now: datetime | None = None) -> DemoStore:
        """The store at `path`, seeded first if it is missing, outdated or from an earlier day."""
        store = cls(path)
        store.ensure_seeded(now)
        return store

    @contextmanager
    def _db(self, immediate: bool = False) -> Iterator[sqlite3.Connection]:
        conn = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys = ON")
        try:
            conn.execute("BEGIN IMMEDIATE" if immediate else "BEGIN")
            yield conn
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        finally:
            conn.close()

    # --- seeding -------------------------------------------------------------------------------

    def seeded_on(self) -> date | None:
        if not self.path.exists():
            return None
        with self._db() as db:
            return self._seeded_on(db)

    @staticmethod
    def _seeded_on(db: sqlite3.Connection) -> date | None:
        try:
            rows = dict(db.execute("SELECT key, value FROM meta").fetchall())
        except sqlite3.OperationalError:  # no meta table: not ours, or half-made
            return None
        if rows.get("schema_version") != SCHEMA_VERSION or "seeded_at" not in rows:
            return None
        return parse_datetime(rows["seeded_at"]).date()

    def ensure_seeded(self, now: datetime | None = None) -> bool:
        """Seed unless it was seeded today (UTC). Returns whether it seeded."""
        now = _now(now)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._db(immediate=True) as db:
            if self._seeded_on(db) == now.date():
                return False
            self._seed(db, now)
            return True

    def reseed(self, now: datetime | None = None) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._db(immediate=True) as db:
            self._seed(db, _now(now))

    def _seed(self, db: sqlite3.Connection, now: datetime) -> None:
        db.execute("PRAGMA defer_foreign_keys = ON")
        for table in TABLES:
            db.execute(f"DROP TABLE IF EXISTS {table}")
        # executescript() would COMMIT first; statement by statement keeps the seed one transaction.
        for statement in filter(str.strip, SCHEMA.split(";")):
            db.execute(statement)
        for variant in demo_variants():
            db.execute(
                "INSERT INTO variants VALUES (?, ?, ?, ?, ?, ?, ?)",
                (variant.sku, variant.product_id, variant.name, variant.size, variant.colour, str(variant.price),
                 int(variant.in_stock)),
            )
        for order in demo_orders(now):
            self._insert_order(db, order)
        db.executemany("INSERT INTO meta VALUES (?, ?)",
                       [("schema_version", SCHEMA_VERSION), ("seeded_at", now.isoformat())])

    def put_order(self, order: Order) -> None:
        """Add or replace one order (the seed uses the same path; so do tests of other stories)."""
        with self._db(immediate=True) as db:
            for table, key in [("shipment_items", "shipment_id IN (SELECT id FROM shipments WHERE order_number = ?)"),
                               ("tracking_events", "shipment_id IN (SELECT id FROM shipments WHERE order_number = ?)"),
                               ("shipments", "order_number = ?"), ("items", "order_number = ?"),
                               ("orders", "number = ?")]:
                db.execute(f"DELETE FROM {table} WHERE {key}", (order.number,))
            self._insert_order(db, order)

    @staticmethod
    def _insert_order(db: sqlite3.Connection, order: Order) -> None:
        db.execute("INSERT OR REPLACE INTO customers VALUES (?, ?)", (order.customer.email, order.customer.name))
        db.execute(
            "INSERT INTO orders VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (order.number, order.customer.email, order.email, order.postcode, order.city, order.country,
             order.placed_at.isoformat(), order.status, str(order.shipping_cost), order.payment_method),
        )
        for position, item in enumerate(order.items):
            db.execute(
                "INSERT INTO items VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (order.number, position, item.sku, item.product_id, item.name, item.size, item.colour,
                 str(item.price), int(item.final_sale), item.quantity),
            )
        for shipment in order.shipments:
            db.execute(
                "INSERT INTO shipments VALUES (?, ?, ?, ?, ?, ?, ?)",
                (shipment.id, order.number, shipment.carrier, shipment.service, shipment.tracking_number,
                 None if shipment.promised_date is None else shipment.promised_date.isoformat(),
                 None if shipment.delivered_at is None else shipment.delivered_at.isoformat()),
            )
            db.executemany("INSERT INTO shipment_items VALUES (?, ?)", [(shipment.id, sku) for sku in shipment.skus])
            db.executemany(
                "INSERT INTO tracking_events VALUES (?, ?, ?, ?, ?)",
                [(shipment.id, e.time.isoformat(), e.status, e.location, e.description) for e in shipment.events],
            )

    # --- reading -------------------------------------------------------------------------------

    def get_order(self, order_number: str) -> Order | None:
        with self._db() as db:
            return self._order(db, order_number)

    @staticmethod
    def _order(db: sqlite3.Connection, number: str) -> Order | None:
        row = db.execute(
            "SELECT o.*, c.name AS customer_name FROM orders o JOIN customers c ON c.email = o.customer_email "
            "WHERE o.number = ?", (number,),
        ).fetchone()
        if row is None:
            return None
        items = tuple(
            Item(r["sku"], r["name"], r["size"], r["colour"], Decimal(r["price"]), bool(r["final_sale"]),
                 r["quantity"], r["product_id"])
            for r in db.execute("SELECT * FROM items WHERE order_number = ? ORDER BY position", (number,))
        )
        shipments = []
        for s in db.execute("SELECT * FROM shipments WHERE order_number = ? ORDER BY id", (number,)).fetchall():
            events = tuple(
                TrackingEvent(parse_datetime(e["time"]), e["status"], e["location"], e["description"])
                for e in db.execute("SELECT * FROM tracking_events WHERE shipment_id = ? ORDER BY time", (s["id"],))
            )
            skus = tuple(r["sku"] for r in db.execute(
                "SELECT si.sku FROM shipment_items si JOIN items i ON i.sku = si.sku AND i.order_number = ? "
                "WHERE si.shipment_id = ? ORDER BY i.position", (number, s["id"])))
            shipments.append(Shipment(
                s["id"], s["carrier"], s["service"], s["tracking_number"],
                None if s["promised_date"] is None else date.fromisoformat(s["promised_date"]),
                None if s["delivered_at"] is None else parse_datetime(s["delivered_at"]), events, skus,
            ))
        return Order(
            row["number"], Customer(row["customer_name"], row["customer_email"]), row["email"], row["postcode"],
            row["country"], parse_datetime(row["placed_at"]), items, tuple(shipments), row["status"],
            Decimal(row["shipping_cost"]), row["payment_method"], row["city"],
        )

    def variants(self, product_id: str) -> list[Variant]:
        with self._db() as db:
            return [
                Variant(r["sku"], r["product_id"], r["name"], r["size"], r["colour"], Decimal(r["price"]),
                        bool(r["in_stock"]))
                for r in db.execute("SELECT * FROM variants WHERE product_id = ? ORDER BY rowid", (product_id,))
            ]

    def returns_for(self, order_number: str) -> list[ReturnRequest]:
        with self._db() as db:
            return self._returns(db, order_number)

    @staticmethod
    def _returns(db: sqlite3.Connection, number: str) -> list[ReturnRequest]:
        result = []
        for r in db.execute("SELECT * FROM returns WHERE order_number = ? ORDER BY created_at, id", (number,)):
            skus = tuple(x["sku"] for x in db.execute("SELECT sku FROM return_items WHERE return_id = ?", (r["id"],)))
            result.append(ReturnRequest(
                r["id"], number, skus, r["reason"], r["resolution"], r["exchange_to"], r["label_url"],
                Decimal(r["label_cost"]), parse_datetime(r["created_at"]),
                None if r["refund_amount"] is None else Decimal(r["refund_amount"]), r["refund_to"],
            ))
        return result

    # --- writing -------------------------------------------------------------------------------

    def create_return(
        self, order_number: str, skus: Sequence[str], reason: str, resolution: Resolution,
        exchange_to: str | None = None, now: datetime | None = None,
    ) -> ReturnRequest:
        now = _now(now)
        with self._db(immediate=True) as db:
            order = self._order(db, order_number)
            if order is None:
                raise OrderNotFound(order_number)
            existing = self._returns(db, order_number)
            returned = {sku for request in existing for sku in request.skus}
            variant = None
            if exchange_to is not None:
                row = db.execute("SELECT * FROM variants WHERE sku = ?", (exchange_to,)).fetchone()
                if row is None:
                    raise RuleViolation(f"There is no item {exchange_to} to exchange for.")
                variant = Variant(row["sku"], row["product_id"], row["name"], row["size"], row["colour"],
                                  Decimal(row["price"]), bool(row["in_stock"]))
            skus = list(dict.fromkeys(skus))
            check_return(order, skus, resolution, variant, returned, now)
            label_cost = order.return_label_cost
            refund = None
            if resolution == "refund":
                refund = max(Decimal("0.00"), sum(
                    (order.item(sku).price * order.item(sku).quantity for sku in skus), Decimal("0.00")) - label_cost)
            return_id = f"R-{order_number[3:]}-{len(existing) + 1}"
            request = ReturnRequest(
                return_id, order_number, tuple(skus), reason.strip() or "not given", resolution, exchange_to,
                # A free label can be printed now; a paid one (UK, EU) is emailed with its cost shown.
                LABEL_URL.format(return_id) if label_cost == 0 else None, label_cost, now,
                refund, None if refund is None else policy.refund_destination(order.payment_method),
            )
            db.execute(
                "INSERT INTO returns VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (request.id, order_number, request.reason, resolution, exchange_to, request.label_url,
                 str(label_cost), now.isoformat(), None if refund is None else str(refund), request.refund_to),
            )
            db.executemany("INSERT INTO return_items VALUES (?, ?)", [(request.id, sku) for sku in skus])
            return request

    def cancel_order(self, order_number: str, now: datetime | None = None) -> Order:
        now = _now(now)
        with self._db(immediate=True) as db:
            order = self._order(db, order_number)
            if order is None:
                raise OrderNotFound(order_number)
            if order.status == "cancelled":
                raise RuleViolation(f"{order_number} is already cancelled.")
            if not order.can_change(now):
                raise RuleViolation(
                    f"{order_number} can no longer be cancelled: orders can be changed or cancelled within "
                    "1 hour of being placed, and after that they are packed."
                )
            db.execute("UPDATE orders SET status = 'cancelled' WHERE number = ?", (order_number,))
            cancelled = self._order(db, order_number)
            assert cancelled is not None
            return cancelled

    def refund_shipping(self, order_number: str, now: datetime | None = None) -> ShippingRefund:
        now = _now(now)
        with self._db(immediate=True) as db:
            order = self._order(db, order_number)
            if order is None:
                raise OrderNotFound(order_number)
            if not any(shipment.is_late(now) for shipment in order.shipments):
                raise RuleViolation(f"{order_number} is not late, so its shipping cost is not refunded.")
            if order.shipping_cost == 0:
                raise RuleViolation(f"Shipping on {order_number} was free, so there is no shipping cost to refund.")
            if db.execute("SELECT 1 FROM shipping_refunds WHERE order_number = ?", (order_number,)).fetchone():
                raise RuleViolation(f"The shipping cost of {order_number} was already refunded.")
            refund = ShippingRefund(order_number, order.shipping_cost,
                                    policy.refund_destination(order.payment_method), now)
            db.execute("INSERT INTO shipping_refunds VALUES (?, ?, ?, ?)",
                       (order_number, str(refund.amount), refund.refund_to, now.isoformat()))
            return refund


def main(argv: list[str]) -> None:
    from orders.settings import OrdersSettings

    path = OrdersSettings.from_env().db_path
    if argv[1:] == ["reseed"]:
        DemoStore(path).reseed()
        print(f"reseeded {path}")
    elif argv[1:] in ([], ["status"]):
        store = DemoStore(path)
        print(f"{path}: seeded on {store.seeded_on() or 'never (or an older schema)'}")
    else:
        sys.exit("usage: python -m orders.demo_store [status|reseed]")


if __name__ == "__main__":
    main(sys.argv)
