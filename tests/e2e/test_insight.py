"""Issue 22's judged test, against the whole running stack (Rasa, Redis, the actions, the
knowledge and handoff services) and Debian's Chromium: scripted conversations with known
outcomes play through Rasa's REST channel (some solved by the bot, one a flow run to its end;
hand-overs for each kind of reason: explicit, frustration, unresolved, policy; CSAT 1, 3 and 5;
no-match questions of two topics, three phrasings each; a customer who comes back). The reports
dashboard then shows exactly those counts and the two gap clusters, and each CSV has its API
report's numbers. A visitor opens /help, searches, reads an article and votes: the vote is in
the answer report.

Other tests share `stack`: every report is asked for this test's own period (since/until
in Unix seconds, the dashboard's exact-period link), which holds only its own conversations.
Screenshots: docs/screenshots/console-reports.png, help-centre.png, help-article.png."""

from __future__ import annotations

import csv
import io
import json
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import Browser, Page, expect

from tests.conftest import Stack, forget_verification_failures
from tests.e2e.test_widget_console import (  # noqa: F401 (fixtures)
    api_headers,
    browser,
    sign_in,
    watch,
)

DOCS_SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
RUN = uuid.uuid4().hex[:8]
ASK = "I want to talk to a person"
# No article answers these: two topics, three phrasings each (the knowledge-gap clusters).
KNITTING = ["do you run knitting workshops in your stores?", "can I sign up for a knitting class with you?",
            "are there knitting lessons I can book at your shop?"]
BIKES = ["do you sell bicycles?", "can I buy a mountain bike from you?", "is there a bike for sale in your catalogue?"]
LOG: list[str] = []


def say(stack: Stack, sender: str, text: str) -> list[str]:
    with httpx.Client(timeout=120) as client:
        response = client.post(f"{stack.url('rasa')}/webhooks/rest/webhook", headers=stack.rasa_headers(),
                               json={"sender": sender, "message": text})
    response.raise_for_status()
    replies = [str(r.get("text") or "") for r in response.json()]
    LOG.append(f"{sender} > {text}\n" + "".join(f"    < {r}\n" for r in replies))
    return replies


def play(stack: Stack, name: str, turns: list[str]) -> str:
    sender = f"insight-{RUN}-{name}"
    for text in turns:
        say(stack, sender, text)
    return sender


def new_session(stack: Stack, sender: str) -> None:
    response = httpx.post(f"{stack.url('rasa')}/conversations/{sender}/execute", headers=stack.rasa_headers(),
                          json={"name": "action_session_start"}, timeout=120)
    assert response.status_code == 200, response.text
    LOG.append(f"{sender}: a new session\n")


def eventually(check: Callable[[], Any], what: str, timeout: float = 90) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}\n" + "".join(LOG[-30:]))
        time.sleep(1)


def stream_drained(stack: Stack) -> None:
    """Every entry of the event stream read and acknowledged by the handoff service(s), then a
    second for what handling them set off."""
    seen: list[int] = []

    def drained() -> bool:
        health = httpx.get(f"{stack.url('handoff')}/health", timeout=30).json()
        stream = health.get("stream") or {}
        seen.append(int(health.get("processed") or 0))
        # Redis cannot always tell the lag (null after the stream was trimmed): then nothing was
        # processed since the last look.
        caught_up = stream.get("lag") == 0 or (stream.get("lag") is None and seen[-2:-1] == seen[-1:])
        return stream.get("pending") == 0 and caught_up

    eventually(drained, "the handoff service to read the whole stream", timeout=120)
    time.sleep(1)


def escalation_of(stack: Stack, headers: dict[str, str], sender: str) -> dict[str, Any] | None:
    response = httpx.get(f"{stack.url('handoff')}/escalations", params={"view": "all"}, headers=headers, timeout=30)
    response.raise_for_status()
    return next((card for card in response.json() if card["sender_id"] == sender), None)


