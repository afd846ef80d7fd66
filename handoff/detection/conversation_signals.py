"""Frustration signals that need the conversation, not just the newest message (each 0..1).

All four only look at the turns since the customer last made progress (the newest earlier customer
turn whose intent is one of `progress_intents`: affirm, thank, greet, goodbye). A customer who
said "yes, that helped" and then asks something new starts afresh.

- rephrase: the customer saying again, in other words, what they already said. Cosine similarity
  (all-MiniLM-L6-v2) of the newest message to each earlier customer message of three words or
  more; each counts from 0 at `rephrase_low` to 1 at `rephrase_high`, summed and capped at 1,
  so saying it a third time counts more than a second.
- bot_repeat: the bot saying the same thing again (identical text, greeting excluded): the number
  of bot turns that repeat an earlier one, halved and capped at 1.
- no_progress: how many customer turns were stalled: intent `nlu_fallback` or `deny`, a rephrasing
  of an earlier message, or an answer to a bot turn that was itself a repeat. 0 up to
  `no_progress_start` stalled turns, rising to 1 at `no_progress_full`.
- prior: anger shown earlier and not resolved since: the strongest of sentiment, insult,
  profanity and complaint over the previous `prior_turns` customer messages, times
  `prior_decay` per turn back. Frustration builds over a conversation; a calm follow-up to an
  angry message does not make it go away.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import numpy as np

from handoff.detection.config import SignalShapes
from handoff.detection.embeddings import CachedEncoder
from handoff.detection.signals import MessageSignals
from handoff.detection.turns import Turn

_NON_WORD = re.compile(r"\W+")


def since_progress(history: Sequence[Turn], shapes: SignalShapes) -> list[Turn]:
    """The turns after the last progress turn before the newest one (the newest is always kept)."""
    start = 0
    for index in range(len(history) - 2, -1, -1):
        turn = history[index]
        if turn.role == "customer" and turn.intent in shapes.progress_intents:
            start = index + 1
            break
    return list(history[start:])


def _same_text(text: str) -> str:
    return _NON_WORD.sub(" ", text.lower()).strip()


def _ramp(value: float, low: float, high: float) -> float:
    return float(min(1.0, max(0.0, (value - low) / (high - low))))


def repeated_bot_turns(segment: Sequence[Turn]) -> list[bool]:
    """For each turn of the segment: is it a bot turn that repeats an earlier bot turn of the segment?"""
    seen: set[str] = set()
    flags = []
    for turn in segment:
        repeat = False
        if turn.role == "bot" and turn.action != "utter_greet" and turn.text.strip():
            key = _same_text(turn.text)
            repeat = key in seen
            seen.add(key)
        flags.append(repeat)
    return flags


def conversation_signals(
    history: Sequence[Turn],
    analyze: Callable[[str], MessageSignals],
    encoder: CachedEncoder,
    shapes: SignalShapes,
) -> dict[str, float]:
    segment = since_progress(history, shapes)
    customer_positions = [i for i, turn in enumerate(segment) if turn.role == "customer"]
    newest_position = customer_positions[-1]

    # Similarity of every customer message of the segment to the ones before it.
    texts = [segment[i].text for i in customer_positions]
    long_enough = [len(text.split()) >= shapes.rephrase_min_words for text in texts]
    vectors = encoder.encode(texts)
    similarity = vectors @ vectors.T
    rephrased = np.zeros(len(texts), dtype=bool)
    rephrase = 0.0
    for k in range(1, len(texts)):
        if not long_enough[k]:
            continue
        earlier = [similarity[k, j] for j in range(k) if long_enough[j]]
        if earlier and max(earlier) >= shapes.rephrase_low:
            rephrased[k] = True
        if k == len(texts) - 1:
            rephrase = min(1.0, sum(_ramp(float(s), shapes.rephrase_low, shapes.rephrase_high) for s in earlier))

    bot_repeat_flags = repeated_bot_turns(segment)
    bot_repeat = min(1.0, sum(bot_repeat_flags) / 2)

    stalled = 0
    for k, position in enumerate(customer_positions):
        turn = segment[position]
        after_repeat = position > 0 and bot_repeat_flags[position - 1]
        if turn.intent in shapes.stall_intents or rephrased[k] or after_repeat:
            stalled += 1
    no_progress = _ramp(stalled, shapes.no_progress_start, shapes.no_progress_full)

    prior = 0.0
    earlier_customer = [segment[i] for i in customer_positions if i != newest_position]
    for back, turn in enumerate(reversed(earlier_customer[-shapes.prior_turns :] if shapes.prior_turns else []), 1):
        prior = max(prior, analyze(turn.text).anger * shapes.prior_decay**back)

    return {"rephrase": rephrase, "bot_repeat": bot_repeat, "no_progress": no_progress, "prior": prior}
