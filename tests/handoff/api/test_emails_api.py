"""Emails to the customer through the agents' API, delivered to a real SMTP server on loopback
(aiosmtpd): the "email me" task answered by email (headers, body, reply link), the link redeemed
by the widget for the same conversation and its history, the email in the transcript as the
agent's, marked as an email; a refused email loses nothing and can be sent again; who may email,
and bad input. Rasa is not running here: the transcript line is the stream entry Rasa's broker
writes for the appended event (the real Rasa: test_emails_with_rasa.py)."""

from __future__ import annotations

import asyncio
import json
import re
import uuid
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import httpx
from redis.asyncio import Redis

from handoff.escalations.email_replies import AGENT_EMAIL
from tests.conftest import SmtpServer
from tests.handoff.api.test_escalations_api import open_escalation
from tests.handoff.harness import Server, handoff_settings

WIDGET_KEY = "w" * 64
LINK = re.compile(r"^(http://shop\.test/help/)#baton-resume=(\S+)$", re.MULTILINE)


def mailing_server(redis_url: str, tmp_path: Path, smtp: SmtpServer) -> Server:
    return Server(handoff_settings(redis_url, f"sqlite:///{tmp_path / 'handoff.db'}", tmp_path,
                                   HANDOFF_EMAIL_REPLY_URL="http://shop.test/help/", HANDOFF_WIDGET_KEY=WIDGET_KEY,
                                   **smtp.environment()))


def delivered(smtp: SmtpServer, count: int = 1) -> EmailMessage:
    messages = smtp.wait_for(count)
    assert len(messages) == count
    return message_from_bytes(messages[-1][2], policy=policy.default)  # type: ignore[return-value]


async def test_the_email_me_task_answered_by_email_with_a_link_back_to_the_chat(
        redis_url: str, tmp_path: Path, smtp_server: SmtpServer) -> None:
    sender = uuid.uuid4().hex  # a widget conversation
    async with mailing_server(redis_url, tmp_path, smtp_server) as server:
        escalation = await open_escalation(server, sender)
        await server.services.escalations.record_follow_up(sender, "Omar.H@example.com")
        maya = await server.login("maya")
        [task] = (await maya.get(f"/escalations/{escalation.id}/tasks")).json()
        text = "Your refund for the wool sweater was sent today; it shows within 5 days."
        sent = await maya.post(f"/escalations/{escalation.id}/emails", json={"text": text, "task_id": task["id"]})
        assert sent.status_code == 201, sent.text
        body = sent.json()
        assert (body["to"], body["via"], body["reply_link"], body["agent_name"]) == (
            "omar.h@example.com", "email", True, "Maya")
        assert body["in_transcript"] is False  # Rasa is down here; the history keeps the words

        mail = delivered(smtp_server)
        [author] = mail["From"].addresses
        assert (author.display_name, author.addr_spec) == ("Larkspur & Co. Support", "support@larkspur.example")
        assert mail["To"] == "omar.h@example.com"
        assert mail["Subject"] == "Your conversation with Larkspur & Co."
        assert mail["Message-ID"] == body["message_id"] and mail["Message-ID"].endswith("@larkspur.example>")
        assert mail["Date"] is not None
        content = mail.get_content().replace("\r\n", "\n")
        assert content.startswith(f"Hello,\n\n{text}\n\nMaya\nLarkspur & Co. customer service\n")
        assert "To answer, continue our chat here (the link works until " in content
        assert smtp_server.messages[0][1] == ["omar.h@example.com"]
        widget_secret = await server.services.emails.links.sessions.resumed(sender)
        assert widget_secret.secret not in content  # the link carries a token, not the session's secret

        # The task is done; the history keeps what was emailed.
        assert (await maya.get(f"/escalations/{escalation.id}/tasks")).json()[0]["state"] == "done"
        history = (await maya.get(f"/escalations/{escalation.id}")).json()["states"]
        assert history[-1]["detail"] == f"emailed omar.h@example.com ({body['message_id']}): {text}"

        # The reply link opens the widget on the same conversation, with its history.
        match = LINK.search(content)
        assert match is not None
        widget = httpx.AsyncClient(base_url=server.url, trust_env=False)
        resumed = await widget.post("/widget/resume", json={"token": match.group(2)})
        assert resumed.status_code == 200 and resumed.headers["access-control-allow-origin"] == "*", resumed.text
        session = resumed.json()
        assert session["session_id"] == sender
        redis = Redis.from_url(redis_url)
        for event in ({"event": "user", "text": "Where is my refund?", "timestamp": 10.0, "input_channel": "socketio"},
                      {"event": "bot", "text": text, "timestamp": 11.0,
                       "metadata": {"agent": "Maya", "kind": AGENT_EMAIL}}):
            await redis.xadd("test:events", {"sender_id": sender, "type": event["event"], "event": json.dumps(event)})
        await redis.aclose()
        headers = {"X-Widget-Secret": session["secret"]}
        async with asyncio.timeout(10):
            while len((lines := (await widget.get(f"/widget/history/{sender}", headers=headers)).json())
                      ["messages"]) < 2:
                await asyncio.sleep(0.05)
        assert [(m["role"], m["text"], m["agent"], m["kind"]) for m in lines["messages"]] == [
            ("customer", "Where is my refund?", None, None), ("agent", text, "Maya", AGENT_EMAIL)]
        transcript = (await maya.get(f"/escalations/{escalation.id}/transcript")).json()
        assert (transcript[-1]["role"], transcript[-1]["kind"]) == ("agent", AGENT_EMAIL)
        for bad in ("r1.x", match.group(2)[:-1] + ("0" if match.group(2)[-1] != "0" else "1")):
            refused = await widget.post("/widget/resume", json={"token": bad})
            assert refused.status_code == 403, refused.text
        assert (await widget.post("/widget/resume", json={"token": "x" * 500})).status_code == 422
        await widget.aclose()
        await maya.aclose()