def serve(stack: Stack, agents: dict[str, dict[str, str]], card: dict[str, Any], *, outcome: str,
          rating: int | None) -> None:
    """A person of the card's team claims it, writes once, closes it with `outcome`; with a rating
    the bot is handed the customer back and the customer answers the survey."""
    handoff = stack.url("handoff")
    headers = agents["sam"] if card["team"] in ("delivery", "general") else agents["maya"]
    for path, body in ((f"/escalations/{card['id']}/claim", None),
                       (f"/escalations/{card['id']}/messages", {"text": "Hello, I'm here to help."}),
                       (f"/escalations/{card['id']}/close", {"outcome": outcome, "handback": rating is not None})):
        response = httpx.post(f"{handoff}{path}", headers=headers, json=body, timeout=60)
        assert response.status_code < 300, (path, response.status_code, response.text)
    if rating is not None:
        sender = card["sender_id"]
        # The hand-back reaches Rasa a moment after the close: the survey then takes the rating.
        eventually(lambda: say(stack, sender, f'/rate_service{{"csat_rating": {rating}}}'),
                   f"{sender}'s survey to take the rating", timeout=60)
        say(stack, sender, "thanks")


def get(stack: Stack, headers: dict[str, str], path: str, params: dict[str, Any]) -> httpx.Response:
    response = httpx.get(f"{stack.url('handoff')}{path}", params=params, headers=headers, timeout=180)
    assert response.status_code == 200, (path, response.status_code, response.text)
    return response


def help_centre_vote(stack: Stack, browser: Browser) -> str:  # noqa: F811
    """A visitor searches the help centre, reads the first result and says it helped; the article's id."""
    base = stack.url("knowledge")
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{base}/help")
    expect(page.get_by_role("heading", name="How can we help?")).to_be_visible()
    page.screenshot(path=str(DOCS_SHOTS / "help-centre.png"))
    page.get_by_role("searchbox", name="Search the help centre").fill("how do I wash a wool sweater")
    page.keyboard.press("Enter")
    first = page.locator("ol.results > li > a").first
    expect(first).to_be_visible()
    article = str(first.get_attribute("href")).removeprefix("/help/")
    first.click()
    vote = page.get_by_role("group", name="Was this helpful?")
    expect(vote).to_be_visible()
    page.screenshot(path=str(DOCS_SHOTS / "help-article.png"), full_page=True)
    vote.get_by_role("button", name="Yes").click()
    expect(page.get_by_role("status")).to_have_text("Glad it helped.")
    assert errors == []
    context.close()
    return article


def kpi(page: Page, name: str) -> Any:
    return page.locator(f'#kpis [data-kpi="{name}"] dd')


def row(page: Page, table: str, first_cell: str) -> Any:
    return page.locator(f"#{table} tbody tr").filter(has=page.get_by_role("rowheader", name=first_cell, exact=True))


def read_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def cell(value: Any) -> str:
    return "" if value is None else str(value)


