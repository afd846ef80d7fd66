"""The summary and the queue line, from realistic trackers and from the service's own copy."""

from __future__ import annotations

from handoff.engine.summary import build_summary, main_intent
from handoff.engine.timeline import from_store, from_tracker
from tests.handoff.engine.transcripts import delivery_stuck_tracker, verified_return_tracker


def test_timeline_reads_every_part_of_the_tracker() -> None:
    timeline = from_tracker(delivery_stuck_tracker())
    assert [line.role for line in timeline.lines] == ["customer", "bot", "customer", "bot", "bot", "customer", "bot",
                                                      "customer", "bot"]
    assert timeline.actions == ["utter_greet", "action_answer_question", "action_knowledge_feedback",
                                "action_answer_question"]
    answer = timeline.lines[3]
    assert answer.action == "action_answer_question"  # the action that said it
    assert timeline.slots == {"kb_awaiting_feedback": False, "kb_article": "shipping-tracking", "kb_rejections": 1.0}
    assert [e["value"] for e in timeline.entities] == ["LK-100235", "LK-100235"]
    assert timeline.channel == "rest"


def test_summary_of_a_customer_stuck_on_a_delivery() -> None:
    timeline = from_tracker(delivery_stuck_tracker())
    summary = build_summary(timeline, "frustration", 0.83, {"shouting": 0.9, "complaint": 1.2, "negative": 0.4})
    assert summary.goal == "where is my order LK-100235? it should have arrived by now"  # not "hi"
    assert summary.main_intent == "ask_question"
    assert "searched the help centre" in summary.tried
    assert "asked whether the answer helped" in summary.tried
    assert "utter_greet" not in " ".join(summary.tried)
    assert "1 answers the customer rejected" in summary.failed
    assert "did not understand 1 message" in summary.failed
    assert "this is useless" in summary.failed  # the customer's last words
    assert summary.why.startswith("the customer is frustrated (frustration 0.83; signals: complaint, shouting")
    # The queue line names the reason, the score and the order number the customer typed (no slot held it).
    assert summary.line.startswith("frustration (0.83) · LK-100235 · where is my order")
    assert "Wants: where is my order LK-100235" in summary.text


def test_summary_of_a_flow_that_needs_a_person() -> None:
    timeline = from_tracker(verified_return_tracker())
    summary = build_summary(timeline, "policy_exception", 0.2, {})
    assert summary.goal.startswith("I want to return my boots")
    assert main_intent(timeline) in ("start_return", "request_exception")
    assert summary.why.startswith("the customer asks for an exception to the policy")
    assert summary.line.startswith("policy exception · LK-100233 · I want to return")
    assert "the flow gave up (policy_exception)" in summary.failed


def test_summary_from_the_services_own_copy_when_rasa_is_away() -> None:
    transcript = [
        {"id": "1-0", "role": "customer", "text": "hello", "time": 1.0, "intent": "greet", "confidence": 0.9},
        {"id": "2-0", "role": "bot", "text": "Hi!", "time": 2.0},
        {"id": "3-0", "role": "customer", "text": "my parcel LK-100236 never came", "time": 3.0,
         "intent": "nlu_fallback", "confidence": 0.3},
        {"id": "4-0", "role": "customer", "text": "AGENT NOW", "time": 4.0, "intent": "request_human",
         "confidence": 0.95},
    ]
    state = {"channel": "socketio", "slot:order_number": '"LK-100236"', "slot:kb_no_match": "2.0",
             "slot:unresolved_reason": "null"}
    timeline = from_store(transcript, state)
    assert timeline.slots == {"order_number": "LK-100236", "kb_no_match": 2.0}
    summary = build_summary(timeline, "explicit_request", 0.4, {})
    assert summary.goal == "my parcel LK-100236 never came"
    assert "2 help-centre searches without an answer" in summary.failed
    assert summary.line.startswith("explicit request · LK-100236")


def test_a_conversation_with_only_small_talk() -> None:
    timeline = from_store([
        {"role": "customer", "text": "hi", "time": 1.0, "intent": "greet"},
        {"role": "bot", "text": "Hi! What can I do for you?", "time": 1.5},
        {"role": "customer", "text": "I want to speak to a human please", "time": 2.0, "intent": "request_human"},
        {"role": "customer", "text": "/affirm", "time": 3.0, "intent": "affirm"},
    ], {})
    summary = build_summary(timeline, "explicit_request", 0.1, {})
    assert summary.goal == "I want to speak to a human please" and summary.main_intent is None
    assert summary.tried == []


def test_every_reason_the_bot_can_send_reads_as_words() -> None:
    from contract import bot_handoff
    from handoff.engine.summary import REASON_TEXT

    assert set(REASON_TEXT) >= bot_handoff.UNRESOLVED_REASONS


def test_the_stream_copy_keeps_the_response_that_said_a_bot_line() -> None:
    timeline = from_store([
        {"role": "customer", "text": "do you ship to Australia?", "time": 1.0, "intent": "ask_question"},
        {"role": "bot", "text": "We ship to the US, Canada, the UK and the EU.", "time": 2.0,
         "action": "action_answer_question"},
    ], {})
    assert timeline.lines[1].action == "action_answer_question"
    tried = build_summary(timeline, "frustration", 0.0, {}).tried
    assert 'said "We ship to the US, Canada, the UK and the EU."' in tried
