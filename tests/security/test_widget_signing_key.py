"""Issue 19, Low: the widget signing key fell back to str(None). Whatever Redis holds under the key's
name is used only if it is a real key; otherwise signing refuses rather than sign with a guessable one."""

from __future__ import annotations

import pytest
from redis.asyncio import Redis

from handoff.auth.widget_sessions import WidgetSessions

PREFIX = "test:widget-key"


async def test_a_generated_key_is_shared_by_replicas_and_by_either_kind_of_client(redis_url: str) -> None:
    as_bytes, as_text = Redis.from_url(redis_url), Redis.from_url(redis_url, decode_responses=True)
    try:
        first = await WidgetSessions(as_bytes, PREFIX).start()
        assert len(await as_bytes.get(f"{PREFIX}:widget:key")) == 64
        assert await WidgetSessions(as_text, PREFIX).verify(first.session_id, first.secret)
    finally:
        await as_bytes.aclose()
        await as_text.aclose()


@pytest.mark.parametrize("stored", ["None", "", "short"])
async def test_a_missing_or_short_stored_key_is_refused(redis_url: str, stored: str) -> None:
    redis = Redis.from_url(redis_url)
    try:
        await redis.set(f"{PREFIX}:widget:key", stored)
        with pytest.raises(RuntimeError, match="widget signing key"):
            await WidgetSessions(redis, PREFIX).start()
    finally:
        await redis.aclose()
