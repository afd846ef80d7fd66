"""The reports over HTTP on a running replica, on SQLite and PostgreSQL: who sees which teams
(admins every one, a team lead the teams they lead, a plain agent none; decision 0236),
every report as JSON and as CSV with the same numbers, a gap cluster's draft to download, and a
dissatisfied customer's one-click follow-up task."""

from __future__ import annotations

import csv
import dataclasses
import io
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine

from handoff.store import escalations as rows
from handoff.store import reporting
from tests.handoff.databases import empty
from tests.handoff.harness import Server, handoff_settings
from tests.handoff.insight.test_reports import T as SCRIPTED
from tests.handoff.insight.test_reports import script

# Days ago, not the script's 1970: the running replica's retention sweep deletes events older
# than HANDOFF_RETENTION_DAYS, and it may run between the insert and the request.
T = float(int(time.time()) - 10 * 86_400)
HOUR = {"since": T, "until": T + 3600}
REPORTS = ("containment", "trend", "handovers", "times", "csat", "answers", "gaps", "dissatisfied", "flows",
           "service_levels")


@pytest.fixture
async def reports_server(redis_url: str, database_url: str, tmp_path: Path) -> AsyncIterator[Server]:
    engine = create_engine(database_url)
    empty(engine)  # the PostgreSQL database is shared by the session's tests
    engine.dispose()
    async with Server(handoff_settings(redis_url, database_url, tmp_path)) as running:
        events = [dataclasses.replace(e, at=e.at - SCRIPTED + T) for e in script()]
        await running.services.db.run(lambda s: [reporting.add(s, e) for e in events])
        yield running


def read_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def cell(value: Any) -> str:
    return "" if value is None else str(value)


async def make_lead(server: Server, username: str, team: str) -> None:
    admin = await server.login("admin")
    assert (await admin.put(f"/teams/{team}/leads/{username}")).status_code == 200
    await admin.aclose()


async def test_who_sees_which_teams(reports_server: Server) -> None:
    server = reports_server
    await make_lead(server, "maya", "returns")  # maya: in returns and general, the lead of returns
    admin, maya, sam = await server.login("admin"), await server.login("maya"), await server.login("sam")
    everything = (await admin.get("/reports/summary", params=HOUR)).json()
    assert everything["handovers"]["total"] == 3
    mine = await maya.get("/reports/summary", params=HOUR)
    assert mine.status_code == 200
    assert mine.json()["handovers"]["by_reason"] == {"knowledge_rejected": 1}
    assert mine.json()["period"]["teams"] == ["returns"]
    # Every report a lead asks for is the admin's for that team, and no other team's is given.
    for name in REPORTS:
        theirs = (await admin.get(f"/reports/{name}", params={**HOUR, "team": "returns"})).json()
        assert (await maya.get(f"/reports/{name}", params=HOUR)).json()[name] == theirs[name], name
        for team in ("delivery", "general"):  # general: she is in it, but does not lead it
            for path in (f"/reports/{name}", f"/reports/{name}.csv"):
                refused = await maya.get(path, params={**HOUR, "team": team})
                assert (refused.status_code, refused.json()["detail"]) == (
                    403, f"you lead returns: you may see their reports only, not the {team} team's"), path
    # sam leads nothing: every report is refused, with what would let him in.
    for path in ("/reports/summary", "/reports/gaps", "/reports/dissatisfied.csv", f"/reports/gaps/{'0' * 16}/draft"):
        refused = await sam.get(path, params=HOUR)
        assert (refused.status_code, refused.json()["detail"]) == (
            403, "the reports are for team leads and admins; an admin can make you the lead of a team"), path
    assert (await admin.get("/reports/summary", params={"since": T, "until": T - 1})).status_code == 422
    assert (await admin.get("/reports/summary", params={**HOUR, "team": "nope"})).status_code == 422
    assert (await admin.get("/reports/nope", params=HOUR)).status_code == 422
    assert (await admin.get("/reports/gaps/not-hex!/draft", params=HOUR)).status_code == 422
    anonymous = await server.login("admin")
    anonymous.headers.pop("Authorization")
    assert (await anonymous.get("/reports/containment", params=HOUR)).status_code == 401
    for client in (admin, maya, sam, anonymous):
        await client.aclose()


