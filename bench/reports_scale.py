"""The reports at scale (issue 22): seed PostgreSQL with a shop's worth of reporting events and
time every report.

    PYTHONPATH=. .venvs/svc/bin/python -m bench.reports_scale [--events 1000000] [--conversations 100000]
        [--days 90] [--repeats 20] [--url postgresql://postgres@127.0.0.1:5432/postgres] [--markdown]

A scratch database (baton_bench_<random>, dropped afterwards) is migrated as the service does
(every index the migrations make), then filled by COPY: conversations spread over `--days`, each
with one to four help-centre answers and their "Did that help?", no-match questions, NLU
fallbacks, help-centre votes, a hand-over for about 30 % (queued, claimed, first response,
resolved, handed back, CSAT for 60 % of those; 5 % of hand-overs find nobody), and 5 % of
customers coming back within 7 days to the same article; an escalation row per hand-over, with a
frustration score. The daily rollup and the conversations' rows are recounted from the events, as
migrations 0013 and 0015 do (COPY bypasses the writer that keeps them). Then each report runs
`--repeats` times for three askers: an admin over the whole period, an admin over the last 30
days, and a team lead (two teams) over the last 30 days on one channel. Printed: p50 and p95 per
report and asker, milliseconds. The knowledge-gap report is timed with its sentence model loaded
and its embedding cache warm (the first run, which encodes every question, is printed apart).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import secrets
import statistics
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg import sql
from sqlalchemy.orm import Session

from handoff.detection.embeddings import CachedEncoder
from handoff.insight.dissatisfied import dissatisfied
from handoff.insight.gaps import GapFinder
from handoff.insight.period import DAY, Period
from handoff.insight.reports import SQL_REPORTS, summary
from handoff.store import Database, conversation_flags, rollup

ADMIN_URL = os.environ.get("HANDOFF_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
ARTICLES = [f"article-{n:02d}" for n in range(60)]
CHANNELS = ("socketio", "socketio", "socketio", "telegram", "twilio", "facebook", "rest")
TEAMS = ("returns", "delivery", "general")
REASONS = ("explicit_request", "frustration", "knowledge_no_match", "knowledge_rejected", "nlu_fallback_repeated",
           "verification_failed", "lost_parcel", "damaged_item")
TOPICS = ["gift wrapping", "paying with bitcoin", "shipping to mars", "a student discount", "engraving a ring",
          "renting a tent", "a repair of my zip", "buying a gift card abroad", "price matching", "bulk orders"]
SHAPES = ["do you offer {}", "can I ask about {}", "is {} possible", "what about {}", "i need help with {}"]
COLUMNS = ("key", "kind", "at", "sender_id", "customer", "channel", "team", "actor", "agent", "reason", "value",
           "detail")


@dataclass
class Seeded:
    events: int = 0
    conversations: int = 0
    escalations: int = 0
    rollup_seconds: float = 0.0


def conversation(rng: random.Random, number: int, start: float, days: int) -> tuple[list[tuple[Any, ...]],
                                                                                      tuple[Any, ...] | None]:
    """One conversation's events (rows in COLUMNS order) and its escalation row, if handed over."""
    sender, channel = f"bench-{number}", rng.choice(CHANNELS)
    at = start + rng.random() * days * DAY
    rows: list[tuple[Any, ...]] = []

    def add(kind: str, actor: str, when: float, *, team: str | None = None, agent: str | None = None,
            reason: str | None = None, value: float | None = None, detail: str | None = None) -> None:
        rows.append((f"b:{number}:{len(rows)}", kind, when, sender, None, channel, team, actor, agent, reason, value,
                     detail))

    add("conversation_started", "customer", at)
    articles = rng.sample(ARTICLES, rng.randint(1, 4))
    for index, article in enumerate(articles):
        when = at + 20 + index * 40
        add("article_answered", "bot", when, detail=article)
        if rng.random() < 0.8:
            add("helped_yes", "customer", when + 10, detail=article)
        else:
            add("helped_no", "customer", when + 10, value=1.0, detail=article)
            add("answer_rejected", "customer", when + 10, reason=article,
                detail=rng.choice(SHAPES).format(rng.choice(TOPICS)))
        if rng.random() < 0.6:
            add("help_vote", "visitor", when + 30, reason="yes", value=1.0, detail=article)
    if rng.random() < 0.15:
        add("no_match", "bot", at + 200, value=1.0, detail=rng.choice(SHAPES).format(rng.choice(TOPICS)))
    if rng.random() < 0.10:
        add("nlu_fallback", "bot", at + 210, value=0.3, detail="asdf")
    if rng.random() < 0.05:  # back within 7 days, about the same thing
        again = at + rng.random() * 7 * DAY
        add("conversation_started", "customer", again)
        add("article_answered", "bot", again + 20, detail=articles[0])
    escalation = None
    if rng.random() < 0.30:
        reason, team = rng.choice(REASONS), rng.choice(TEAMS)
        asked = at + 300
        add("handover_asked", "customer", asked, team=team, reason=reason)
        add("queued", "system", asked, team=team, reason=reason)
        frustration = rng.betavariate(1, 5)  # mostly calm, as the detector's scores are
        if rng.random() < 0.05:
            add("unstaffed", "system", asked + 60, team=team, reason=reason, detail="no_agents")
            escalation = (sender, channel, reason, team, frustration, "failed", "{}", asked, asked, None, None)
        else:
            agent = rng.choice(("maya", "sam", "lee", "ana"))
            wait = rng.expovariate(1 / 120)
            reply = wait + rng.expovariate(1 / 60)
            done = reply + rng.expovariate(1 / 900)
            add("claimed", "agent", asked + wait, team=team, reason=reason, agent=agent, value=wait)
            add("first_response", "agent", asked + reply, team=team, reason=reason, agent=agent, value=reply)
            add("resolved", "agent", asked + done, team=team, reason=reason, agent=agent, value=done, detail="resolved")
            add("handed_back", "agent", asked + done, team=team, reason=reason, agent=agent)
            if rng.random() < 0.6:
                add("csat", "customer", asked + done + 30, team=team, reason=reason, agent=agent,
                    value=float(rng.choices((1, 2, 3, 4, 5), (5, 5, 10, 30, 50))[0]))
            escalation = (sender, channel, reason, team, frustration, "completed", "{}", asked, asked, asked + wait,
                          asked + done)
    return rows, escalation


