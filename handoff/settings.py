"""The handoff service's configuration: every environment variable it reads, in one place."""

from __future__ import annotations

import contextlib
import os
import secrets
import socket
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from defaults import (
    DEMO_PASSWORD,
    EVENT_STREAM,
    HANDOFF_KEY_PREFIX,
    KNOWLEDGE_PORT,
    MAX_MESSAGE_CHARS,
    RASA_KEY_PREFIX,
    RASA_PORT,
    REDIS_URL,
    VAR_DIR,
    under_root,
    url,
)

DEFAULT_RETENTION_DAYS = 90
DEFAULT_RETENTION_SECONDS = DEFAULT_RETENTION_DAYS * 86_400


class HandoffSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="", extra="ignore", populate_by_name=True)

    # The private Redis ./baton run starts (defaults/), so a handoff started by hand beside it finds it.
    redis_url: str = Field(REDIS_URL, alias="BATON_REDIS_URL")
    event_stream: str = Field(EVENT_STREAM, alias="BATON_EVENT_STREAM")
    consumer_group: str = Field("handoff", alias="HANDOFF_CONSUMER_GROUP")
    # Stable per replica, so a restarted replica picks up the entries it had not acknowledged.
    consumer_name: str = Field(default_factory=lambda: f"{socket.gethostname()}-handoff", alias="HANDOFF_CONSUMER_NAME")
    # Entries another consumer has held this long without acknowledging are taken over.
    claim_idle_ms: int = Field(30_000, alias="HANDOFF_CLAIM_IDLE_MS")
    read_count: int = Field(100, alias="HANDOFF_READ_COUNT")
    # One replica reads the stream at a time (handoff/stream/reader_lease.py); a standby takes
    # over this long after the reader stopped renewing its lease.
    stream_lease_ms: int = Field(10_000, alias="HANDOFF_STREAM_LEASE_MS", ge=300)
    read_block_ms: int = Field(1_000, alias="HANDOFF_READ_BLOCK_MS")
    # An entry whose handling failed is tried again after this long (its conversation's later
    # entries wait with it, to keep their order), and after this many failed attempts it is moved
    # to the dead-letter stream `<stream>:dead` (at most HANDOFF_DEAD_LETTER_MAXLEN entries).
    retry_seconds: float = Field(5.0, alias="HANDOFF_RETRY_SECONDS", gt=0)
    max_attempts: int = Field(5, alias="HANDOFF_MAX_ATTEMPTS", ge=1)
    dead_letter_maxlen: int = Field(10_000, alias="HANDOFF_DEAD_LETTER_MAXLEN", ge=1)
    # How long a customer's data is kept in Redis after their conversation's last event: the
    # conversation's keys expire then, and older entries leave the event and dead-letter streams.
    retention_days: float = Field(DEFAULT_RETENTION_DAYS, alias="HANDOFF_RETENTION_DAYS", gt=0)
    key_prefix: str = Field(HANDOFF_KEY_PREFIX, alias="HANDOFF_KEY_PREFIX")
    # Rasa's tracker store's prefix (endpoints.yml), so `python -m handoff.purge` finds the tracker.
    rasa_key_prefix: str = Field(RASA_KEY_PREFIX, alias="BATON_RASA_KEY_PREFIX")
    # A transcript line keeps at most this many characters of what was said, customer, bot or
    # agent: Rasa's channels already refuse customer messages over BATON_MAX_MESSAGE_CHARS, and a
    # help-centre answer can be a little longer, so anything past four times that is cut and marked.
    transcript_text_chars: int = Field(4 * MAX_MESSAGE_CHARS, alias="HANDOFF_TRANSCRIPT_TEXT_CHARS", ge=100)
    rasa_url: str = Field(url(RASA_PORT), alias="BATON_RASA_URL")
    # Signs the JWT every call to Rasa carries (handoff/clients/rasa.py); the same secret Rasa is
    # started with (bot/serve.py). RASA_TOKEN_FILE, when set, names a file holding it instead.
    rasa_token: str = Field("", alias="RASA_TOKEN", repr=False)
    rasa_token_file: Path | None = Field(None, alias="RASA_TOKEN_FILE")
    rasa_timeout_seconds: float = Field(15.0, alias="HANDOFF_RASA_TIMEOUT_SECONDS")
    knowledge_url: str = Field(url(KNOWLEDGE_PORT), alias="BATON_KNOWLEDGE_URL")
    # The knowledge service's admin token: reading the help centre's votes (GET /votes) into the
    # reporting events every HANDOFF_HELP_VOTES_SECONDS; empty: they are not read.
    knowledge_token: str = Field("", alias="KNOWLEDGE_TOKEN", repr=False)
    help_votes_seconds: float = Field(30.0, alias="HANDOFF_HELP_VOTES_SECONDS", gt=0)

    # --- chat widget (handoff/auth/widget_sessions.py, handoff/api/routes/widget.py) ---
    # Signs the per-session secret a widget needs to read its history; empty: one kept in Redis.
    widget_key: str = Field("", alias="HANDOFF_WIDGET_KEY")
    # Rasa's socket.io URL as browsers reach it (behind a proxy it differs); empty: BATON_RASA_URL.
    widget_socket_url: str = Field("", alias="HANDOFF_WIDGET_SOCKET_URL")
    # Event streams (agent typing) one widget session may hold open at once (a page in a few
    # tabs), and one replica at all: beyond them a stream is refused with 429.
    widget_streams_per_session: int = Field(3, alias="HANDOFF_WIDGET_STREAMS_PER_SESSION", ge=1)
    widget_streams_per_replica: int = Field(2000, alias="HANDOFF_WIDGET_STREAMS_PER_REPLICA", ge=1)

    # --- agents' side: store, authentication, queue, presence ---
    var_dir: Path = Field(VAR_DIR, alias="BATON_VAR")
    # Empty: a SQLite file var/handoff.db. PostgreSQL: postgresql://user@host:5432/db (driver psycopg 3).
    database_url: str = Field("", alias="HANDOFF_DATABASE_URL")
    # Empty: generated on first start into var/handoff_secret (mode 600), shared by replicas on one disk.
    secret: str = Field("", alias="HANDOFF_SECRET")
    # bcrypt's cost: 12 is its default; each step doubles the time a login (and a guess) takes.
    bcrypt_rounds: int = Field(12, alias="HANDOFF_BCRYPT_ROUNDS", ge=4, le=16)
    token_ttl_seconds: int = Field(8 * 3600, alias="HANDOFF_TOKEN_TTL_SECONDS", gt=0)
    # Password of the demo accounts (maya, sam, admin) seeded when the agents table is empty.
    demo_password: str = Field(DEMO_PASSWORD, alias="HANDOFF_DEMO_PASSWORD")
    # The demo: seed those accounts with that well-known password into an empty store. Off unless
    # set (./baton run sets it, stack/settings.py); a shop's store never gets them.
    demo_mode: bool = Field(False, alias="HANDOFF_DEMO_MODE")
    # Failed logins (handoff/auth/throttle.py, decision 0191): this many for one username from one
    # address, or from one address on any usernames, within the window lock that pair or address
    # until the window ends; this many on one username from anywhere lock it for the addresses
    # that have not signed in to it within the known-address days.
    login_failures_per_account: int = Field(5, alias="HANDOFF_LOGIN_FAILURES_PER_ACCOUNT", ge=1)
    login_failures_per_address: int = Field(20, alias="HANDOFF_LOGIN_FAILURES_PER_ADDRESS", ge=1)
    login_failures_per_account_anywhere: int = Field(100, alias="HANDOFF_LOGIN_FAILURES_PER_ACCOUNT_ANYWHERE", ge=1)
    login_known_address_days: int = Field(30, alias="HANDOFF_LOGIN_KNOWN_ADDRESS_DAYS", ge=1)
    login_window_seconds: int = Field(15 * 60, alias="HANDOFF_LOGIN_WINDOW_SECONDS", ge=1)
    # An open console WebSocket checks this often that its token was not revoked (and closes when it was).
    token_recheck_seconds: float = Field(5.0, alias="HANDOFF_TOKEN_RECHECK_SECONDS", gt=0)
    # A queued escalation nobody claimed for this long is raised in priority and announced again.
    reannounce_seconds: float = Field(120.0, alias="HANDOFF_REANNOUNCE_SECONDS", gt=0)
    # An agent whose console sent no heartbeat for this long is offline.
    presence_ttl_seconds: int = Field(45, alias="HANDOFF_PRESENCE_TTL_SECONDS", ge=3)
    default_capacity: int = Field(3, alias="HANDOFF_AGENT_CAPACITY", ge=1)

    # --- follow-ups (handoff/escalations/snoozes.py) ---
    # The longest an agent may snooze an escalation for.
    snooze_max_days: float = Field(30.0, alias="HANDOFF_SNOOZE_MAX_DAYS", gt=0)
    # How often each replica looks for snoozes whose time has come (a snooze wakes at most this late).
    snooze_check_seconds: float = Field(5.0, alias="HANDOFF_SNOOZE_CHECK_SECONDS", gt=0)
    # Follow-up tasks (handoff/escalations/followup_tasks.py): the furthest due time; how long a due
    # task may stay undone before it is escalated to the team; how often each replica looks.
    task_max_days: float = Field(30.0, alias="HANDOFF_TASK_MAX_DAYS", gt=0)
    task_overdue_minutes: float = Field(60.0, alias="HANDOFF_TASK_OVERDUE_MINUTES", ge=0)
    task_check_seconds: float = Field(5.0, alias="HANDOFF_TASK_CHECK_SECONDS", gt=0)
    # The furthest due time of a task the bot promised (escalations/bot_tasks.py): a lost parcel's
    # follow-up waits for the carrier's claim deadline, up to two months away (decision 0221).
    bot_task_max_days: float = Field(90.0, alias="HANDOFF_BOT_TASK_MAX_DAYS", gt=0)

    # --- email replies from the console (handoff/clients/smtp.py, handoff/escalations/email_replies.py) ---
    # The mail server agents' emails go out through; empty host: emailing is off (a clear error).
    smtp_host: str = Field("", alias="HANDOFF_SMTP_HOST")
    smtp_port: int = Field(587, alias="HANDOFF_SMTP_PORT", ge=1, le=65535)
    # "starttls" (upgrade after connecting, port 587), "tls" (TLS from the start, port 465) or
    # "none" (plain: a relay on loopback only).
    smtp_security: Literal["starttls", "tls", "none"] = Field("starttls", alias="HANDOFF_SMTP_SECURITY")
    smtp_username: str = Field("", alias="HANDOFF_SMTP_USERNAME")
    # Never logged, never in a URL; HANDOFF_SMTP_PASSWORD_FILE, when set, names a file holding it.
    smtp_password: str = Field("", alias="HANDOFF_SMTP_PASSWORD", repr=False)
    smtp_password_file: Path | None = Field(None, alias="HANDOFF_SMTP_PASSWORD_FILE")
    smtp_timeout_seconds: float = Field(20.0, alias="HANDOFF_SMTP_TIMEOUT_SECONDS", gt=0)
    # The From of agents' emails: the shop's support address, with a name.
    email_from: str = Field("Larkspur & Co. Support <support@larkspur.example>", alias="HANDOFF_EMAIL_FROM")
    # A page of the shop with the chat widget: an email's reply link opens it on the customer's
    # conversation (the token after `#baton-resume=`, which browsers never send to a server).
    email_reply_url: str = Field("http://127.0.0.1:8002/demo", alias="HANDOFF_EMAIL_REPLY_URL")
    # How long a reply link works.
    email_link_days: float = Field(14.0, alias="HANDOFF_EMAIL_LINK_DAYS", gt=0, le=90)

    # --- auto-resolve (handoff/escalations/auto_resolve.py) ---
    # A conversation whose agent wrote last and whose customer has not answered for this long is
    # resolved with a closing message; it reopens when the customer writes again.
    auto_resolve_hours: float = Field(24.0, alias="HANDOFF_AUTO_RESOLVE_HOURS", gt=0)
    auto_resolve_check_seconds: float = Field(30.0, alias="HANDOFF_AUTO_RESOLVE_CHECK_SECONDS", gt=0)

    # --- SLAs (handoff/escalations/sla.py, sla_policy.py): targets in business time (the support
    # hours below). The handbook names the hours but no response times: these are ours. ---
    sla_first_response_minutes: float = Field(15.0, alias="HANDOFF_SLA_FIRST_RESPONSE_MINUTES", gt=0, le=120_000)
    sla_next_response_minutes: float = Field(30.0, alias="HANDOFF_SLA_NEXT_RESPONSE_MINUTES", gt=0, le=120_000)
    sla_resolution_hours: float = Field(24.0, alias="HANDOFF_SLA_RESOLUTION_HOURS", gt=0, le=2000)
    # Per team, overriding the above: "returns: first=20m next=1h resolution=16h; delivery: first=10m".
    sla_team_targets: str = Field("", alias="HANDOFF_SLA_TEAM_TARGETS")
    # The team is warned when this share of a target has passed (0.8: at 80 %), before the breach.
    sla_warning_share: float = Field(0.8, alias="HANDOFF_SLA_WARNING_SHARE", gt=0, lt=1)
    sla_check_seconds: float = Field(5.0, alias="HANDOFF_SLA_CHECK_SECONDS", gt=0)

    # --- engine: when and how the conversation goes to a person (handoff/engine/) ---
    # Support hours with people (handbook: Mon-Fri 8 am-8 pm, Sat 9 am-5 pm, Eastern), in the timezone below.
    support_hours: str = Field("Mon-Fri 08:00-20:00; Sat 09:00-17:00", alias="HANDOFF_SUPPORT_HOURS")
    support_timezone: str = Field("America/New_York", alias="HANDOFF_SUPPORT_TIMEZONE")
    # How the timezone is named to customers.
    support_timezone_label: str = Field("Eastern time", alias="HANDOFF_SUPPORT_TIMEZONE_LABEL")
    # Average minutes an agent spends on one conversation: the expected wait is the queue ahead
    # shared among the team's online agents, times this.
    average_handling_minutes: float = Field(6.0, alias="HANDOFF_AVERAGE_HANDLING_MINUTES", gt=0)
    # A queued customer who writes again is told their place and wait at most this often.
    waiting_reminder_seconds: float = Field(60.0, alias="HANDOFF_WAITING_REMINDER_SECONDS", gt=0)
    # The detector's weights and threshold; empty: handoff/detection.json.
    detection_config: Path | None = Field(None, alias="HANDOFF_DETECTION_CONFIG")
    # --- end engine ---

    @field_validator("var_dir")
    @classmethod
    def _var_from_root(cls, value: Path) -> Path:
        return under_root(value)

    @model_validator(mode="after")
    def _rasa_token_from_file(self) -> HandoffSettings:
        # The file wins, as in bot/serve.py, so both sides always sign and check with one secret.
        if self.rasa_token_file:
            self.rasa_token = self.rasa_token_file.read_text().strip()
        return self

    @model_validator(mode="after")
    def _smtp_password_from_file(self) -> HandoffSettings:
        if self.smtp_password_file:
            self.smtp_password = self.smtp_password_file.read_text().strip()
        return self

    @property
    def retention_seconds(self) -> int:
        return max(1, round(self.retention_days * 86_400))

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.var_dir / 'handoff.db'}"

    def secret_key(self) -> str:
        """The key that signs agents' tokens."""
        if self.secret:
            return self.secret
        path = self.var_dir / "handoff_secret"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            # Written aside, then linked into place: a second replica starting at the same moment
            # either wins the link or reads the complete key of the first, never a half-written one.
            tmp = path.with_name(f".{path.name}.{os.getpid()}")
            with os.fdopen(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as handle:
                handle.write(secrets.token_urlsafe(48))
            with contextlib.suppress(FileExistsError):
                os.link(tmp, path)
            tmp.unlink()
        return path.read_text().strip()


@lru_cache
def get_settings() -> HandoffSettings:
    return HandoffSettings()
