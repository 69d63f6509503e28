"""Issue 19, hypothesis 1: retention deletes delivered outbox rows (and with them their
idempotency keys); the same poll and fan-out inputs arriving again afterwards, or a wire
copy of a story already posted, must post nothing new. What keeps it so is the archive
(``PostedStory``: where and at which revision each story was posted), which retention
keeps; this drives it through fan-out, the real sender, prune and the chat fake."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.brief.builder import load_story
from bot.delivery.fanout import fan_out, post_story
from bot.delivery.retention import prune
from bot.delivery.sender import Sender
from bot.platforms.loopback import LoopbackAdapter
from bot.store.db import SessionFactory
from bot.store.models import Delivery, Subscription
from tests.conftest import FakeClock
from tests.fakes.chat_fake import ChatFake
from tests.storyfix import DEVELOPMENT, add_article, seed_story

REPORTED = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
TEXT = ("Ukraine and Russia agreed to extend the ceasefire by thirty days. The truce "
        "matters because it halts strikes on power plants. Talks resume next week.")
#: The soak's window: 3 minutes.
WINDOW_DAYS = 3 / (24 * 60)


@pytest.fixture
async def chat() -> AsyncIterator[ChatFake]:
    async with ChatFake(profile="none", idempotent=False) as server:
        yield server


@pytest.fixture
async def adapter(chat: ChatFake) -> AsyncIterator[LoopbackAdapter]:
    a = LoopbackAdapter(chat.url, zone=UTC, timeout=2.0)
    await a.start()
    yield a
    await a.stop()


async def fan(sessions: SessionFactory, story_id: int, now: datetime) -> int:
    async with sessions() as session, session.begin():
        return await fan_out(session, [story_id], now)


@pytest.mark.parametrize("later", [timedelta(days=1), timedelta(days=365)])
async def test_inputs_seen_again_after_the_prune_post_nothing(
        sessions: SessionFactory, chat: ChatFake, adapter: LoopbackAdapter,
        later: timedelta) -> None:
    sub_id, story_id = await seed_story(sessions, REPORTED, TEXT)
    clock = FakeClock(REPORTED)
    sender = Sender(sessions, {"loopback": adapter}, clock)
    assert await fan(sessions, story_id, REPORTED) >= 2
    await sender.send_due()
    develop = REPORTED + timedelta(hours=2)
    await add_article(sessions, story_id, "dev", develop, new_revision=True, source="Harbor",
                      text=DEVELOPMENT)
    clock.current = develop
    assert await fan(sessions, story_id, develop) >= 1
    await sender.send_due()
    seen = [m["key"] for m in chat.messages]
    assert len(seen) == len(set(seen)) >= 3

    now = REPORTED + later
    clock.current = now
    pruned = await prune(sessions, now=now, days=WINDOW_DAYS)
    assert pruned.deliveries == len(seen)  # every key is gone from the outbox

    # The same poll again, a wire copy of the story (no new revision), a direct post.
    assert await fan(sessions, story_id, now) == 0
    await add_article(sessions, story_id, "copy", now, new_revision=False, text=TEXT)
    assert await fan(sessions, story_id, now) == 0
    async with sessions() as session, session.begin():
        story = await load_story(session, story_id)
        sub = await session.get(Subscription, sub_id)
        assert story is not None and sub is not None
        assert await post_story(session, sub, story, now) == 0
    await sender.send_due()
    assert [m["key"] for m in chat.messages] == seen
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Delivery)) == 0
