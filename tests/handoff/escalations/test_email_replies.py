"""The email an agent's words become (handoff/escalations/email_replies.py): the headers, the
signature, how to answer (the reply link and its last day, or the messaging app), and the
subject on one line."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from handoff.errors import Invalid
from handoff.escalations.email_replies import DEFAULT_SUBJECT, clean_subject, compose

SENDER = "Larkspur & Co. Support <support@larkspur.example>"


def test_a_widget_conversation_is_answered_through_its_link_until_its_last_day() -> None:
    expires = datetime(2026, 12, 20, 15, 0, tzinfo=UTC).timestamp()
    mail = compose(sender=SENDER, to="liam@example.com", subject="Your parcel", text="It arrives Monday.",
                   agent_name="Sam", link="https://shop.example/help#baton-resume=r1.x", link_expires=expires,
                   channel="socketio")
    assert (mail["To"], mail["Subject"]) == ("liam@example.com", "Your parcel")
    assert mail["Message-ID"].endswith("@larkspur.example>") and mail["Date"]
    assert mail.get_content() == (
        "Hello,\n\nIt arrives Monday.\n\nSam\nLarkspur & Co. customer service\n\n"
        "To answer, continue our chat here (the link works until 20 December 2026):\n"
        "https://shop.example/help#baton-resume=r1.x\n")


@pytest.mark.parametrize(("channel", "where"), [("telegram", "Telegram"), ("twilio", "WhatsApp"),
                                                ("rest", "the chat"), (None, "the chat")])
def test_a_messaging_app_conversation_is_answered_in_that_app(channel: str | None, where: str) -> None:
    mail = compose(sender=SENDER, to="liam@example.com", subject="s", text="t", agent_name="Sam", link=None,
                   link_expires=None, channel=channel)
    assert f"To answer, write to us in {where}, where we were talking" in mail.get_content()
    assert "baton-resume" not in mail.get_content()


def test_the_subject_is_one_line_and_bounded() -> None:
    assert clean_subject(None) == clean_subject("   ") == DEFAULT_SUBJECT
    assert clean_subject("Your refund\r\nBcc: someone@evil.example") == "Your refund Bcc: someone@evil.example"
    with pytest.raises(Invalid, match="at most 200"):
        clean_subject("s" * 201)
