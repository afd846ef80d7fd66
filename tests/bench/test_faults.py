"""The fault benchmark's count (bench/faults.py): what it calls lost, from the trackers and the
escalations as Rasa and the handoff service return them. The run itself starts the whole system
and kills each process (minutes), so its figures come from full runs (docs/reliability.md)."""

from __future__ import annotations

from collections import Counter

from bench.faults import Figures, count


def test_lost_messages_handovers_and_replies_are_counted_from_what_was_kept() -> None:
    figures = Figures(acknowledged=[("a", "hi"), ("a", "where is my order"), ("b", "hi"), ("b", "hi")],
                      senders={"a", "b", "c"}, agent_replies=[("a", "ref1"), ("b", "ref2")])
    events = {
        "a": [{"event": "user", "text": "hi"}, {"event": "user", "text": "where is my order"},
              {"event": "slot", "name": "unresolved_reason", "value": "explicit_request"},
              {"event": "bot", "text": "Hello, a person here (ref ref1)."}],
        # "hi" acknowledged twice, kept once; promised a person, no escalation; the reply is missing.
        "b": [{"event": "user", "text": "hi"}, {"event": "slot", "name": "unresolved_reason", "value": "x"}],
        "c": [{"event": "slot", "name": "unresolved_reason", "value": None}],
    }
    result = count(figures, events, Counter({"a": 2, "c": 1}))
    assert result["customer_messages_acknowledged"] == 4 and result["customer_messages_lost"] == 1
    assert (result["handovers_promised"], result["handovers_lost"], result["handovers_duplicated"]) == (2, 1, 1)
    assert result["escalations_without_promise"] == 1
    assert (result["agent_replies_accepted"], result["agent_replies_lost"]) == (2, 1)
    assert result["examples"]["handovers_lost"] == ["b"] and result["examples"]["agent_replies_lost"] == [("b", "ref2")]


def test_nothing_lost_counts_zero() -> None:
    figures = Figures(acknowledged=[("a", "hi")], senders={"a"}, agent_replies=[("a", "r")])
    events = {"a": [{"event": "user", "text": "hi"}, {"event": "slot", "name": "unresolved_reason", "value": "x"},
                    {"event": "bot", "text": "(ref r)"}]}
    result = count(figures, events, Counter({"a": 1}))
    assert (result["customer_messages_lost"], result["handovers_lost"], result["handovers_duplicated"],
            result["agent_replies_lost"]) == (0, 0, 0, 0)


def test_replicas_name_what_can_be_killed_and_widgets_are_reported(capsys: object) -> None:
    import pytest

    from bench.faults import main, report

    with pytest.raises(SystemExit):
        main(["--replicas", "2", "--kill", "rasa"])  # with replicas a kill names one: rasa-1, rasa-2
    with pytest.raises(SystemExit):
        main(["--kill", "rasa-1"])  # without, there is no rasa-1
    figures = count(Figures(acknowledged=[("a", "hi")], senders={"a"}), {"a": [{"event": "user", "text": "hi"}]},
                    Counter())
    figures["widgets"] = {"customers": 5, "sockets_cut": 3, "reconnected": 3, "reconnect_seconds_median": 0.6,
                          "reconnect_seconds_max": 1.2, "messages_acknowledged": 40, "sends_unacknowledged": 2,
                          "turns_given_up": 0}
    text = report(figures, 10, replicas=2)
    assert "(2 replicas of each behind HAProxy)" in text
    assert "sockets cut 3, reconnected 3 (median 0.6 s, max 1.2 s)" in text
