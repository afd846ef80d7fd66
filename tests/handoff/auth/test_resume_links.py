"""Reply links (handoff/auth/resume_links.py): a token names one widget conversation and
redeems to that conversation's widget session; an altered, expired, foreign or malformed token
is refused; only widget conversations get one."""

from __future__ import annotations

import uuid

import pytest
from redis.asyncio import Redis

from contract import widget_session
from handoff.auth.resume_links import LinkRefused, ResumeLinks
from handoff.auth.widget_sessions import WidgetSessions

KEY = "k" * 64


def links(key: str = KEY, ttl: float = 3600.0) -> ResumeLinks:
    # The key is configured, so Redis is never asked for one.
    return ResumeLinks(WidgetSessions(Redis.from_url("redis://127.0.0.1:9"), "test", key),
                       "https://shop.example/help?x=1", ttl)


async def test_a_link_opens_its_conversation_until_it_expires() -> None:
    session_id = uuid.uuid4().hex
    link, expires = await links().link(session_id, now=1000.0)
    assert expires == 4600.0
    assert link.startswith("https://shop.example/help?x=1#baton-resume=r1.")
    token = link.split("#baton-resume=", 1)[1]
    session = await links().redeem(token, now=4600.0)
    assert session.session_id == session_id
    assert widget_session.valid(KEY.encode(), session_id, session.secret)  # the widget's own secret
    assert session.secret not in link
    with pytest.raises(LinkRefused, match="expired"):
        await links().redeem(token, now=4601.0)


async def test_altered_foreign_or_malformed_tokens_are_refused() -> None:
    session_id, other = uuid.uuid4().hex, uuid.uuid4().hex
    token, _ = await links().token(session_id, now=1000.0)
    _, sid, expires, signature = token.split(".")
    secret = widget_session.signature(KEY.encode(), session_id)
    for bad in (
        f"r1.{other}.{expires}.{signature}",  # another conversation
        f"r1.{sid}.{int(expires) + 86_400}.{signature}",  # a later expiry
        f"r1.{sid}.{expires}.{secret}",  # the session's secret is not a link's signature
    ):
        with pytest.raises(LinkRefused, match="not valid"):
            await links().redeem(bad, now=1000.0)
    with pytest.raises(LinkRefused, match="not valid"):
        await links(key="q" * 64).redeem(token, now=1000.0)
    for junk in ("", "r1", token + "0", token.upper(), "r1." + "a" * 500, "r1.../../.."):
        with pytest.raises(LinkRefused, match="not a reply link"):
            await links().redeem(junk, now=1000.0)


async def test_only_widget_conversations_get_a_link() -> None:
    assert ResumeLinks.can_link(uuid.uuid4().hex)
    for sender in ("123456789", "whatsapp:+14155238886", "web-omar", "A" * 32):
        assert not ResumeLinks.can_link(sender)
        with pytest.raises(ValueError, match="only a widget conversation"):
            await links().token(sender)
    with pytest.raises(ValueError, match="http"):
        links_bad = WidgetSessions(Redis.from_url("redis://127.0.0.1:9"), "test", KEY)
        ResumeLinks(links_bad, "javascript:alert(1)", 60)
