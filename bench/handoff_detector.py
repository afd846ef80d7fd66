"""Hand-over detection on the labelled data in handoff/eval/: precision, recall, F1, signals, latency.

    .venvs/svc/bin/python -m bench.handoff_detector [--limit N] [--errors] [--markdown]

Messages: the decision on one customer message alone (explicit request or frustration; no NLU
intent, so the explicit-request check runs on the text only). Conversations: the detector is
asked after every customer turn, as the handoff service does; a conversation is handed over when
any turn is. Figures for the test split (never used for fitting) and for all the data. Then how
often each signal fired on true and on false positives, and assess() latency (p50/p95) with the
embedding cache starting empty, so every new message costs one encoding as in service.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from handoff.detection import Detector
from handoff.detection.config import DEFAULT_CONFIG_PATH
from handoff.detection.evaluation import Conversation, Message, Scores, load_conversations, load_messages, only

RULES = ("explicit_request", "nlu_fallback_repeated")


def first_handover(detector: Detector, conversation: Conversation):
    for index, history in conversation.prefixes():
        assessment = detector.assess(history)
        if assessment.handover:
            return index, assessment
    return None, None


def _row(name: str, split: str, scores: Scores, count: int) -> str:
    return (
        f"| {name} | {split} | {count} | {scores.tp} | {scores.fp} | {scores.fn} | "
        f"{scores.precision:.3f} | {scores.recall:.3f} | {scores.f1:.3f} |"
    )


def _fired(assessment) -> list[str]:
    names = list(assessment.signals)
    if assessment.reason in RULES:
        names.append(f"rule:{assessment.reason}")
    return names


def run(detector: Detector, messages: Sequence[Message], conversations: Sequence[Conversation], errors: bool) -> str:
    lines = [
        "| set | split | n | TP | FP | FN | precision | recall | F1 |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    message_results = {m.id: detector.assess(m.history()) for m in messages}
    conversation_results = {c.id: first_handover(detector, c) for c in conversations}
    signal_counts = {"TP": Counter(), "FP": Counter()}
    mistakes: list[str] = []
    for split in ("test", "all"):
        chosen = only(messages, split)
        scores = Scores.of((message_results[m.id].handover, m.handover) for m in chosen)
        lines.append(_row("messages", split, scores, len(chosen)))
    for split in ("test", "all"):
        chosen = only(conversations, split)
        scores = Scores.of((conversation_results[c.id][1] is not None, c.handover) for c in chosen)
        lines.append(_row("conversations", split, scores, len(chosen)))

    for item, assessment, labelled in [(m, message_results[m.id], m.handover) for m in messages] + [
        (c, conversation_results[c.id][1], c.handover) for c in conversations
    ]:
        predicted = assessment is not None and assessment.handover
        if predicted:
            signal_counts["TP" if labelled else "FP"].update(_fired(assessment))
        if predicted != labelled and errors:
            text = item.text if isinstance(item, Message) else f"[{item.kind}] {item.reason}"
            detail = f"{assessment.reason} {assessment.score:.2f} {assessment.signals}" if assessment else ""
            mistakes.append(f"{'FP' if predicted else 'FN'} {item.id}: {text} {detail}")

    positives = [c for c in conversations if c.handover and conversation_results[c.id][1] is not None]
    same_reason = sum(conversation_results[c.id][1].reason == c.reason for c in positives)
    early = sum(conversation_results[c.id][0] < c.handover_at for c in positives)
    late = sum(conversation_results[c.id][0] > c.handover_at for c in positives)
    lines += [
        "",
        f"Conversations handed over (all): reason as labelled {same_reason}/{len(positives)}; "
        f"before the labelled turn {early}, after it {late}.",
        "",
        "| signal | fired on true positives | fired on false positives |",
        "| --- | --- | --- |",
    ]
    names = sorted(set(signal_counts["TP"]) | set(signal_counts["FP"]), key=lambda n: -signal_counts["TP"][n])
    lines += [f"| {name} | {signal_counts['TP'][name]} | {signal_counts['FP'][name]} |" for name in names]
    lines.append("(messages and conversations together; a conversation counts the signals of its hand-over turn)")

    def latencies() -> list[float]:
        timings = []
        for conversation in conversations:
            for _, history in conversation.prefixes():
                start = time.perf_counter()
                detector.assess(history)
                timings.append((time.perf_counter() - start) * 1000)
        return sorted(timings)

    def p50_p95(timings: list[float]) -> str:
        p95 = timings[min(len(timings) - 1, int(0.95 * len(timings)))]
        return f"p50 {statistics.median(timings):.1f} ms, p95 {p95:.1f} ms"

    detector.encoder.clear_cache()
    detector.messages.analyze.cache_clear()
    cold = latencies()  # every newest message is new: one MiniLM encoding each, as in service
    warm = latencies()  # the same calls again: everything but the embedding work
    lines += [
        "",
        f"assess() latency over {len(cold)} calls: {p50_p95(cold)} with the embedding cache starting empty; "
        f"{p50_p95(warm)} with every text already encoded",
    ]
    if errors:
        lines += ["", "Mistakes:", *mistakes]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, default=DEFAULT_CONFIG_PATH)
    parser.add_argument("--limit", type=int, default=None, help="only the first N messages and N conversations")
    parser.add_argument("--errors", action="store_true", help="list every wrong decision")
    args = parser.parse_args(argv)
    if args.limit is not None and args.limit < 1:
        parser.error("--limit must be at least 1")

    started = time.perf_counter()
    detector = Detector.from_config(args.config)
    load_seconds = time.perf_counter() - started
    messages = load_messages()[: args.limit]
    conversations = load_conversations()[: args.limit]
    print(f"Hand-over detection, {dt.date.today().isoformat()}, config {args.config.name}, "
          f"threshold {detector.config.threshold}; detector loaded in {load_seconds:.1f} s")
    print(f"{len(messages)} messages, {len(conversations)} conversations\n")
    print(run(detector, messages, conversations, args.errors))


if __name__ == "__main__":
    main()