def generate(events: int, conversations: int, days: int, start: float) -> Iterator[tuple[list[tuple[Any, ...]],
                                                                                      tuple[Any, ...] | None]]:
    rng = random.Random(22)
    made = 0
    for number in range(conversations):
        rows, escalation = conversation(rng, number, start, days)
        made += len(rows)
        yield rows, escalation
        if made >= events:
            return


def seed(url: str, events: int, conversations: int, days: int, start: float) -> Seeded:
    seeded = Seeded()
    with psycopg.connect(url) as connection, connection.cursor() as cursor:
        with cursor.copy(sql.SQL("COPY reporting_events ({}) FROM STDIN").format(
                sql.SQL(", ").join(map(sql.Identifier, COLUMNS)))) as events_copy:
            escalations = []
            for rows, escalation in generate(events, conversations, days, start):
                for row in rows:
                    events_copy.write_row(row)
                seeded.events += len(rows)
                seeded.conversations += 1
                if escalation is not None:
                    escalations.append(escalation)
        with cursor.copy("COPY escalations (sender_id, channel, reason, team, frustration, state, packet, created_at,"
                         " queued_at, accepted_at, closed_at) FROM STDIN") as escalations_copy:
            for row in escalations:
                escalations_copy.write_row(row)
        seeded.escalations = len(escalations)
    # COPY bypasses reporting.add, so the daily rollup and the conversations' rows are recounted
    # as migrations 0013 and 0015 do.
    began = time.perf_counter()
    db = Database(url)
    with Session(db.engine) as session:
        rollup.rebuild(session)
        conversation_flags.rebuild(session)
        session.commit()
    db.engine.dispose()
    seeded.rollup_seconds = time.perf_counter() - began
    # Autovacuum's steady state at once: statistics, and the visibility map index-only scans need.
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")
    return seeded


def timed(repeats: int, run: Callable[[], Any]) -> tuple[float, float]:
    times = []
    for _ in range(repeats):
        began = time.perf_counter()
        run()
        times.append((time.perf_counter() - began) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]


