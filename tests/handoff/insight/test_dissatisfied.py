"""The dissatisfied customers on real escalations, tasks and events, on SQLite and PostgreSQL:
each sign found once, a conversation followed up since its latest sign left out, a team's view
kept to its team."""

from __future__ import annotations

from handoff.insight.dissatisfied import dissatisfied, follow_up_note
from handoff.insight.period import Period
from handoff.store import Database, reporting
from handoff.store import escalations as rows
from handoff.store import tasks as task_rows
from handoff.store.reporting import ReportingEvent

T = 3_000_000.0
DAY = 86_400.0
THRESHOLD = 0.43


def scenario(session) -> dict[str, int]:  # type: ignore[no-untyped-def]
    def open_(sender: str, *, team: str = "returns", frustration: float = 0.1, at: float = T) -> int:
        return rows.create(session, sender_id=sender, channel="rest", email=f"{sender}@example.com",
                           reason="explicit_request", team=team, frustration=frustration, packet={}, now=at).id

    ids = {"angry": open_("angry", frustration=0.9, at=T + 10)}
    ids["low"] = open_("low", team="delivery", at=T + 20)
    rows.close(session, ids["low"], state="completed", outcome="resolved", by="sam", detail=None, now=T + 30)
    rows.set_csat(session, "low", rating=2, comment=None, now=T + 40)
    ids["happy"] = open_("happy", at=T + 50)
    rows.close(session, ids["happy"], state="completed", outcome="resolved", by="maya", detail=None, now=T + 60)
    rows.set_csat(session, "happy", rating=4, comment=None, now=T + 70)
    first = open_("back", at=T + 80)
    rows.close(session, first, state="completed", outcome="resolved", by="maya", detail=None, now=T + 90)
    ids["back"] = open_("back", at=T + 100)  # reopened
    ids["handled"] = open_("handled", frustration=0.95, at=T + 110)
    task_rows.create(session, ids["handled"], agent=None, note="call them", promise=None, due_at=T + DAY,
                     by="maya", now=T + 120)  # followed up after its sign
    for key, at in (("r1", T + 130), ("r2", T + 2 * DAY)):  # the bot's customer, back two days later
        reporting.add(session, ReportingEvent(key=key, kind="conversation_started", at=at, actor="customer",
                                              sender_id="repeat", channel="rest"))
    return ids


async def test_each_sign_once_and_followed_up_left_out(database: Database) -> None:
    ids = await database.run(scenario)
    week = Period(since=T, until=T + 7 * DAY)
    found = await database.run(lambda s: dissatisfied(s, week, THRESHOLD))
    listed = {row["sender_id"]: (row["escalation_id"], row["signals"]) for row in found["conversations"]}
    assert listed == {"angry": (ids["angry"], ["frustration"]), "low": (ids["low"], ["csat_low"]),
                      "back": (ids["back"], ["reopened"]), "repeat": (None, ["repeat_contact"])}
    assert found["total"] == 4
    assert found["by_signal"] == {"csat_low": 1, "frustration": 1, "reopened": 1, "repeat_contact": 1}
    low = next(row for row in found["conversations"] if row["sender_id"] == "low")
    assert (low["csat"], low["team"], low["customer"]) == (2.0, "delivery", "low@example.com")
    assert follow_up_note(low) == "Follow up with a dissatisfied customer, who rated the chat 2/5."

    returns = await database.run(lambda s: dissatisfied(s, Period(since=T, until=T + 7 * DAY, teams=("returns",)),
                                                        THRESHOLD))
    assert {row["sender_id"] for row in returns["conversations"]} == {"angry", "back"}
    first_day = await database.run(lambda s: dissatisfied(s, Period(since=T, until=T + DAY), THRESHOLD))
    assert "repeat" not in {row["sender_id"] for row in first_day["conversations"]}  # came back after it

    await database.run(lambda s: task_rows.create(s, ids["angry"], agent=None, note="sorry", promise=None,
                                                  due_at=T + DAY, by="maya", now=T + 200))
    after = await database.run(lambda s: dissatisfied(s, week, THRESHOLD))
    assert "angry" not in {row["sender_id"] for row in after["conversations"]}