async def test_a_refused_email_loses_nothing_and_goes_out_when_sent_again(
        redis_url: str, tmp_path: Path, smtp_server: SmtpServer) -> None:
    async with mailing_server(redis_url, tmp_path, smtp_server) as server:
        escalation = await open_escalation(server, "123456789")  # a conversation on a messaging app
        await server.services.escalations.record_follow_up("123456789", "liam@example.com")
        maya = await server.login("maya")
        [task] = (await maya.get(f"/escalations/{escalation.id}/tasks")).json()
        draft = {"text": "The parcel was found at the depot.", "subject": "Your parcel\r\nBcc: x@evil.example",
                 "task_id": task["id"]}
        smtp_server.refuse_next = True
        refused = await maya.post(f"/escalations/{escalation.id}/emails", json=draft)
        assert refused.status_code == 502
        assert "did not take the email" in refused.json()["detail"] and "it was not sent, try again" in \
            refused.json()["detail"]
        assert smtp_server.password not in refused.text
        assert (await maya.get(f"/escalations/{escalation.id}/tasks")).json()[0]["state"] != "done"
        history = (await maya.get(f"/escalations/{escalation.id}")).json()["states"]
        assert not any((h["detail"] or "").startswith("emailed") for h in history)
        again = await maya.post(f"/escalations/{escalation.id}/emails", json=draft)
        assert again.status_code == 201, again.text
        assert again.json()["reply_link"] is False
        mail = delivered(smtp_server)
        assert mail["Subject"] == "Your parcel Bcc: x@evil.example" and mail["Bcc"] is None  # one line, no header
        assert "To answer, write to us in the chat, where we were talking" in mail.get_content()
        assert "#baton-resume=" not in mail.get_content()
        assert (await maya.post(f"/escalations/{escalation.id}/emails", json=draft)).status_code == 409  # task done
        await maya.aclose()


async def test_who_may_email_and_bad_input(redis_url: str, tmp_path: Path, smtp_server: SmtpServer) -> None:
    async with mailing_server(redis_url, tmp_path, smtp_server) as server:
        escalation = await open_escalation(server, uuid.uuid4().hex)  # its verified email: omar.h@example.com
        bare = await server.services.escalations.open(sender_id="no-address", channel="telegram", reason="frustration",
                                                      team="delivery", frustration=0.3, packet={})
        maya, sam, admin = await server.login("maya"), await server.login("sam"), await server.login("admin")
        url = f"/escalations/{escalation.id}/emails"
        assert (await sam.post(url, json={"text": "hi"})).status_code == 403  # another team's
        assert (await maya.post(f"/escalations/{escalation.id}/claim")).status_code == 200
        await maya.put("/agents/me/presence", json={"status": "online"})
        for body, status, says in (
            ({"text": "  "}, 422, "the email is empty"),
            ({"text": "x" * 5000}, 422, "at most"),
            ({"text": "hi", "subject": "s" * 300}, 422, "at most"),
            ({"text": "hi", "task_id": 424242}, 404, "no follow-up task 424242"),
        ):
            response = await maya.post(url, json=body)
            assert (response.status_code, says in response.text) == (status, True), response.text
        assert (await maya.post("/escalations/424242/emails", json={"text": "hi"})).status_code == 404
        assert smtp_server.messages == []
        assert (await admin.post(url, json={"text": "An admin may write too."})).status_code == 201
        assert delivered(smtp_server)["To"] == "omar.h@example.com"
        nowhere = await sam.post(f"/escalations/{bare.id}/emails", json={"text": "hi"})
        assert nowhere.status_code == 422 and "has no email address" in nowhere.json()["detail"]
        for client in (maya, sam, admin):
            await client.aclose()


async def test_email_not_configured_is_a_clear_error(server: Server) -> None:
    escalation = await open_escalation(server)
    maya = await server.login("maya")
    response = await maya.post(f"/escalations/{escalation.id}/emails", json={"text": "hi"})
    assert response.status_code == 409 and "HANDOFF_SMTP_HOST is empty" in response.json()["detail"]
    await maya.aclose()
