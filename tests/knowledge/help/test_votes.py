"""The help centre's vote store: one vote per visitor and article, a cursor for the reader, bounded."""

from __future__ import annotations

from pathlib import Path

from knowledge.help.votes import VoteStore


def test_a_second_vote_changes_the_first_and_moves_past_the_cursor(tmp_path: Path) -> None:
    store = VoteStore(tmp_path / "votes.sqlite3", keep_days=30)
    first = store.record("visitor-a", "returns-policy", True, now=1000.0)
    store.record("visitor-b", "returns-policy", True, now=1001.0)
    assert store.counts("returns-policy") == (2, 0)
    changed = store.record("visitor-a", "returns-policy", False, now=1002.0)
    assert store.counts("returns-policy") == (1, 1)
    assert changed.seq > first.seq
    # A reader that had read up to the first vote sees the other visitor's and the changed one.
    seen = store.after(first.seq, 10)
    assert [(v.visitor, v.helpful) for v in seen] == [("visitor-b", True), ("visitor-a", False)]
    assert store.after(changed.seq, 10) == []


def test_votes_survive_a_restart_and_old_ones_are_dropped(tmp_path: Path) -> None:
    path = tmp_path / "votes.sqlite3"
    store = VoteStore(path, keep_days=1)
    store.record("old", "shipping-express", True, now=0.0)
    store.record("recent", "shipping-express", False, now=50_000.0)
    store.close()
    reopened = VoteStore(path, keep_days=1)
    assert reopened.counts("shipping-express") == (1, 1)
    reopened.record("new", "shipping-express", True, now=100_000.0)  # more than a day after the first
    assert [v.visitor for v in reopened.after(0, 10)] == ["recent", "new"]
    assert [v.visitor for v in reopened.after(0, 1)] == ["recent"]
