"""The SMTP client against a real SMTP server on loopback (aiosmtpd, the `smtp_server` fixture):
a message is delivered with the account's login; a wrong password, a server that is not there,
or TLS against a plain server are each a clear error that names no password; no host configured
is refused before anything is tried."""

from __future__ import annotations

import logging
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest

from handoff.clients.smtp import SmtpClient, SmtpConfig
from handoff.errors import Conflict, Upstream
from tests.conftest import SmtpServer, free_port


def message(to: str = "liam@example.com") -> EmailMessage:
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = "support@larkspur.example", to, "Your refund"
    mail["Message-ID"] = "<test-1@larkspur.example>"
    mail.set_content("The refund is on its way.")
    return mail


def config(server: SmtpServer, **changes: object) -> SmtpConfig:
    values: dict[str, object] = {"host": server.host, "port": server.port, "security": "none",
                                 "username": server.username, "password": server.password, "timeout": 5.0}
    values.update(changes)
    return SmtpConfig(**values)  # type: ignore[arg-type]


async def test_a_message_is_delivered_with_the_accounts_login(smtp_server: SmtpServer,
                                                               caplog: pytest.LogCaptureFixture) -> None:
    client = SmtpClient(config(smtp_server))
    with caplog.at_level(logging.DEBUG):
        await client.send(message())
    [(mail_from, rcpt_tos, content)] = smtp_server.wait_for(1)
    delivered = message_from_bytes(content, policy=policy.default)
    assert (mail_from, rcpt_tos) == ("support@larkspur.example", ["liam@example.com"])
    assert delivered["Subject"] == "Your refund" and delivered["Message-ID"] == "<test-1@larkspur.example>"
    assert delivered.get_content().strip() == "The refund is on its way."
    assert smtp_server.logins == [smtp_server.username] and client.sent == 1
    assert smtp_server.password not in caplog.text
    assert smtp_server.password not in repr(client.config)


async def test_failures_are_clear_and_name_no_password(smtp_server: SmtpServer) -> None:
    wrong = "not-the-password-" + smtp_server.password[:4]
    with pytest.raises(Upstream, match="refused the account 'baton-mailer'") as refused:
        await SmtpClient(config(smtp_server, password=wrong)).send(message())
    assert wrong not in str(refused.value)
    with pytest.raises(Upstream, match=r"did not take the email \(.*\); it was not sent, try again"):
        await SmtpClient(config(smtp_server, port=free_port())).send(message())
    with pytest.raises(Upstream, match="did not take the email"):
        await SmtpClient(config(smtp_server, security="tls")).send(message())
    with pytest.raises(Conflict, match="HANDOFF_SMTP_HOST is empty"):
        await SmtpClient(config(smtp_server, host="")).send(message())
    with pytest.raises(ValueError, match="unknown SMTP security"):
        SmtpClient(config(smtp_server, security="ssl"))
    assert smtp_server.messages == []
