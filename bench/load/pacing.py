"""How long a customer takes between turns: reading the bot's replies, then typing or clicking.

A person in a chat widget does not answer within a millisecond. Without pauses ("none"), every
level keeps N messages in flight and measures a system working flat out: the saturation point.
With "human" pauses, N conversations arrive the way N people would send them, which is what "10
concurrent conversations" means for a support desk. The rates are textbook figures, not fitted
to any data set: reading about 4 words a second (240 words a minute) and typing about 3.3
characters a second (40 words a minute, a casual typist on a keyboard), a second to find and
press a button, and a log-normal spread so that some customers are quick and some are slow.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Literal

Pacing = Literal["none", "human"]


@dataclass(frozen=True)
class HumanPace:
    words_per_second: float = 4.0  # reading the bot's replies
    characters_per_second: float = 3.3  # typing the next message
    button_seconds: float = 1.0  # finding and pressing a button
    spread: float = 0.35  # sigma of the log-normal factor applied to each pause
    longest: float = 30.0  # no one pause longer than this (seconds)

    def pause(self, rng: random.Random, replies_text: str, next_text: str, pressing: bool) -> float:
        """Seconds between the bot's last reply and the customer's next message."""
        reading = len(replies_text.split()) / self.words_per_second
        acting = self.button_seconds if pressing else len(next_text) / self.characters_per_second
        return min(self.longest, (reading + acting) * rng.lognormvariate(0.0, self.spread))


def pause_seconds(pacing: Pacing, rng: random.Random, replies_text: str, next_text: str, pressing: bool,
                  pace: HumanPace = HumanPace()) -> float:
    if pacing == "none":
        return 0.0
    return pace.pause(rng, replies_text, next_text, pressing)