def test_the_reports_show_what_happened(stack: Stack, browser: Browser) -> None:  # noqa: F811
    forget_verification_failures(stack)
    handoff = stack.url("handoff")
    # Agents online (their consoles open), so every hand-over can be taken.
    dialogs: list[str] = []
    errors: list[str] = []
    consoles = []
    for username in ("maya", "sam"):
        context = browser.new_context(viewport={"width": 1300, "height": 900})
        console = watch(context.new_page(), dialogs, errors)
        sign_in(console, handoff, username)
        consoles.append(context)
    agents = {name: api_headers(stack, name) for name in ("maya", "sam", "admin")}
    admin = agents["admin"]
    # The period starts once the stack has handled everything before this test: a test before
    # ended a moment after its customer asked for a person, and that escalation, opened from the
    # stream a moment later, fell inside the period (CI: two explicit hand-overs, not one).
    stream_drained(stack)
    since = time.time()
    try:
        # Solved by the bot: an article that helped; a delivery status, verified, run to its end.
        play(stack, "article", ["how much is shipping to Canada?", "yes"])
        play(stack, "status", ["where is my order LK-100231?", "94110"])
        # No article: one phrasing of each topic alone (the bot says so and the customer goes) ...
        play(stack, "knit", [KNITTING[0]])
        play(stack, "bike", [BIKES[0]])
        # ... and two in a row: a person is called (unresolved).
        knit_twice = play(stack, "knit2", KNITTING[1:])
        bike_twice = play(stack, "bike2", BIKES[1:])
        # Hand-overs asked for: by the customer; out of frustration; by policy (identity not proven).
        explicit = play(stack, "explicit", ["can I pay with paypal", ASK])
        frustrated = play(stack, "angry", [
            "This is absolutely ridiculous!!! Nothing on your website works and nobody ever answers me!!!",
            "I am SO angry, this is the worst service I have ever had, I have wasted my whole day!!!"])
        policy = play(stack, "locked", ["where is my order LK-100235", "wrong@example.com", "nobody@example.com",
                                           "stranger@example.com"])
        # A customer who comes back: a new session (as Rasa starts one after a silence), the same
        # answer again.
        back = play(stack, "back", ["how much is shipping to Canada?", "yes"])
        new_session(stack, back)
        play(stack, "back", ["how much is shipping to Canada?", "yes"])

        cards = {sender: eventually(lambda s=sender: escalation_of(stack, admin, s), f"{sender}'s escalation")
                 for sender in (knit_twice, bike_twice, explicit, frustrated, policy)}
        reasons = {sender: card["reason"] for sender, card in cards.items()}
        assert reasons[explicit] == "explicit_request" and reasons[frustrated] == "frustration", reasons
        assert reasons[policy] == "verification_failed", reasons
        assert {reasons[knit_twice], reasons[bike_twice]} <= {"knowledge_no_match", "nlu_fallback_repeated"}, reasons
        serve(stack, agents, cards[explicit], outcome="resolved", rating=5)
        serve(stack, agents, cards[frustrated], outcome="unnecessary", rating=3)  # "didn't need me"
        serve(stack, agents, cards[policy], outcome="resolved", rating=1)
        for sender in (knit_twice, bike_twice):
            serve(stack, agents, cards[sender], outcome="resolved", rating=None)
        voted = help_centre_vote(stack, browser)
        until = time.time() + 1
        period = {"since": since, "until": until}

        # The reports' numbers, once every event is in (the votes are read every 30 s).
        def settled() -> dict[str, Any] | None:
            summary = get(stack, admin, "/reports/summary", period).json()
            done = (summary["csat"]["responses"] == 3 and summary["flows"]["abandoned"] >= 1
                    and summary["answers"].get(voted, {}).get("page_yes") == 1)
            return summary if done else None

        summary = eventually(settled, "the reports to have every event", timeout=120)
        contained = summary["containment"]
        assert (contained["conversations"], contained["bot_only"], contained["handed_over"],
                contained["could_not_hand_over"], contained["came_back_within_7_days"], contained["durable"]) == (
            10, 5, 5, 0, 1, 4), "".join(LOG)
        handovers = summary["handovers"]
        assert handovers["by_group"] == {"explicit": 1, "frustration": 1, "unresolved": 2, "policy": 1}
        assert (handovers["unneeded"], handovers["detector_false_positive_rate"]) == (1, 1.0)
        csat = summary["csat"]
        assert (csat["responses"], csat["average"], csat["share_4_5"]) == (3, 3.0, 0.3333)
        flows = summary["flows"]["by_flow"]
        assert flows["order_status_form"]["completed"] >= 1
        assert flows["order_status_form"]["abandoned_why"] == {"verification_failed": 1}, flows
        assert summary["answers"]["shipping-canada"]["given"] == 3
        assert summary["answers"]["shipping-canada"]["helped_yes"] == 3
        gaps = get(stack, admin, "/reports/gaps", period).json()["gaps"]
        clusters = {frozenset(c["examples"]) for c in gaps["clusters"]}
        assert clusters == {frozenset(BIKES), frozenset(KNITTING)}, gaps

        # Each CSV has its API report's numbers.
        for name, check in (("containment", lambda sheet, data: sheet == [{k: cell(v) for k, v in data.items()}]),
                            ("handovers", lambda sheet, data: {r["reason"]: int(r["handovers"]) for r in sheet} == {
                                **data["by_reason"], "all": data["total"],
                                **{f"group:{g}": n for g, n in data["by_group"].items()}}),
                            ("flows", lambda sheet, data: {r["flow"]: (int(r["completed"]), int(r["abandoned"]))
                                                           for r in sheet} == {
                                **{f: (r["completed"], r["abandoned"]) for f, r in data["by_flow"].items()},
                                "all": (data["completed"], data["abandoned"])}),
                            ("gaps", lambda sheet, data: sorted(int(r["size"]) for r in sheet) == [3, 3]),
                            ("answers", lambda sheet, data: {r["article"]: int(r["given"]) for r in sheet} == {
                                a: r["given"] for a, r in data.items()})):
            data = get(stack, admin, f"/reports/{name}", period).json()[name]
            sheet = read_csv(get(stack, admin, f"/reports/{name}.csv", period).text)
            assert check(sheet, data), (name, sheet, data)

        # The dashboard shows the same, for this exact period.
        context = browser.new_context(viewport={"width": 1300, "height": 900})
        page = watch(context.new_page(), dialogs, errors)
        sign_in(page, handoff, "admin")
        page.goto(f"{handoff}/console/reports?since={since}&until={until}")
        expect(kpi(page, "Conversations")).to_have_text("10", timeout=60_000)
        expect(kpi(page, "Contained by the bot")).to_have_text("50.0%")
        expect(kpi(page, "Durable containment")).to_have_text("40.0%")
        expect(kpi(page, "Handed over")).to_have_text("5")
        expect(kpi(page, "Hand-overs asked")).to_have_text("5")
        expect(kpi(page, "Didn't need me")).to_have_text("1")
        expect(kpi(page, "Detector false positives")).to_have_text("100.0%")
        expect(kpi(page, "CSAT average")).to_have_text("3 / 5")
        expect(kpi(page, "CSAT 4 or 5")).to_have_text("33.3%")
        expect(kpi(page, "Flows abandoned")).to_have_text(str(summary["flows"]["abandoned"]))
        for group, count in (("Explicit", "1"), ("Frustration", "1"), ("Unresolved", "2"), ("Policy", "1")):
            expect(row(page, "handover-groups-table", group).locator("td").first).to_have_text(count)
        expect(row(page, "flows-table", "Order status").locator("td").nth(3)).to_contain_text("Verification failed (1)")
        expect(row(page, "answers-table", "shipping-canada").locator("td").first).to_have_text("3")
        expect(row(page, "answers-table", voted).locator("td").nth(4)).to_have_text("1")  # page: yes
        page.locator("#csat-split").select_option("reason")
        page.locator('section[data-chart="csat"] summary').click()  # the chart's text table
        for reason_label, average in (("Asked for a person", "5"), ("Frustration", "3"), ("Verification failed", "1")):
            expect(row(page, "csat-table", reason_label).locator("td").nth(1)).to_have_text(average)
        expect(page.locator("#gaps-list > li")).to_have_count(2, timeout=120_000)
        for topic in (KNITTING, BIKES):
            cluster = page.locator("#gaps-list > li").filter(has_text=topic[0])
            expect(cluster.locator("strong")).to_have_text("3 questions")
            for text in topic:
                expect(cluster.locator("li", has_text=text)).to_have_count(1)
        page.screenshot(path=str(DOCS_SHOTS / "console-reports.png"), full_page=True)
        context.close()
        assert not errors and not dialogs, (errors, dialogs)
    except AssertionError:
        print("".join(LOG))
        print(json.dumps(LOG[-5:]))
        raise
    finally:
        for context in consoles:
            context.close()
        forget_verification_failures(stack)  # LK-100235's lock must not meet the next test
