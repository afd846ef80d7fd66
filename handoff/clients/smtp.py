"""The mail server, as the handoff service uses it: send one message, through aiosmtplib.

Configured by HANDOFF_SMTP_* (handoff/settings.py): host and port, "starttls", "tls" or "none",
and an account. The password goes to the server in the AUTH exchange only: it is in no URL, no
log line and no error (aiosmtplib's errors carry the server's reply, never the credentials; the
account is named by its username). A failure is `Upstream` with what the server said, so the
agent sees why the email did not leave and can send it again; nothing is half-sent.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from email.message import EmailMessage

import aiosmtplib

from handoff.errors import Conflict, Upstream
from handoff.settings import HandoffSettings

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    security: str  # "starttls" | "tls" | "none"
    username: str = ""
    password: str = field(default="", repr=False)
    timeout: float = 20.0

    @classmethod
    def from_settings(cls, settings: HandoffSettings) -> SmtpConfig:
        return cls(host=settings.smtp_host, port=settings.smtp_port, security=settings.smtp_security,
                   username=settings.smtp_username, password=settings.smtp_password,
                   timeout=settings.smtp_timeout_seconds)


class SmtpClient:
    def __init__(self, config: SmtpConfig) -> None:
        if config.security not in ("starttls", "tls", "none"):
            raise ValueError(f"unknown SMTP security {config.security!r}: starttls, tls or none")
        self.config = config
        self.sent = 0

    @property
    def configured(self) -> bool:
        return bool(self.config.host)

    async def send(self, message: EmailMessage) -> None:
        """Deliver `message` to the server (its To and From are the envelope's)."""
        config = self.config
        if not config.host:
            raise Conflict("email is not set up on this service (HANDOFF_SMTP_HOST is empty); "
                          "answer in the chat, or ask an admin to configure the mail server")
        try:
            await aiosmtplib.send(
                message, hostname=config.host, port=config.port, timeout=config.timeout,
                use_tls=config.security == "tls", start_tls=config.security == "starttls",
                username=config.username or None, password=config.password or None)
        except aiosmtplib.SMTPAuthenticationError as error:
            raise Upstream(f"the mail server {config.host}:{config.port} refused the account "
                           f"{config.username!r} ({error.code}); the email was not sent") from error
        except aiosmtplib.SMTPRecipientsRefused as error:
            refused = ", ".join(sorted(r.recipient for r in error.recipients))
            raise Upstream(f"the mail server refused the address {refused}; the email was not sent") from error
        except (aiosmtplib.SMTPException, OSError) as error:
            raise Upstream(f"the mail server {config.host}:{config.port} did not take the email "
                           f"({type(error).__name__}: {error}); it was not sent, try again") from error
        self.sent += 1
        logger.info("email %s sent through %s:%s", message["Message-ID"], config.host, config.port)
