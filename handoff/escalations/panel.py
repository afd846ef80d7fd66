"""The context panel's first screen, read in five seconds (issue 24): the colleague's two-line note
(issue 21, handoff/engine/note.py), a compact order card, the
facts the customer gave as chips, what the customer was told and promised, and earlier
conversations with their dates, on every channel of the customer record (handoff/customers/).
Derived from the stored packet and the escalation, for the
console to show above everything else; the whole packet stays under "details"."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from handoff.escalations.labels import channel_label
from handoff.store import Escalation

# The bot's slots that are things the customer said (bot/domain); every other slot is the
# bot's bookkeeping (kb_*, unresolved_reason, verification counters) and stays in the details.
FACT_SLOTS: Mapping[str, str] = {
    "order_number": "Order", "email": "Email", "postcode": "Postcode", "return_items": "Returning",
    "return_reason": "Reason", "exchange_variant": "Exchange for", "return_id": "Return",
}
MAX_CHIP = 80
MAX_TOLD = 240
MAX_TOLD_LINES = 4


def _text(value: Any, limit: int = MAX_CHIP) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value[:6] if v not in (None, ""))
    text = str(value).strip()
    return text[:limit] if text else None


def _day(text: Any) -> date | None:
    try:
        return date.fromisoformat(str(text)[:10]) if text else None
    except ValueError:
        return None


def order_card(order: Any, today: date) -> dict[str, Any] | None:
    """State, carrier, how many days late, the tracking link: of the first shipment not delivered
    (the one the customer is asking about), else the first."""
    if not isinstance(order, Mapping):
        return None
    shipments = [s for s in order.get("shipments") or [] if isinstance(s, Mapping)]
    shipment = next((s for s in shipments if not s.get("delivered_at")), shipments[0] if shipments else None)
    card: dict[str, Any] = {"number": order.get("number"), "status": order.get("status"),
                            "verified": order.get("verified", True) is not False, "shipments": len(shipments)}
    if shipment is not None:
        promised, delivered = _day(shipment.get("promised_date")), _day(shipment.get("delivered_at"))
        late_by = (today - promised).days if promised and not delivered and promised < today else 0
        events = [e for e in shipment.get("events") or [] if isinstance(e, Mapping)]
        last = events[-1] if events else None
        card.update({
            "carrier": " ".join(str(shipment.get(k)) for k in ("carrier", "service") if shipment.get(k)) or None,
            "tracking_url": shipment.get("tracking_url"), "tracking_number": shipment.get("tracking_number"),
            "promised_date": promised.isoformat() if promised else None,
            "delivered_date": delivered.isoformat() if delivered else None,
            "late_by_days": late_by,
            "last_scan": _text(f"{last.get('description') or last.get('status')}, {last.get('location')}", 120)
            if last else None,
            "last_scan_date": _day(last.get("time")).isoformat() if last and _day(last.get("time")) else None,
        })
        if delivered:
            card["state"] = "delivered"
        elif late_by:
            card["state"] = "late"
        else:
            card["state"] = "in transit" if events else order.get("status")
    else:
        card["state"] = order.get("status")
    return card


def fact_chips(packet: Mapping[str, Any]) -> list[dict[str, str]]:
    identity = packet.get("identity") if isinstance(packet.get("identity"), Mapping) else {}
    facts = packet.get("facts") if isinstance(packet.get("facts"), Mapping) else {}
    slots = facts.get("slots") if isinstance(facts.get("slots"), Mapping) else {}
    chips: list[dict[str, str]] = []
    seen: set[str] = set()
    for key, label in FACT_SLOTS.items():
        value = _text(identity.get(key) if identity.get(key) not in (None, "") else slots.get(key))
        if value and key not in seen:
            seen.add(key)
            chips.append({"label": label, "value": value})
    if identity.get("name"):
        chips.insert(0, {"label": "Name", "value": str(identity["name"])[:MAX_CHIP]})
    chips.append({"label": "Identity", "value": "verified" if identity.get("verified") is True else "not verified"})
    return chips


def _cut(text: str, limit: int = MAX_TOLD) -> str:
    """At most `limit` characters, ending at a sentence's end when one is near."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    head = text[:limit - 1]
    end = max(head.rfind(". "), head.rfind("? "), head.rfind("! "))
    return head[:end + 1] + " …" if end > limit // 2 else head.rstrip() + "…"


