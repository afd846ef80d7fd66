"""The customer evaluation set (bench/customer_eval/) is well formed, its judgements read the
bot's words as meant, and the runner (bench/customer_eval.py) plays conversations and questions
through the session's whole stack and prints every figure; a person is counted only where the
handoff service holds an escalation."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from bench.customer_bench import items, judge
from bench.customer_bench.figures import conversation_figures, question_figures
from bench.customer_eval import main
from tests.conftest import Stack


def test_the_frozen_set_is_big_enough_and_covers_every_class() -> None:
    convs, ques = items.conversations(), items.questions()
    assert len(convs) >= 150 and len(ques) >= 300
    by_class = Counter(c.cls for c in convs)
    assert set(by_class) == set(items.CONVERSATION_CLASSES) and min(by_class.values()) >= 5
    needing = sum(1 for c in convs if c.needs_person)
    assert 0.4 < needing / len(convs) < 0.6  # about as many calm ones as ones needing a person
    assert set(Counter(q.cls for q in ques)) == set(items.QUESTION_CLASSES)
    for q in ques:
        assert (q.cls == "off_domain") == (not q.facts) == (not q.article_allowed), q.id
    splits = Counter(i.split for i in [*convs, *ques])
    assert 0.4 < splits["test"] / (splits["test"] + splits["dev"]) < 0.6


def test_the_split_is_the_readmes_rule() -> None:
    import hashlib

    for item_id in ("c001", "q017", "x"):
        digit = int(hashlib.sha256(item_id.encode()).hexdigest()[-1], 16)
        assert items.split_of(item_id) == ("test" if digit < 8 else "dev")


def test_conversations_that_lock_an_order_are_played_after_those_that_verify() -> None:
    # Synthetic items: a lock holds the order for everyone (0115), so the customers who end
    # verified are played before those who end locked out, each phase to its end.
    def conv(cid: str, cls: str, needs: bool) -> items.Conversation:
        return items.Conversation(cid, cls, ("hi",), needs)

    convs = [conv("a", "verification_failures", True), conv("b", "calm", False),
             conv("c", "verification_failures", False), conv("d", "promise", True)]
    assert [[c.id for c in phase] for phase in items.play_order(convs)] == [["b", "d"], ["c"], ["a"]]


def test_a_promise_is_told_from_an_offer() -> None:
    assert judge.promised(["Of course. Let me check who from our support team can take this."])
    assert judge.promised(["I'm bringing in a person from our team now."])
    assert not judge.promised(["I'm Larkspur's virtual assistant, not a person. I can bring in someone from our "
                               "support team whenever you like."])
    assert not judge.promised(["A person from our team can help in the meantime: just ask for one."])
    assert judge.started_flow(["What's your order number? It looks like LK-100234."])
    assert not judge.started_flow(["Your order number is in the confirmation email."])
    assert judge.gave_article(["Returns take 30 days.\n\nMore in our help centre: Returns https://x/help/returns"])


def test_figures_count_precision_recall_and_broken_promises() -> None:
    def conv(need: bool, handed: bool, promise: bool) -> dict[str, object]:
        return {"class": "calm", "split": "dev", "needs_person": need, "handed_over": handed, "error": "",
                "promises": ["x"] if promise else [], "promise_without_escalation": promise and not handed}

    figures = conversation_figures([conv(True, True, True), conv(True, False, True), conv(False, True, False),
                                    conv(False, False, False), {"class": "calm", "split": "dev", "skipped": True}])
    assert (figures["handover_precision"], figures["handover_recall"]) == (0.5, 0.5)
    assert (figures["n"], figures["skipped"], figures["promises"], figures["promises_without_escalation"]) == \
        (4, 1, 2, 1)
    ques = question_figures([
        {"class": "answerable", "split": "dev", "fact_right": True, "article": True, "flow_started": False,
         "article_allowed": True, "handed_over": False, "error": "", "promises": [],
         "promise_without_escalation": False},
        {"class": "off_domain", "split": "dev", "fact_right": None, "article": True, "flow_started": False,
         "article_allowed": False, "handed_over": False, "error": "", "promises": ["x"],
         "promise_without_escalation": True},
    ])
    assert (ques["answers_right"], ques["answerable"], ques["off_domain_with_article"]) == (1, 1, 1)
    assert ques["per_class"]["off_domain"]["rate"] == 0.0
    assert (ques["promises"], ques["promises_without_escalation"]) == (1, 1)


def _write(folder: Path, name: str, rows: list[dict[str, object]]) -> None:
    (folder / name).write_text("\n".join(json.dumps(r) for r in rows) + "\n")


def test_the_runner_against_the_session_stack(stack: Stack, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    # --url plays against a running stack, whose REST channel needs its API secret from the settings.
    monkeypatch.setenv("RASA_TOKEN", stack.settings.token())
    data = tmp_path / "set"
    data.mkdir()
    _write(data, "conversations.jsonl", [
        {"id": "t1", "class": "indirect_request", "turns": ["I want to talk to a human"], "needs_person": True},
        {"id": "t2", "class": "calm", "turns": ["hi", "how long does standard shipping take?"],
         "needs_person": False},
        {"id": "t3", "class": "calm", "turns": ["thanks, bye"], "needs_person": False},
    ])
    _write(data, "questions.jsonl", [
        {"id": "u1", "class": "answerable", "question": "How long do I have to return something?",
         "facts": [r"\b30[- ]days?"]},
        {"id": "u2", "class": "off_domain", "question": "What's the capital of Australia?", "facts": [],
         "article": False},
        {"id": "u3", "class": "quantity", "question": "How much is express shipping?", "facts": [r"14\.95"]},
    ])
    out = tmp_path / "results.json"
    assert main(["--url", stack.url("rasa"), "--handoff-url", stack.url("handoff"), "--data", str(data),
                 "--out", str(out), "--settle", "3", "--max-minutes", "5"]) == 0
    printed = capsys.readouterr().out
    assert "hand-over precision" in printed and "| all | 3 |" in printed and "### Questions per class (test)" in printed

    saved = json.loads(out.read_text())
    assert set(saved["figures"]) == {"all", "dev", "test"}
    convs, ques = saved["figures"]["all"]["conversations"], saved["figures"]["all"]["questions"]
    for key in ("handover_precision", "handover_recall", "promises", "promises_without_escalation", "per_class"):
        assert key in convs
    for key in ("answers_right", "answerable", "off_domain_with_article", "flows_started", "per_class"):
        assert key in ques
    assert (convs["n"], convs["errors"], ques["n"], ques["errors"]) == (3, 0, 3, 0)
    assert saved["watch"]["sweeps"] > 0 and saved["watch"]["sweep_errors"] == 0
    played = {r["id"]: r for r in saved["conversations"]}
    # The plainest request for a person: the handoff service must hold an escalation for that sender,
    # and the calm ones none, or the runner's reading of the agents' API is wrong.
    assert played["t1"]["handed_over"] and not played["t2"]["handed_over"] and not played["t3"]["handed_over"]
    assert all(turn for turn in played["t2"]["replies"])  # the bot answered every turn over REST
    assert convs["handover_recall"] == 1.0 and convs["false_positives"] == 0
    assert len({r["sender"] for r in [*saved["conversations"], *saved["questions"]]}) == 6
