"""Load test of the whole system: customers on Rasa's REST and socket.io channels asking help-centre
questions, checking deliveries and starting returns with the demo orders, some asking for a
person whom the demo agents (logged in, console WebSocket open) answer.

By default it starts the system itself (real processes, private Redis, free loopback ports) and
stops it afterwards; with --running it loads a `./baton run` instead (ports from the same
settings, or --rasa-url / --handoff-url).

Usage: .venvs/svc/bin/python -m bench.load [--levels 1,10,50] [--duration 60] [--warmup 15]
       [--mix knowledge=4,status=3,return=2,handover=1] [--pacing none|human] [--flat-out 1,10]
       [--think 0] [--running] [--replicas N] [--json FILE]

--replicas N: every process but Redis N times behind HAProxy, with the commands `./baton run
--replicas N` runs (each process in its own session, as without --replicas); the load goes through
HAProxy, memory is per replica. With
--rasa-in-service 1,2,3 the levels are run once per count, Rasa served by that many of its
replicas (the others taken out of service through HAProxy's runtime API): one start for the
whole comparison.

--pacing human: customers read each reply and type the next message (bench/load/pacing.py);
none (the default): no pauses, every level flat out. --flat-out adds levels run without pauses
after the --levels, whichever the pacing: one conversation flat out gives the cost of each kind
of turn with nothing queued, more give the messages per second at saturation.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
import time
from pathlib import Path

from bench.load.runner import Plan, Target, run_levels
from bench.load.scenarios import DEFAULT_MIX, Scenarios, deck, parse_mix
from bench.load.stats import LevelResult, report
from bench.load.system import own_stack, replicated_stack, running_stack
from defaults import MAX_REPLICAS
from stack.settings import StackSettings


def measure(target: Target, args: argparse.Namespace) -> list[LevelResult]:
    mix = parse_mix(args.mix) if args.mix else DEFAULT_MIX
    plans = [Plan(int(level), args.duration, think=args.think, pacing=args.pacing, seed=args.seed)
             for level in args.levels.split(",") if level.strip()]
    plans += [Plan(int(level), args.duration, think=args.think, pacing="none", seed=args.seed)
              for level in args.flat_out.split(",") if level.strip()]
    return asyncio.run(run_levels(target, plans, mix_deck=deck(mix, args.seed, shuffle=not args.ordered),
                                  scenarios=Scenarios(args.seed),
                                  warmup=args.warmup, with_agents=mix.get("handover", 0) > 0))


def compare_rasa_replicas(target: Target, args: argparse.Namespace) -> int:
    counts = [int(count) for count in args.rasa_in_service.split(",") if count.strip()]
    assert target.rasa_in_service is not None
    by_count = {}
    for count in counts:
        target.rasa_in_service(count)
        time.sleep(2)  # HAProxy's state is immediate; let connections to the others close
        print(f"\n## Rasa served by {count} of its {args.replicas} replicas", flush=True)
        by_count[count] = measure(target, args)
        print(report(by_count[count]), flush=True)
    target.rasa_in_service(args.replicas)
    if args.json:
        args.json.write_text(json.dumps({str(count): [result.as_dict() for result in results]
                                         for count, results in by_count.items()}, indent=2))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--levels", default="1,10,50", help="concurrent conversations, one level after another")
    parser.add_argument("--duration", type=float, default=60, help="seconds per level")
    parser.add_argument("--warmup", type=float, default=15, help="seconds of unrecorded traffic first (0: none)")
    parser.add_argument("--mix", default="", help="scenario weights, e.g. knowledge=4,status=3,return=2,handover=1")
    parser.add_argument("--pacing", choices=("none", "human"), default="none",
                        help="human: customers read and type between turns; none: flat out")
    parser.add_argument("--flat-out", default="", help="levels run without pauses after --levels, e.g. 1,10")
    parser.add_argument("--think", type=float, default=0.0, help="seconds a customer waits after each reply")
    parser.add_argument("--ordered", action="store_true", help="deal the scenarios in the --mix order (smoke runs)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--running", action="store_true", help="load a running ./baton run instead of starting one")
    parser.add_argument("--rasa-url", default="", help="with --running: Rasa's URL (default from the settings)")
    parser.add_argument("--handoff-url", default="", help="with --running: the handoff service's URL")
    parser.add_argument("--password", default=StackSettings.from_env().demo_password,
                        help="the demo agents' password")
    parser.add_argument("--replicas", type=int, default=0,
                        help="start N replicas of every process behind HAProxy (1 to 8)")
    parser.add_argument("--rasa-in-service", default="",
                        help="with --replicas: run the levels with Rasa served by each of these counts of replicas")
    parser.add_argument("--keep", action="store_true", help="keep the started stack's logs and data")
    parser.add_argument("--json", type=Path, help="also write the figures here as JSON")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    if args.replicas and not 1 <= args.replicas <= MAX_REPLICAS:
        parser.error(f"--replicas must be between 1 and {MAX_REPLICAS}")
    counts = [count for count in args.rasa_in_service.split(",") if count.strip()]
    if counts and not all(count.strip().isdigit() and 1 <= int(count) <= args.replicas for count in counts):
        parser.error("--rasa-in-service takes counts from 1 to --replicas, e.g. --replicas 3 --rasa-in-service 1,2,3")
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(asctime)s %(name)s %(message)s")

    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}, {os.cpu_count()} cores", flush=True)
    started = time.monotonic()
    if args.running or args.rasa_url or args.handoff_url:
        results = measure(running_stack(args.rasa_url, args.handoff_url, args.password), args)
    elif args.replicas:
        print(f"starting the stack with {args.replicas} replicas of each process behind HAProxy ...", flush=True)
        with replicated_stack(args.replicas, keep=args.keep) as target:
            print(f"ready after {time.monotonic() - started:.0f} s; measuring", flush=True)
            if args.rasa_in_service:
                return compare_rasa_replicas(target, args)
            results = measure(target, args)
    else:
        print("starting the stack (redis, actions, knowledge, handoff, rasa) on free loopback ports ...", flush=True)
        with own_stack(keep=args.keep) as target:
            print(f"ready after {time.monotonic() - started:.0f} s; measuring", flush=True)
            results = measure(target, args)
    print(report(results), flush=True)
    if args.json:
        args.json.write_text(json.dumps([result.as_dict() for result in results], indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