def told(escalation: Escalation, packet: Mapping[str, Any]) -> list[str]:
    """What the customer was told and asked for: the engine's own messages as it sent them
    (recorded from the stream, EscalationService.record_line), never words re-derived from the
    availability it had, which may differ from what was said; the first and the latest few,
    each once. Then the e-mail follow-up the customer asked for, and the bot's last words."""
    said: list[str] = []
    for message in escalation.told:
        text = _cut(message.text)
        if text in said:
            said.remove(text)  # a reminder said again: keep its latest place
        said.append(text)
    if len(said) > MAX_TOLD_LINES:
        said = [said[0], *said[-(MAX_TOLD_LINES - 1):]]
    lines = [f"told: {text}" for text in said]
    if escalation.follow_up == "email" and escalation.follow_up_email:
        lines.append(f"asked to be emailed at {escalation.follow_up_email}")
    elif escalation.follow_up == "declined":
        lines.append("declined an email follow-up")
    transcript = packet.get("transcript")
    if isinstance(transcript, list):
        bot = [line for line in transcript
               if isinstance(line, Mapping) and line.get("role") == "bot" and line.get("text")]
        if bot:
            lines.append(f"bot said last: {_cut(str(bot[-1]['text']))}")
    return lines


MAX_TASKS_SHOWN = 5


def earlier(packet: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The customer's earlier escalations: of this conversation, and of their other conversations
    on any channel (the packet's builder merged them in), each with its channel and open follow-ups."""
    found = packet.get("earlier_escalations")
    this = packet.get("sender_id")
    result = []
    for item in found if isinstance(found, list) else []:
        if not isinstance(item, Mapping) or not isinstance(item.get("id"), int):
            continue
        created = item.get("created_at")
        tasks = item.get("open_tasks") if isinstance(item.get("open_tasks"), list) else []
        result.append({
            "id": item["id"], "summary_line": _text(item.get("summary_line"), 120),
            "date": datetime.fromtimestamp(created, UTC).isoformat() if isinstance(created, int | float) else None,
            "outcome": item.get("outcome") or item.get("state"), "team": item.get("team"),
            "csat_rating": item.get("csat_rating"),
            "channel": channel_label(item.get("channel")) if item.get("channel") else None,
            "this_conversation": item.get("sender_id", this) == this,
            "open_tasks": [{"note": _text(t.get("note"), MAX_TOLD), "due_at": t.get("due_at"), "state": t.get("state")}
                           for t in tasks[:MAX_TASKS_SHOWN] if isinstance(t, Mapping)],
        })
    return result


def customer(packet: Mapping[str, Any]) -> dict[str, Any] | None:
    """Who the customer is across channels: their name, email, verified orders, and on which
    channels they have talked to us."""
    record = packet.get("customer")
    if not isinstance(record, Mapping) or not isinstance(record.get("id"), int):
        return None
    conversations = [c for c in record.get("conversations") or [] if isinstance(c, Mapping)]
    channels = list(dict.fromkeys(channel_label(c.get("channel")) for c in conversations if c.get("channel")))
    orders = record.get("orders") if isinstance(record.get("orders"), list) else []
    return {"id": record["id"], "name": _text(record.get("name")), "email": _text(record.get("email"), 254),
            "orders": [str(o)[:MAX_CHIP] for o in orders[:10]], "conversations": len(conversations),
            "channels": channels}


def at_a_glance(escalation: Escalation, packet: Mapping[str, Any], now: float) -> dict[str, Any]:
    today = datetime.fromtimestamp(now, UTC).date()
    summary = packet.get("summary") if isinstance(packet.get("summary"), Mapping) else {}
    note = summary.get("note") if isinstance(summary.get("note"), list) else []
    return {"note": [_cut(str(line), 2 * MAX_TOLD) for line in note[:2]],  # handoff/engine/note.py
            "order": order_card(packet.get("order"), today), "order_error": packet.get("order_error"),
            "facts": fact_chips(packet), "told": told(escalation, packet), "earlier": earlier(packet),
            "customer": customer(packet)}
