"""Where a turn's time goes inside Rasa itself: the trained model loaded in this process (as
bot/serve.py runs it, with bot/rasa_patches.py installed), conversations of small talk played
turn after turn, and cProfile's cumulative time split into Rasa's steps: NLU (of which the
sentence model's ONNX forward pass), the policies' predictions (featurising the tracker's
history, TED's TensorFlow graph, the rule and memoisation lookups), running actions, the tracker
store (load and save, with Redis when --redis-url names one) and the lock.

Only response actions are played (greetings, thanks, goodbyes), so no action server is needed:
what is measured is Rasa's own cost per turn, which every replica pays, against the model's
few milliseconds. Run in the bot environment:

  .venvs/bot/bin/python -m bench.rasa_turn --model var/models/baton-....tar.gz [--turns 120]
      [--history 8] [--redis-url redis://...]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import sys
import time
import uuid
from pathlib import Path

# Rasa's steps, by the qualified names cProfile reports (file fragment, function).
STEPS = {
    "whole turn (handle_message)": ("rasa/core/processor.py", "handle_message"),
    "NLU: parse_message": ("rasa/core/processor.py", "parse_message"),
    "  of which the sentence model (ONNX run)": ("onnxruntime", "run"),
    "policies: predict_next_with_tracker_if_should": ("rasa/core/processor.py", "predict_next_with_tracker_if_should"),
    "  of which TED": ("rasa/core/policies/ted_policy.py", "predict_action_probabilities"),
    "  of which the tracker's past states (all policies)": ("rasa/shared/core/trackers.py", "past_states"),
    "  of which featurising states for TED": ("rasa/core/featurizers/tracker_featurizers.py", "create_state_features"),
    "  of which the rule policy": ("rasa/core/policies/rule_policy.py", "predict_action_probabilities"),
    "running actions: _run_action": ("rasa/core/processor.py", "_run_action"),
    "tracker store: retrieve": ("rasa/core/tracker_store.py", "retrieve"),
    "tracker store: save": ("rasa/core/tracker_store.py", "save"),
    "lock: lock": ("rasa/core/lock_store.py", "lock"),
}
SMALL_TALK = ("hi", "thanks", "hello there", "thank you so much", "ok thanks", "goodbye")


def cumulative(stats: pstats.Stats, where: str, name: str) -> float:
    """Seconds spent in functions `name` of files matching `where`, outer calls only (recursion
    and nested calls of the same function counted once, as cProfile's cumulative time does)."""
    total = 0.0
    for (filename, _line, function), (_cc, _nc, _tt, ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        if function == name and where in filename:
            total += ct
    return total


async def play(agent: object, turns: int, history: int) -> float:
    started = time.perf_counter()
    played = 0
    while played < turns:
        sender = f"profile-{uuid.uuid4().hex[:8]}"
        for index in range(history):
            await agent.handle_text(SMALL_TALK[index % len(SMALL_TALK)], sender_id=sender)  # type: ignore[attr-defined]
            played += 1
            if played >= turns:
                break
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--turns", type=int, default=120)
    parser.add_argument("--history", type=int, default=8, help="turns per conversation (the tracker grows)")
    parser.add_argument("--redis-url", default="", help="a Redis for the tracker store (default: in memory)")
    args = parser.parse_args(argv)

    import logging

    from rasa.core.agent import Agent
    from rasa.core.lock_store import InMemoryLockStore
    from rasa.core.tracker_store import InMemoryTrackerStore, RedisTrackerStore
    from rasa.shared.core.domain import Domain
    from rasa.utils.log_utils import configure_structlog

    from bot import rasa_patches

    rasa_patches.install()
    # As `rasa run` logs by default (INFO): debug events cost time a served turn does not spend.
    logging.basicConfig(level=logging.INFO)
    configure_structlog(logging.INFO)
    loaded = time.perf_counter()
    agent = Agent.load(str(args.model), lock_store=InMemoryLockStore())
    domain: Domain = agent.domain  # type: ignore[assignment]
    if args.redis_url:
        from urllib.parse import urlparse

        url = urlparse(args.redis_url)
        agent.tracker_store = RedisTrackerStore(domain, host=url.hostname, port=url.port or 6379,
                                                password=url.password, record_exp=600)
    else:
        agent.tracker_store = InMemoryTrackerStore(domain)
    agent.processor.tracker_store = agent.tracker_store  # type: ignore[union-attr]
    print(f"model loaded in {time.perf_counter() - loaded:.1f} s", file=sys.stderr)
    asyncio.run(play(agent, 12, args.history))  # warm: graphs built, caches filled
    profiler = cProfile.Profile()
    profiler.enable()
    elapsed = asyncio.run(play(agent, args.turns, args.history))
    profiler.disable()
    stats = pstats.Stats(profiler)
    store = "Redis" if args.redis_url else "in memory"
    print(f"Rasa's own cost per turn: {args.turns} turns of small talk, {args.history} per conversation, "
          f"tracker store {store}, under cProfile (which adds overhead: compare the shares)")
    print(f"wall time {elapsed / args.turns * 1000:.1f} ms a turn")
    print()
    print("| step | ms a turn | share of the turn |")
    print("| --- | ---: | ---: |")
    whole = cumulative(stats, *STEPS["whole turn (handle_message)"]) or elapsed
    for label, (where, name) in STEPS.items():
        seconds = cumulative(stats, where, name)
        print(f"| {label} | {seconds / args.turns * 1000:.1f} | {seconds / whole * 100:.0f} % |")
    print()
    stats.sort_stats("tottime").print_stats(12)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
