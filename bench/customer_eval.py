"""Plays the customer evaluation set (bench/customer_eval/, issue 20) through the whole stack
and prints its figures: hand-over precision and recall (a conversation is handed over only if
an escalation exists for its sender), promises of a person without an escalation, answers with
the right fact, off-domain questions answered with an article, per class, for all, dev and test.

By default it starts the stack itself as the load test does (real processes, private Redis, free
loopback ports, support hours Mon-Sun 00:00-24:00 so a person can always be brought in) and
stops it afterwards; with --url it plays against a running `./baton run` (its support hours then
decide whether hand-overs are possible).

Usage: .venvs/svc/bin/python -m bench.customer_eval [--split dev|test|all] [--limit N]
       [--ids c001,q002] [--out FILE.json] [--url RASA_URL [--handoff-url URL]]
       [--concurrency 3] [--settle 2] [--timeout 60] [--max-minutes 90] [--data DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path

from bench.customer_bench import items
from bench.customer_bench.figures import all_figures, report
from bench.customer_bench.play import Plan, play
from bench.load.runner import Target
from defaults import DEMO_PASSWORD


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--split", choices=("dev", "test", "all"), default="all")
    parser.add_argument("--limit", type=int, default=None, help="the first N conversations and N questions")
    parser.add_argument("--ids", default="", help="only these ids, comma-separated")
    parser.add_argument("--out", type=Path, default=None, help="write figures and per-item results as JSON")
    parser.add_argument("--url", default="", help="Rasa of a running stack; without it the stack is started here")
    parser.add_argument("--handoff-url", default="", help="with --url: the handoff service (default from settings)")
    parser.add_argument("--password", default=DEMO_PASSWORD, help="the demo admin's password")
    parser.add_argument("--concurrency", type=int, default=3)
    parser.add_argument("--settle", type=float, default=2.0, help="seconds to wait for an escalation per item")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per request")
    parser.add_argument("--max-minutes", type=float, default=90.0, help="items not started by then are skipped")
    parser.add_argument("--data", type=Path, default=items.DATA, help="another folder of the same two files")
    args = parser.parse_args(argv)
    if args.limit is not None and args.limit < 0:
        parser.error("--limit must be 0 or more")
    if not 1 <= args.concurrency <= 16:
        parser.error("--concurrency must be 1 to 16")
    if args.settle < 0 or args.timeout <= 0 or args.max_minutes <= 0:
        parser.error("--settle, --timeout and --max-minutes must be positive")
    return args


def _plan(args: argparse.Namespace, target: Target) -> Plan:
    return Plan(rasa_url=target.rasa_url, handoff_url=target.handoff_url, password=args.password,
                concurrency=args.concurrency, settle=args.settle, timeout=args.timeout,
                seconds=args.max_minutes * 60, rasa_headers=target.rasa_headers)


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    ids = {i.strip() for i in args.ids.split(",") if i.strip()} or None
    convs = items.chosen(items.conversations(args.data), args.split, args.limit, ids)
    ques = items.chosen(items.questions(args.data), args.split, args.limit, ids)
    print(f"playing {len(convs)} conversations and {len(ques)} questions ({args.split})", flush=True)

    def run(target: Target) -> tuple[list, list, dict]:
        return asyncio.run(play(_plan(args, target), convs, ques,
                                lambda line: print(line, flush=True)))

    if args.url:
        from bench.load.system import running_stack

        target = running_stack(args.url, args.handoff_url, args.password)
        conv_results, question_results, health = run(target)
    else:
        from bench.load.system import own_stack

        with own_stack() as target:
            conv_results, question_results, health = run(target)
    figures = all_figures(conv_results, question_results)
    print(report(figures))
    print(f"\nescalation sweeps: {health['sweeps']}, failed: {health['sweep_errors']}")
    if args.out:
        args.out.write_text(json.dumps({"figures": figures, "watch": health, "conversations": conv_results,
                                        "questions": question_results}, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
