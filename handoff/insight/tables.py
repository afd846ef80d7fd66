"""Each report as one table (a header and rows), the same numbers as its JSON, written as CSV by
the csv module. A text cell that a spreadsheet would run as a formula (=, +, -, @ first: the
customers' own words are in the gap report) is prefixed with an apostrophe, as OWASP advises."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Callable
from typing import Any

from handoff.insight.answers import COLUMNS as ANSWER_COLUMNS
from handoff.insight.csat import SPLITS
from handoff.insight.times import LABELS

Table = tuple[list[str], list[list[Any]]]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _day(seconds: float) -> str:
    return datetime.datetime.fromtimestamp(seconds, datetime.UTC).date().isoformat()


def containment(report: dict[str, Any]) -> Table:
    header = list(report)
    return header, [[report[name] for name in header]]


def trend(report: list[dict[str, Any]]) -> Table:
    header = ["day", "conversations", "bot_only", "handovers", "rate"]
    return header, [[_day(row["day"]), *(row[name] for name in header[1:])] for row in report]


def handovers(report: dict[str, Any]) -> Table:
    rows = [[reason, count, report["rate_by_reason"].get(reason), ""] for reason, count in report["by_reason"].items()]
    groups = [[f"group:{group}", count, None, report["unneeded_by_group"][group]]
              for group, count in report["by_group"].items()]
    return (["reason", "handovers", "rate", "unneeded"],
            [*rows, *groups, ["all", report["total"], report["rate"], report["unneeded"]]])


def flows(report: dict[str, Any]) -> Table:
    header = ["flow", "completed", "abandoned", "completion_rate", "abandoned_why"]
    rows = [[name, row["completed"], row["abandoned"], row["completion_rate"],
             "; ".join(f"{why} ({n})" for why, n in row["abandoned_why"].items())]
            for name, row in report["by_flow"].items()]
    return header, [*rows, ["all", report["completed"], report["abandoned"], report["completion_rate"], ""]]


def service_levels(report: dict[str, Any]) -> Table:
    header = ["team", "sla_warning", "sla_breach", "followup_due"]
    rows = [[team, *(row[name] for name in header[1:])] for team, row in report["by_team"].items()]
    return header, [*rows, ["all", *(report[name] for name in header[1:])]]


def times(report: dict[str, Any]) -> Table:
    header = ["measure", "count", "p50_seconds", "p90_seconds", *LABELS]
    rows = [[name, figures["count"], figures["p50"], figures["p90"],
             *(figures.get("buckets", {}).get(label) for label in LABELS)] for name, figures in report.items()]
    return header, rows


def csat(report: dict[str, Any]) -> Table:
    header = ["split", "key", "responses", "average", "share_4_5", "response_rate"]
    rows = [["all", "all", *(report[name] for name in header[2:])]]
    for split in SPLITS:
        for key, figures in report.get("by", {}).get(split, {}).items():
            rows.append([split, key, *(figures[name] for name in header[2:])])
    return header, rows


def answers(report: dict[str, dict[str, int]]) -> Table:
    rows = [[article, *(row[c] for c in ANSWER_COLUMNS)] for article, row in report.items()]
    return ["article", *ANSWER_COLUMNS], rows


def gaps(report: dict[str, Any]) -> Table:
    header = ["cluster", "size", "no_match", "rejected", "wrongly_given", "examples"]
    rows = [[c["id"], c["size"], c["no_match"], c["rejected"],
             "; ".join(f"{w['article']} ({w['times']})" for w in c["wrongly_given"]), " | ".join(c["examples"])]
            for c in report["clusters"]]
    return header, rows


def dissatisfied(report: dict[str, Any]) -> Table:
    header = ["sender_id", "escalation_id", "customer", "channel", "team", "agent", "signals", "csat", "last_at"]
    rows = [[row["sender_id"], row["escalation_id"], row["customer"], row["channel"], row["team"], row["agent"],
             " ".join(row["signals"]), row["csat"], row["last_at"]] for row in report["conversations"]]
    return header, rows


TABLES: dict[str, Callable[[Any], Table]] = {
    "containment": containment, "trend": trend, "handovers": handovers, "times": times, "csat": csat,
    "answers": answers, "gaps": gaps, "dissatisfied": dissatisfied, "flows": flows, "service_levels": service_levels,
}


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def as_csv(name: str, report: Any) -> str:
    header, rows = TABLES[name](report)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([[_cell(v) for v in row] for row in rows])
    return out.getvalue()
