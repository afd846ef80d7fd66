"""Which messaging apps Rasa connects to: the ones whose credentials are in the environment.

credentials.yml lists every connector with `${VAR}` placeholders. Rasa refuses to start when a
placeholder names an unset variable, and a connector given empty credentials fails at start-up
or on the first message (Telegram's tries to register its webhook with an empty token). So the
launcher writes `var/credentials.yml`: the same file with only the connectors whose required
variables are all set, and Rasa is started with that. Secrets are not written into it: the
placeholders stay, and Rasa expands them from its environment.

Standard library only (used by the launcher and the test fixtures in both environments).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from stack.private_files import write_private

SOURCE = Path(__file__).resolve().parent.parent / "credentials.yml"
_KEY = re.compile(r"^([A-Za-z0-9_.\-]+):\s*(#.*)?$")
_VAR = re.compile(r"\$\{(\w+)\}")


@dataclass(frozen=True)
class Connector:
    label: str
    required: tuple[str, ...]  # all set: the connector is on; other ${VAR}s in its block are optional


CONNECTORS: dict[str, Connector] = {
    "bot.channels.telegram.TelegramInput": Connector("Telegram", ("TELEGRAM_ACCESS_TOKEN", "TELEGRAM_VERIFY")),
    "bot.channels.twilio.TwilioInput": Connector(
        "Twilio (WhatsApp, SMS)", ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_NUMBER")
    ),
    "bot.channels.facebook.FacebookInput": Connector(
        "Facebook Messenger", ("FACEBOOK_VERIFY", "FACEBOOK_SECRET", "FACEBOOK_PAGE_ACCESS_TOKEN")
    ),
    "bot.channels.slack.SlackInput": Connector("Slack", ("SLACK_TOKEN", "SLACK_SIGNING_SECRET")),
}


@dataclass(frozen=True)
class Block:
    key: str | None  # None: comments before the first channel
    text: str

    @property
    def variables(self) -> list[str]:
        return _VAR.findall("\n".join(line.split("#", 1)[0] for line in self.text.splitlines()))


def blocks(text: str) -> list[Block]:
    """The file cut into one block per top-level key, each with the comments just above it."""
    found: list[Block] = []
    key: str | None = None
    lines: list[str] = []
    pending: list[str] = []  # comment/blank lines not yet known to belong to the next key
    for line in text.splitlines(keepends=True):
        match = _KEY.match(line)
        if match:
            found.append(Block(key, "".join(lines)))
            key, lines, pending = match.group(1), [*pending, line], []
        elif not line.strip() or line.lstrip().startswith("#"):
            pending.append(line)
        else:
            lines.extend(pending)
            pending = []
            lines.append(line)
    found.append(Block(key, "".join(lines + pending)))
    return [block for block in found if block.text]


def enabled(block: Block, env: Mapping[str, str]) -> bool:
    connector = CONNECTORS.get(block.key or "")
    required = connector.required if connector else block.variables
    return all(env.get(name) for name in required)


def effective(env: Mapping[str, str], source: Path = SOURCE) -> tuple[str, list[str], dict[str, str]]:
    """The credentials to start Rasa with, the labels of the messaging apps switched on, and
    the optional variables those need defined (as empty: the connector then uses its default)."""
    kept: list[str] = []
    labels: list[str] = []
    optional: dict[str, str] = {}
    for block in blocks(source.read_text()):
        if block.key is not None and not enabled(block, env):
            continue
        kept.append(block.text)
        if block.key in CONNECTORS:
            labels.append(CONNECTORS[block.key].label)
        optional.update({name: "" for name in block.variables if name not in env})
    return "".join(kept), labels, optional


def write(var_dir: Path, env: Mapping[str, str], source: Path = SOURCE) -> tuple[Path, list[str], dict[str, str]]:
    text, labels, optional = effective(env, source)
    target = var_dir / "credentials.yml"
    target.parent.mkdir(parents=True, exist_ok=True)
    header = "# Written by stack/channels.py from credentials.yml: only the channels configured in the environment.\n"
    write_private(target, header + text)
    return target, labels, optional
