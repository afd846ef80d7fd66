"""The queue at 50 (issue 24): views, filters, search and sorting done by the API, bounded, with
the labels a person reads (channel, customer, priority word) on each card."""

from __future__ import annotations

import time
from typing import Any

from handoff.escalations.labels import visitor_number
from handoff.store import Escalation
from handoff.store import escalations as rows
from tests.handoff.harness import Server


def packet(order: str | None = None, name: str | None = None, said: str = "where is my parcel") -> dict[str, Any]:
    verified = name is not None
    return {"summary_line": said, "identity": {"order_number": order, "verified": verified, "name": name},
            "order": {"number": order, "status": "shipped"} if order else None,
            "transcript": [{"role": "customer", "text": said}]}


async def opened(server: Server, sender: str, *, team: str = "returns", channel: str = "socketio",
                 reason: str = "frustration", frustration: float = 0.3, **kwargs: Any) -> Escalation:
    return await server.services.escalations.open(sender_id=sender, channel=channel, reason=reason, team=team,
                                                  frustration=frustration, packet=packet(**kwargs))


async def ids(client: Any, **params: Any) -> list[int]:
    response = await client.get("/escalations", params=params)
    assert response.status_code == 200, response.text
    return [card["id"] for card in response.json()]


async def test_views_filters_and_search(server: Server) -> None:
    sweater = await opened(server, "web-sweater", order="LK-100232", name="Omar Haddad")
    parcel = await opened(server, "tg-parcel", team="delivery", channel="telegram", reason="missed_delivery",
                          order="LK-100235", said="my parcel is three days late")
    general = await opened(server, "web-general", team="general", said="do you ship to Mexico")
    maya, admin = await server.login("maya"), await server.login("admin")  # maya: returns and general

    assert set(await ids(maya, view="teams")) == {sweater.id, general.id}
    assert await ids(maya, view="teams", team="general") == [general.id]
    assert await ids(maya, view="teams", team="delivery") == []  # not one of her teams
    forbidden = await maya.get("/escalations", params={"view": "all"})
    assert forbidden.status_code == 403
    assert set(await ids(admin, view="all")) == {sweater.id, parcel.id, general.id}
    assert await ids(admin, view="all", channel="telegram") == [parcel.id]
    assert await ids(admin, view="all", reason="missed_delivery") == [parcel.id]

    # By order number as people type it, by name, by words said, by conversation.
    for typed in ("LK-100235", "lk100235", "100235"):
        assert await ids(admin, view="all", q=typed) == [parcel.id], typed
    assert await ids(admin, view="all", q="omar haddad") == [sweater.id]
    assert await ids(admin, view="all", q="Mexico") == [general.id]
    assert await ids(admin, view="all", q="100%") == []  # a wildcard is a character
    assert await ids(maya, view="teams", q="LK-100235") == []  # search stays inside what one may see

    # Mine and unassigned; closed ones stay findable, with their outcome.
    assert (await maya.post(f"/escalations/{sweater.id}/claim")).status_code == 200
    assert await ids(maya, view="mine") == [sweater.id]
    assert await ids(maya, view="unassigned") == [general.id]
    await server.services.db.run(lambda s: rows.close(s, sweater.id, state="completed", outcome="resolved",
                                                      by="maya", detail=None, now=time.time()))
    assert await ids(maya, view="mine") == []
    closed = (await maya.get("/escalations", params={"view": "closed", "q": "LK-100232"})).json()
    assert [c["id"] for c in closed] == [sweater.id] and closed[0]["outcome"] == "resolved"
    assert closed[0]["closed_at"] is not None and "csat_rating" in closed[0]


async def test_cards_carry_labels_people_read(server: Server) -> None:
    named = await opened(server, "web-named", order="LK-100232", name="Omar Haddad", frustration=0.9)
    anonymous = await opened(server, "0123456789abcdef0123456789abcdef", frustration=0.0)
    # Twilio's one channel carries both: the sender says which the customer uses.
    whatsapp = await opened(server, "whatsapp:+447700900123", channel="twilio")
    sms = await opened(server, "+447700900124", channel="twilio")
    cards = {c["id"]: c for c in (await (await server.login("maya")).get("/escalations")).json()}
    assert (cards[whatsapp.id]["channel_label"], cards[sms.id]["channel_label"]) == ("WhatsApp", "SMS")
    assert cards[named.id]["customer_label"] == "Omar Haddad"
    assert cards[named.id]["channel_label"] == "Website chat"
    assert cards[named.id]["order_number"] == "LK-100232"
    assert cards[named.id]["priority_word"] == "high"  # 90 for frustration 0.9, no wait yet
    visitor = cards[anonymous.id]["customer_label"]
    assert visitor == f"Visitor {visitor_number(anonymous.sender_id)}" and len(visitor) == len("Visitor 1234")
    assert cards[anonymous.id]["priority_word"] == "low"


async def test_sorting_and_paging(server: Server) -> None:
    calm = await opened(server, "first-calm", frustration=0.0)
    angry = await opened(server, "second-angry", frustration=0.9)
    maya = await server.login("maya")
    assert await ids(maya, view="unassigned", sort="waiting") == [calm.id, angry.id]
    assert await ids(maya, view="unassigned", sort="priority") == [angry.id, calm.id]
    assert await ids(maya, view="unassigned", sort="waiting", limit=1, offset=1) == [angry.id]
    for params in ({"limit": 0}, {"limit": 101}, {"offset": -1}, {"view": "everything"}, {"sort": "loudest"},
                   {"team": "sales"}, {"channel": "pigeon"}, {"q": "x" * 101}, {"reason": "a b"}):
        response = await maya.get("/escalations", params=params)
        assert response.status_code == 422, params
