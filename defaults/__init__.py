"""The defaults every settings module starts from: where runtime data goes, the ports the
processes listen on, and the names Baton gives its things in Redis.

Each package's settings module (orders/, stack/, bot/actions/: frozen dataclasses with
`from_env`; knowledge/, handoff/: pydantic-settings) reads its own environment variables and
takes its defaults from here, so two processes left unconfigured still find each other.
Standard library only: imported from both environments (3.10 beside Rasa, 3.11 for the services).
"""

from __future__ import annotations

from pathlib import Path

from contract import bot_handoff

ROOT = Path(__file__).resolve().parent.parent

# --- runtime data: Redis's files, models, caches, tokens, the demo stores ---
VAR_ENV = "BATON_VAR"
VAR_DIR = ROOT / "var"

# --- where the processes listen (./baton run; every URL default points here) ---
HOST = "127.0.0.1"
RASA_PORT = 5005
ACTIONS_PORT = 5055
KNOWLEDGE_PORT = 8001
HANDOFF_PORT = 8002
# --replicas N: HAProxy takes the ports above, replica i of each process listens from this base on
# (stack/replicas.py: a block of MAX_REPLICAS ports per process).
REPLICA_PORT_BASE = 15000
MAX_REPLICAS = 8
# The private redis-server ./baton run starts; not 6379, so it never meets a system Redis.
REDIS_PORT = 6390
REDIS_URL = f"redis://{HOST}:{REDIS_PORT}/0"

# --- names in Redis ---
RASA_KEY_PREFIX = "baton"  # Rasa's tracker and lock stores (endpoints.yml)
HANDOFF_KEY_PREFIX = "baton:handoff"  # the handoff service's own keys
VERIFICATION_KEY_PREFIX = "baton:verification"  # order verification's failures and locks (bot/actions)
MESSAGE_RATE_KEY_PREFIX = "baton:message-rate"  # messages per sender per minute (bot/message_rate.py)
MESSAGE_ID_KEY_PREFIX = "baton:message-ids"  # messages handled, by their ids (bot/message_ids.py)
SOCKETIO_CHANNEL = "baton:socketio"  # pub/sub: socket.io emits shared by Rasa's replicas (bot/socketio_rooms.py)
# The stream Rasa's event broker (bot/broker.py) appends to and the handoff service follows: a
# value of the bot-handoff contract, which owns it.
EVENT_STREAM = bot_handoff.EVENT_STREAM

# The longest message, in characters, any channel takes from a customer or an agent (issue 19,
# finding 9): Rasa's channels answer a longer one with a request to shorten it (bot/message_limits.py),
# the agents' API refuses it (handoff/api/schemas.py), and the handoff service's transcript cuts any
# longer text it is sent. BATON_MAX_MESSAGE_CHARS changes it for the bot and the transcript.
MAX_MESSAGE_CHARS = 2_000
# Messages one sender may send a minute, on any channel (bot/message_rate.py): a person typing
# fast sends a dozen; a script sends hundreds.
MAX_MESSAGES_PER_MINUTE = 30

# The password of the demo agents the handoff store seeds when it is empty (shown by ./baton run).
DEMO_PASSWORD = "larkspur-demo"


def url(port: int, host: str = HOST) -> str:
    return f"http://{host}:{port}"


def under_root(path: Path) -> Path:
    """A path from the environment: relative ones are taken from the repository, as ./baton
    runs every process there, so a setting means the same file whatever the working directory."""
    return path if path.is_absolute() else ROOT / path
