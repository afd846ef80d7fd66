"""The figures of one run: per class and overall, for the whole set and each split, and their
printing. Results are the per-item dictionaries of bench/customer_bench/play.py."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

Result = dict[str, Any]


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None


def conversation_figures(results: list[Result]) -> dict[str, Any]:
    played = [r for r in results if not r.get("skipped")]
    tp = sum(1 for r in played if r["needs_person"] and r["handed_over"])
    fp = sum(1 for r in played if not r["needs_person"] and r["handed_over"])
    fn = sum(1 for r in played if r["needs_person"] and not r["handed_over"])
    per_class: dict[str, dict[str, Any]] = {}
    by_class: dict[str, list[Result]] = defaultdict(list)
    for r in played:
        by_class[r["class"]].append(r)
    for cls, rows in sorted(by_class.items()):
        right = sum(1 for r in rows if r["handed_over"] == r["needs_person"])
        per_class[cls] = {
            "n": len(rows), "needs_person": sum(1 for r in rows if r["needs_person"]),
            "handed_over": sum(1 for r in rows if r["handed_over"]), "right": right,
            "rate": _rate(right, len(rows)),
            "promises_without_escalation": sum(1 for r in rows if r["promise_without_escalation"]),
        }
    return {
        "n": len(played), "skipped": len(results) - len(played), "errors": sum(1 for r in played if r["error"]),
        "needs_person": tp + fn, "handed_over": tp + fp, "true_positives": tp, "false_positives": fp,
        "false_negatives": fn,
        "handover_precision": _rate(tp, tp + fp), "handover_recall": _rate(tp, tp + fn),
        "promises": sum(1 for r in played if r["promises"]),
        "promises_without_escalation": sum(1 for r in played if r["promise_without_escalation"]),
        "per_class": per_class,
    }


def _question_right(r: Result) -> bool:
    """Off-domain: neither an article nor a flow. Every other class: the right fact."""
    if r["class"] == "off_domain":
        return not r["article"] and not r["flow_started"]
    return bool(r["fact_right"])


def question_figures(results: list[Result]) -> dict[str, Any]:
    played = [r for r in results if not r.get("skipped")]
    answerable = [r for r in played if r["fact_right"] is not None]
    off_domain = [r for r in played if not r["article_allowed"]]
    by_class: dict[str, list[Result]] = defaultdict(list)
    for r in played:
        by_class[r["class"]].append(r)
    per_class = {}
    for cls, rows in sorted(by_class.items()):
        right = sum(1 for r in rows if _question_right(r))
        per_class[cls] = {"n": len(rows), "right": right, "rate": _rate(right, len(rows)),
                          "article": sum(1 for r in rows if r["article"]),
                          "flow_started": sum(1 for r in rows if r["flow_started"]),
                          "handed_over": sum(1 for r in rows if r["handed_over"])}
    right = sum(1 for r in answerable if r["fact_right"])
    with_article = sum(1 for r in off_domain if r["article"])
    return {
        "n": len(played), "skipped": len(results) - len(played), "errors": sum(1 for r in played if r["error"]),
        "answerable": len(answerable), "answers_right": right, "answers_right_rate": _rate(right, len(answerable)),
        "off_domain": len(off_domain), "off_domain_with_article": with_article,
        "off_domain_with_article_rate": _rate(with_article, len(off_domain)),
        "off_domain_flow_started": sum(1 for r in off_domain if r["flow_started"]),
        "flows_started": sum(1 for r in played if r["flow_started"]),
        "promises": sum(1 for r in played if r["promises"]),
        "promises_without_escalation": sum(1 for r in played if r["promise_without_escalation"]),
        "per_class": per_class,
    }


def all_figures(conversations: list[Result], questions: list[Result]) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    for split in ("all", "dev", "test"):
        convs = [r for r in conversations if split == "all" or r["split"] == split]
        ques = [r for r in questions if split == "all" or r["split"] == split]
        figures[split] = {"conversations": conversation_figures(convs), "questions": question_figures(ques)}
    return figures


def _fmt(value: object) -> str:
    if value is None:
        return "-"
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def report(figures: dict[str, Any]) -> str:
    lines = ["## Customer evaluation set (bench/customer_eval/)", "",
             "| split | conversations | hand-over precision | hand-over recall | promises without escalation "
             "| questions | answers right (of answerable) | off-domain with an article | flows started "
             "| errors |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for split, f in figures.items():
        c, q = f["conversations"], f["questions"]
        lines.append(
            f"| {split} | {c['n']} | {_fmt(c['handover_precision'])} ({c['true_positives']}/{c['handed_over']}) "
            f"| {_fmt(c['handover_recall'])} ({c['true_positives']}/{c['needs_person']}) "
            f"| {c['promises_without_escalation'] + q['promises_without_escalation']} of "
            f"{c['promises'] + q['promises']} promises | {q['n']} "
            f"| {q['answers_right']} of {q['answerable']} ({_fmt(q['answers_right_rate'])}) "
            f"| {q['off_domain_with_article']} of {q['off_domain']} | {q['flows_started']} "
            f"| {c['errors'] + q['errors']} |")
    for split, f in figures.items():
        lines += ["", f"### Conversations per class ({split})", "",
                  "| class | n | needs a person | handed over | right | rate | promises without escalation |",
                  "| --- | --- | --- | --- | --- | --- | --- |"]
        for cls, row in f["conversations"]["per_class"].items():
            lines.append(f"| {cls} | {row['n']} | {row['needs_person']} | {row['handed_over']} | {row['right']} "
                         f"| {_fmt(row['rate'])} | {row['promises_without_escalation']} |")
        lines += ["", f"### Questions per class ({split})", "",
                  "| class | n | right | rate | article given | flow started | handed over |",
                  "| --- | --- | --- | --- | --- | --- | --- |"]
        for cls, row in f["questions"]["per_class"].items():
            lines.append(f"| {cls} | {row['n']} | {row['right']} | {_fmt(row['rate'])} | {row['article']} "
                         f"| {row['flow_started']} | {row['handed_over']} |")
    lines += ["", "Right: a conversation handed over exactly when it needs a person (an escalation exists for "
              "its sender); a question with its fact in the reply, or off-domain with neither an article nor "
              "a flow."]
    return "\n".join(lines)