async def measure(url: str, days: int, start: float, repeats: int) -> tuple[list[tuple[str, str, float, float]],
                                                                           float]:
    db = Database(url)
    await db.start()
    end = start + days * DAY
    askers = {
        "admin, all days": Period(since=start, until=end),
        "admin, 30 days": Period(since=end - 30 * DAY, until=end),
        "lead, 30 days, 1 channel": Period(since=end - 30 * DAY, until=end, teams=("returns", "general"),
                                           channel="socketio"),
    }
    reports: dict[str, Callable[[Any, Period], Any]] = {
        "summary": summary, **SQL_REPORTS,
        "dissatisfied": lambda session, period: dissatisfied(session, period, 0.43),
    }
    results = []
    with db.engine.connect() as connection, Session(bind=connection) as session:
        for asker, period in askers.items():
            for name, report in reports.items():
                p50, p95 = timed(repeats, lambda report=report, period=period: report(session, period))
                results.append((name, asker, p50, p95))
    finder = GapFinder(db, CachedEncoder)
    first_began = time.perf_counter()
    await finder.report(askers["admin, 30 days"])
    first = (time.perf_counter() - first_began) * 1000
    for asker, period in askers.items():
        times = []
        for _ in range(max(3, repeats // 4)):
            began = time.perf_counter()
            await finder.report(period)
            times.append((time.perf_counter() - began) * 1000)
        times.sort()
        results.append(("gaps (model warm)", asker, statistics.median(times), times[-1]))
    await db.close()
    return results, first


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--conversations", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--url", default=ADMIN_URL, help="a PostgreSQL server's admin database URL")
    parser.add_argument("--json", help="also write the figures here")
    parser.add_argument("--keep", metavar="NAME", help="use and keep this database (seeded once, then reused: "
                        "for trying an index); by default a scratch one is made and dropped")
    args = parser.parse_args()
    name = args.keep or f"baton_bench_{secrets.token_hex(4)}"
    head, _, _ = args.url.rpartition("/")
    url = f"{head}/{name}"
    with psycopg.connect(args.url, autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is not None
        if not exists:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    # The days end at today's midnight (UTC), so a kept database is measured over the same period.
    start = float(int(time.time() // DAY) * DAY - args.days * DAY)
    try:
        asyncio.run(Database(url).start())  # migrated as the service does
        began = time.perf_counter()
        with psycopg.connect(url) as connection:
            stored = connection.execute("SELECT count(*), min(at) FROM reporting_events").fetchone()
        if stored and stored[0]:
            seeded = Seeded(events=stored[0], conversations=-1, escalations=-1)
            start = float(int(stored[1] // DAY) * DAY)
        else:
            seeded = seed(url, args.events, args.conversations, args.days, start)
        seeding = time.perf_counter() - began
        results, first_gaps = asyncio.run(measure(url, args.days, start, args.repeats))
    finally:
        if not args.keep:
            with psycopg.connect(args.url, autocommit=True) as admin:
                admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
    print(f"{seeded.events:,} events, {seeded.conversations:,} conversations, {seeded.escalations:,} escalations "
          f"over {args.days} days (seeded in {seeding:.1f} s, of which the rebuilds of the rollup and rows "
          f"{seeded.rollup_seconds:.1f} s); {args.repeats} runs per report")
    print(f"gaps, first run (every question encoded): {first_gaps:.0f} ms")
    print("| report | asker | p50 ms | p95 ms |")
    print("| --- | --- | --- | --- |")
    for name_, asker, p50, p95 in results:
        print(f"| {name_} | {asker} | {p50:.0f} | {p95:.0f} |")
    worst = max(p95 for *_, p95 in results)
    print(f"worst p95: {worst:.0f} ms (goal < 500 ms)")
    if args.json:
        with open(args.json, "w") as out:
            json.dump({"events": seeded.events, "conversations": seeded.conversations, "first_gaps_ms": first_gaps,
                       "results": [dict(zip(("report", "asker", "p50_ms", "p95_ms"), r, strict=True))
                                   for r in results]}, out, indent=2)


if __name__ == "__main__":
    main()
