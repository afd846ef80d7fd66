"""Whether a return or exchange may be created, checked the same way by every backend that
creates returns itself (the demo store, and the test shop server built on it)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from orders.errors import RuleViolation
from orders.models import RESOLUTIONS, Order, Variant


def check_return(
    order: Order,
    skus: Sequence[str],
    resolution: str,
    exchange_to: Variant | None,
    already_returned: Collection[str],
    now: datetime,
) -> None:
    """Raise RuleViolation with a sentence for the customer if the request breaks a rule."""
    if not skus:
        raise RuleViolation("Choose at least one item to return.")
    if resolution not in RESOLUTIONS:
        raise RuleViolation(f"A return is settled by a refund or an exchange, not {resolution!r}.")
    known = {item.sku for item in order.items}
    for sku in skus:
        if sku not in known:
            raise RuleViolation(f"{order.number} has no item {sku}.")
        status = order.return_status(sku, now, already_returned)
        if not status.returnable:
            raise RuleViolation(f"The {order.item(sku).name} can't be returned: {status.reason}.")
    if resolution == "refund":
        if exchange_to is not None:
            raise RuleViolation("A refund has no exchange item.")
        return
    # "Exchanges: for another size or colour of the same product, if in stock."
    if len(skus) != 1:
        raise RuleViolation("An exchange is for one item at a time.")
    if exchange_to is None:
        raise RuleViolation("Choose the size or colour you want instead.")
    item = order.item(skus[0])
    if exchange_to.product_id != item.product_id or exchange_to.sku == item.sku:
        raise RuleViolation(f"An exchange is for another size or colour of the {item.name}.")
    if not exchange_to.in_stock:
        raise RuleViolation(f"The {exchange_to.name} in {exchange_to.size}, {exchange_to.colour} is out of stock.")
