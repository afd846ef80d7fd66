"""An agent answers a customer by email from the console (issue 21): the "email me" the customer
asked for when nobody could chat (its task is marked done), or any escalation whose customer left
an address.

The order keeps every failure harmless. The mail server first (handoff/clients/smtp.py): if it
does not take the email, the agent gets its reason, nothing is recorded and the draft and the
task stay as they were, to send again. Then the record, in one transaction: a history row with
the address, the Message-ID and the words; the agent's turn for auto-resolve; the task done.
Then the transcript: the email is appended to Rasa's tracker as the agent's message of kind
`agent_email`, without being sent on the chat channel, and the event stream brings it to the
transcript the console and the widget read. If Rasa is down at that moment the email has left
and is in the history; the answer says it is not in the transcript.

A widget conversation's email carries a reply link (handoff/auth/resume_links.py) that opens the
widget on that conversation with its history.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from typing import Any

from sqlalchemy.orm import Session

from handoff.auth.access import ensure_holder, ensure_visible
from handoff.auth.resume_links import ResumeLinks
from handoff.clients.smtp import SmtpClient
from handoff.errors import Conflict, Invalid
from handoff.escalations.service import EscalationService, clean_text
from handoff.store import Agent, Escalation, sla, tasks
from handoff.store import customer_waits as waits
from handoff.store.escalations import _load, _record

logger = logging.getLogger(__name__)
# The transcript's kind of an agent's words sent by email (a bot event's metadata.kind).
AGENT_EMAIL = "agent_email"
BRAND = "Larkspur & Co."
MAX_SUBJECT = 200
DEFAULT_SUBJECT = f"Your conversation with {BRAND}"
CHANNEL_NAMES = {"telegram": "Telegram", "twilio": "WhatsApp", "whatsapp": "WhatsApp", "facebook": "Messenger",
                 "slack": "Slack"}


def clean_subject(subject: str | None) -> str:
    subject = " ".join((subject or "").split())  # one line: no header can be smuggled in
    if len(subject) > MAX_SUBJECT:
        raise Invalid(f"the subject has {len(subject)} characters; at most {MAX_SUBJECT}")
    return subject or DEFAULT_SUBJECT


def compose(*, sender: str, to: str, subject: str, text: str, agent_name: str, link: str | None,
            link_expires: float | None, channel: str | None) -> EmailMessage:
    """The email as the customer reads it: the agent's words, signed, then how to answer."""
    name, address = parseaddr(sender)
    message = EmailMessage()
    message["From"] = str(Address(display_name=name, addr_spec=address)) if name else address
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = make_msgid(domain=address.rpartition("@")[2] or None)
    if link and link_expires:
        day = datetime.fromtimestamp(link_expires, UTC)
        until = f"{day.day} {day:%B %Y}"
        answer = f"To answer, continue our chat here (the link works until {until}):\n{link}"
    else:
        where = CHANNEL_NAMES.get(channel or "", "the chat")
        answer = f"To answer, write to us in {where}, where we were talking; we will see it there."
    message.set_content(f"Hello,\n\n{text}\n\n{agent_name}\n{BRAND} customer service\n\n{answer}\n")
    return message


def recipient_of(escalation: Escalation) -> str:
    """The address the customer asked to be emailed at, else their verified one."""
    address = escalation.follow_up_email or escalation.email
    if not address:
        raise Invalid(f"escalation {escalation.id} has no email address: the customer did not ask for an "
                      "email and verified none; answer in the chat")
    return address


def record_sent(session: Session, escalation_id: int, *, agent: Agent, address: str, message_id: str, text: str,
                task_id: int | None, now: float) -> None:
    """One transaction: the history row (the words kept with the escalation, whatever happens to
    the transcript), the agent's turn (auto-resolve, the SLA), the task done."""
    row = _load(session, escalation_id)
    _record(session, escalation_id, row.state, now, agent.username, f"emailed {address} ({message_id}): {text}")
    waits.agent_wrote(session, escalation_id, now)
    sla.person_answered(session, escalation_id, at=now)  # answered even if Rasa never records it
    if task_id is not None:
        with contextlib.suppress(Conflict):  # done meanwhile by someone else: the email still went out
            tasks.complete(session, task_id, now=now)


class EmailReplies:
    def __init__(self, escalations: EscalationService, smtp: SmtpClient, links: ResumeLinks, *, sender: str,
                 clock: Callable[[], float] = time.time) -> None:
        self.escalations = escalations
        self.db = escalations.db
        self.smtp = smtp
        self.links = links
        self.sender = sender
        self.clock = clock

    async def send(self, agent: Agent, escalation_id: int, *, text: str, subject: str | None = None,
                   task_id: int | None = None) -> dict[str, Any]:
        text = clean_text(text, "email")
        subject = clean_subject(subject)
        escalation = await self.escalations.get(escalation_id)
        if escalation.state == "accepted":
            ensure_holder(agent, escalation, "email the customer")
        else:
            ensure_visible(agent, escalation)
        address = recipient_of(escalation)
        if task_id is not None:
            task = await self.db.run(lambda s: tasks.get(s, task_id))
            if task.escalation_id != escalation_id:
                raise Invalid(f"follow-up task {task_id} belongs to escalation {task.escalation_id}")
            if task.state == "done":
                raise Conflict(f"follow-up task {task_id} is already done")
        link, expires = (await self.links.link(escalation.sender_id) if self.links.can_link(escalation.sender_id)
                         else (None, None))
        message = compose(sender=self.sender, to=address, subject=subject, text=text,
                          agent_name=agent.display_name, link=link, link_expires=expires, channel=escalation.channel)
        await self.smtp.send(message)  # Upstream on failure: nothing below happens
        now = self.clock()
        message_id = str(message["Message-ID"])
        await self.db.run(lambda s: record_sent(s, escalation_id, agent=agent, address=address,
                                                message_id=message_id, text=text, task_id=task_id, now=now))
        in_transcript = await self._to_transcript(escalation, agent, text)
        # The consoles get the line from the stream (conversation.line), like the bot's notices.
        sent = {"text": text, "at": now, "agent": agent.username, "agent_name": agent.display_name,
                "via": "email", "to": address}
        if task_id is not None:
            done = await self.db.run(lambda s: tasks.get(s, task_id))
            await self.escalations.live.publish("task.updated", done.public(), teams=[done.team], agents=[done.agent])
        return {"escalation_id": escalation_id, **sent, "subject": subject, "message_id": message_id,
                "reply_link": link is not None, "in_transcript": in_transcript}

    async def _to_transcript(self, escalation: Escalation, agent: Agent, text: str) -> bool:
        name = agent.display_name
        event = {"event": "bot", "text": text, "metadata": {"agent": name, "kind": AGENT_EMAIL},
                 "data": {"custom": {"data": {"kind": AGENT_EMAIL, "agent": name, "text": text}}}}
        try:
            # No side effects: the customer has it by email, not again in the chat.
            await self.escalations.rasa.append(escalation.sender_id, event)
            return True
        except Exception as error:
            logger.warning("email of escalation %s sent, not in the transcript (kept in its history): %s",
                           escalation.id, error)
            return False
