"""Realistic Rasa 3.6 trackers (the shape of GET /conversations/{id}/tracker) for the engine's tests:
the events a real conversation leaves, with the bot's actions, slots and NLU results."""

from __future__ import annotations

from typing import Any

T0 = 1_764_000_000.0


def user(text: str, intent: str, confidence: float, at: float, entities: list[dict] | None = None,
         channel: str = "rest") -> dict[str, Any]:
    return {"event": "user", "timestamp": T0 + at, "text": text, "input_channel": channel,
            "parse_data": {"text": text, "intent": {"name": intent, "confidence": confidence},
                           "entities": entities or []}}


def action(name: str, at: float) -> dict[str, Any]:
    return {"event": "action", "timestamp": T0 + at, "name": name}


def bot(text: str, at: float, utter: str | None = None) -> dict[str, Any]:
    return {"event": "bot", "timestamp": T0 + at, "text": text, "data": {},
            "metadata": {"utter_action": utter} if utter else {}}


def slot(name: str, value: Any, at: float) -> dict[str, Any]:
    return {"event": "slot", "timestamp": T0 + at, "name": name, "value": value}


def order_entity(value: str) -> dict[str, Any]:
    return {"entity": "order_number", "value": value, "extractor": "SpacyEntityExtractor"}


def delivery_stuck_tracker() -> dict[str, Any]:
    """A customer asks where an order is, the bot cannot help, the customer gets angry."""
    events = [
        action("action_session_start", 0), {"event": "session_started", "timestamp": T0},
        action("action_listen", 0.1),
        user("hi", "greet", 0.98, 1),
        action("utter_greet", 1.2), bot("Hi, I'm the Larkspur & Co. assistant. What can I do for you?", 1.3,
                                        "utter_greet"),
        action("action_listen", 1.4),
        user("where is my order LK-100235? it should have arrived by now", "ask_question", 0.62, 10,
             [order_entity("LK-100235")]),
        action("action_answer_question", 10.5),
        bot("Orders ship in 3 to 5 business days... More in our help centre: Tracking your order", 10.6),
        bot("Did that help?", 10.7),
        slot("kb_awaiting_feedback", True, 10.8), slot("kb_article", "shipping-tracking", 10.8),
        action("action_listen", 10.9),
        user("no", "deny", 0.97, 30),
        action("action_knowledge_feedback", 30.2),
        bot("Sorry about that. Could you tell me a bit more?", 30.3),
        slot("kb_rejections", 1.0, 30.3), slot("kb_awaiting_feedback", False, 30.3),
        action("action_listen", 30.4),
        user("I TOLD YOU, order LK-100235 is LATE. this is useless!!", "nlu_fallback", 0.31, 50,
             [order_entity("LK-100235")]),
        action("action_answer_question", 50.3),
        bot("Sorry, I couldn't find an answer to that in our help centre.", 50.4),
        action("action_listen", 50.5),
    ]
    return {"sender_id": "cust-1", "slots": {"kb_awaiting_feedback": False, "kb_article": "shipping-tracking",
                                             "kb_rejections": 1.0, "order_number": None, "unresolved_reason": None},
            "latest_input_channel": "rest", "events": events, "paused": False}


def verified_return_tracker() -> dict[str, Any]:
    """A verified customer whose return needs an exception the bot may not grant."""
    events = [
        user("I want to return my boots from order LK-100233", "start_return", 0.91, 0, [order_entity("LK-100233")]),
        action("return_form", 0.5), bot("What is the email address on the order?", 0.6, "utter_ask_email"),
        slot("order_number", "LK-100233", 0.6),
        user("omar.h@example.com", "inform", 0.88, 20,
             [{"entity": "email", "value": "omar.h@example.com"}]),
        slot("email", "omar.h@example.com", 20.3), slot("order_verified", True, 20.3),
        action("action_check_return", 20.4),
        bot("Those boots were delivered 41 days ago, outside our 30-day return window.", 20.5),
        user("they fell apart after two weeks, please make an exception", "request_exception", 0.8, 40),
        action("action_check_return", 40.2),
        bot("I can't make exceptions myself; I'm bringing in someone from our returns team.", 40.3),
        slot("unresolved_reason", "policy_exception", 40.3),
    ]
    return {"sender_id": "cust-2", "slots": {"order_number": "LK-100233", "email": "omar.h@example.com",
                                             "order_verified": True, "unresolved_reason": "policy_exception"},
            "latest_input_channel": "socketio", "events": events}