async def test_csv_has_the_json_s_numbers(reports_server: Server) -> None:
    admin = await reports_server.login("admin")
    data = {name: (await admin.get(f"/reports/{name}", params=HOUR)).json()[name] for name in REPORTS}
    sheets = {}
    for name in REPORTS:
        response = await admin.get(f"/reports/{name}.csv", params=HOUR)
        assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
        assert response.headers["content-disposition"].startswith(f'attachment; filename="baton-{name}-')
        sheets[name] = read_csv(response.text)
    assert data["containment"]["conversations"] == 6 and data["containment"]["could_not_hand_over"] == 1
    assert sheets["containment"] == [{k: cell(v) for k, v in data["containment"].items()}]
    assert [(r["conversations"], r["bot_only"], r["handovers"]) for r in sheets["trend"]] == [
        (str(d["conversations"]), str(d["bot_only"]), str(d["handovers"])) for d in data["trend"]] == [("6", "3", "3")]
    assert {r["reason"]: int(r["handovers"]) for r in sheets["handovers"]} == {
        **data["handovers"]["by_reason"], "all": data["handovers"]["total"],
        **{f"group:{group}": n for group, n in data["handovers"]["by_group"].items()}}
    for row in sheets["times"]:
        figures = data["times"][row["measure"]]
        assert (row["count"], row["p50_seconds"], row["p90_seconds"]) == (
            cell(figures["count"]), cell(figures["p50"]), cell(figures["p90"]))
        assert {label: int(row[label]) for label in figures["buckets"]} == figures["buckets"]
    assert sheets["csat"][0] == {"split": "all", "key": "all", "responses": "2", "average": "3.0",
                                 "share_4_5": "0.5", "response_rate": "1.0"}
    by_agent = {r["key"]: r["average"] for r in sheets["csat"] if r["split"] == "agent"}
    assert by_agent == {agent: cell(f["average"]) for agent, f in data["csat"]["by"]["agent"].items()}
    assert {r.pop("article"): {k: int(v) for k, v in r.items()} for r in sheets["answers"]} == data["answers"]
    assert [(r["cluster"], int(r["size"])) for r in sheets["gaps"]] == [
        (c["id"], c["size"]) for c in data["gaps"]["clusters"]]
    assert data["gaps"]["questions"] == 2
    assert [(r["sender_id"], r["signals"], r["csat"]) for r in sheets["dissatisfied"]] == [
        (d["sender_id"], " ".join(d["signals"]), cell(d["csat"])) for d in data["dissatisfied"]["conversations"]
    ] == [("c3", "csat_low", "1.0")]
    await admin.aclose()


async def test_a_gap_s_draft_downloads(reports_server: Server) -> None:
    admin = await reports_server.login("admin")
    clusters = (await admin.get("/reports/gaps", params=HOUR)).json()["gaps"]["clusters"]
    rejected = next(c for c in clusters if c["rejected"])
    assert rejected["examples"] == ["how do I send back a jacket"]
    assert rejected["wrongly_given"] == [{"article": "returns-policy", "times": 1}]
    draft = await admin.get(f"/reports/gaps/{rejected['id']}/draft", params=HOUR)
    assert draft.status_code == 200 and draft.headers["content-type"].startswith("text/markdown")
    assert 'filename="draft-how-do-i-send-back-a-jacket-' in draft.headers["content-disposition"]
    assert "questions:\n- how do I send back a jacket\n" in draft.text
    assert (await admin.get(f"/reports/gaps/{'0' * 16}/draft", params=HOUR)).status_code == 404
    await admin.aclose()


async def test_a_dissatisfied_customer_s_follow_up_in_one_click(reports_server: Server) -> None:
    services = reports_server.services
    now = time.time()

    def unhappy(session):  # type: ignore[no-untyped-def]
        escalation = rows.create(session, sender_id="unhappy-1", channel="rest", email="u@example.com",
                                 reason="explicit_request", team="returns", frustration=0.1, packet={}, now=now - 60)
        rows.close(session, escalation.id, state="completed", outcome="resolved", by="maya", detail=None, now=now - 30)
        rows.set_csat(session, "unhappy-1", rating=1, comment=None, now=now - 20)
        return escalation.id

    escalation_id = await services.db.run(unhappy)
    await make_lead(reports_server, "maya", "returns")
    await make_lead(reports_server, "sam", "delivery")
    maya, sam = await reports_server.login("maya"), await reports_server.login("sam")
    listed = (await maya.get("/reports/dissatisfied")).json()["dissatisfied"]["conversations"]
    assert [(r["sender_id"], r["escalation_id"], r["signals"]) for r in listed] == [
        ("unhappy-1", escalation_id, ["csat_low"])]
    assert (await sam.post(f"/reports/dissatisfied/{escalation_id}/follow-up")).status_code == 404  # not sam's team
    assert (await sam.post(f"/reports/dissatisfied/{escalation_id}/follow-up", params={"team": "returns"})
            ).status_code == 403
    created = await maya.post(f"/reports/dissatisfied/{escalation_id}/follow-up")
    assert created.status_code == 201
    assert created.json()["note"] == "Follow up with a dissatisfied customer, who rated the chat 1/5."
    assert created.json()["agent"] == "maya" and created.json()["due_at"] > now + 86_000
    assert (await maya.get("/reports/dissatisfied")).json()["dissatisfied"]["conversations"] == []
    assert (await maya.post(f"/reports/dissatisfied/{escalation_id}/follow-up")).status_code == 404  # done once
    for client in (maya, sam):
        await client.aclose()
