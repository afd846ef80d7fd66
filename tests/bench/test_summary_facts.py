"""The summary bench (bench/summary_facts.py) on a few conversations of both sets: the packet is
built through the engine's stream path, with the events applied to a real Redis, and the bench's
counts and report follow from it."""

from __future__ import annotations

import asyncio

from bench.summary_facts import (
    customer_conversations,
    handover_conversations,
    main,
    report,
    run,
    stream_events,
    typed_facts,
)

FEW = ("c006", "c009", "c057", "c083")


def test_the_facts_the_customer_typed_are_read_by_the_benchs_own_patterns() -> None:
    assert typed_facts(["wher is my ordr LK100235, I paid $14.95", "it's 3 days late, needed it TOMORROW",
                        "the parka", "a.b@example.com"]) == [
        "LK-100235", "$14.95", "3 days", "TOMORROW", "parka", "a.b@example.com"]
    assert typed_facts(["hello", "operator"]) == []


def test_turns_become_the_events_rasa_puts_on_the_stream() -> None:
    [conversation] = [c for c in handover_conversations() if c.id == "c006"]
    events = stream_events("s1", conversation.turns)
    assert [e.type for e in events][:2] == ["user", "bot"] and events[0].entry_id == "1-0"
    assert events[1].transcript_entry()["action"] == conversation.turns[1]["action"]  # type: ignore[index]
    # Only up to the turn where a person is brought in: c006 hands over at its 4th customer turn.
    assert sum(1 for t in conversation.turns if t["role"] == "customer") == 4


def test_a_few_conversations_through_redis_keep_every_fact_and_name_goal_and_blocker(redis_url: str) -> None:
    conversations = [c for c in handover_conversations() if c.id in FEW]
    assert [c.id for c in conversations] == list(FEW)
    through_redis = asyncio.run(run(conversations, redis_url))
    in_memory = asyncio.run(run(conversations))
    assert [r.note for r in through_redis] == [r.note for r in in_memory]
    by_id = {r.id: r for r in through_redis}
    parka = by_id["c006"]
    assert {"LK-100235", "parka", "3 days"} <= set(parka.facts) and parka.found == parka.facts
    assert parka.note[0].startswith("The customer asks where order LK-100235 is:")
    assert parka.note[1].endswith("Handed over: the customer is frustrated.")
    assert "$14.95" in by_id["c057"].found
    for result in through_redis:
        assert len(result.note) == 2 and result.goal_named and result.blocker_named
        assert result.found_with_transcript == result.facts
    text = report(through_redis, show=1)
    assert "conversations: 4" in text and "note names the blocker: 4/4 (100.0 %)" in text
    assert "\nc006 (frustration):" in text


def test_the_customer_set_has_only_customer_turns_and_is_not_scored_for_goal(capsys) -> None:
    conversations = customer_conversations()[:3]
    results = asyncio.run(run(conversations))
    assert all(r.goal_named is None and r.blocker_named is None for r in results)
    assert main(["--set", "customer", "--limit", "2"]) == 0
    out = capsys.readouterr().out
    assert "== customer evaluation set" in out and "conversations: 2" in out
    assert "note names the goal: not scored on this set" in out
