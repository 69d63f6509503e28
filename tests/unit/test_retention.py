"""Retention (issue 19): delivered outbox rows and answer logs older than the window go,
in batches; rows still to send and the archive (stories, where each story was posted)
stay; a follow-up to a story whose first post was pruned still finds its thread."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.delivery import outbox
from bot.delivery.retention import prune
from bot.delivery.sender import Sender
from bot.model import Notice
from bot.platforms.loopback import LoopbackAdapter
from bot.store.db import SessionFactory
from bot.store.models import AnswerLog, Delivery, PostedStory, Story, Subscription
from tests.conftest import FakeClock
from tests.fakes.chat_fake import ChatFake

REPORTED = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


async def fill(sessions: SessionFactory, at: datetime, tag: str, *, rows: int,
               status: str) -> None:
    async with sessions() as session, session.begin():
        await outbox.enqueue(session, [outbox.Outgoing(
            key=f"{tag}:{i}", platform="loopback", channel_id=f"C{i % 7}",
            part=Notice(f"n{i}")) for i in range(rows)], at)
        await session.execute(Delivery.__table__.update()
                              .where(Delivery.key.like(f"{tag}:%")).values(status=status))
        session.add_all(AnswerLog(platform="loopback", channel_id="C1", question="q?",
                                  answerable=True, article_ids=[], created_at=at)
                        for _ in range(rows // 10))


async def count(sessions: SessionFactory, model: type, *where: object) -> int:
    async with sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model)
                                         .where(*where)) or 0)


@pytest.mark.parametrize("later", [timedelta(days=1), timedelta(days=7), timedelta(days=365)])
async def test_prune_keeps_the_window_and_everything_unsent(
        sessions: SessionFactory, later: timedelta) -> None:
    now = REPORTED + later
    await fill(sessions, now - timedelta(days=40), "old", rows=1234, status="sent")
    await fill(sessions, now - timedelta(days=35), "stuck", rows=20, status="pending")
    await fill(sessions, now - timedelta(days=31), "gaveup", rows=30, status="failed")
    await fill(sessions, now - timedelta(days=29), "recent", rows=300, status="sent")
    await fill(sessions, now - timedelta(hours=1), "new", rows=50, status="pending")
    pruned = await prune(sessions, now=now, days=30, batch=100)
    assert pruned.deliveries == 1234 + 30
    assert pruned.answers == 123 + 2 + 3  # answer logs go by age alone
    left = {k.split(":")[0] for k in await keys(sessions)}
    assert left == {"stuck", "recent", "new"}
    assert await count(sessions, Delivery) == 20 + 300 + 50
    assert await count(sessions, AnswerLog) == 30 + 5
    again = await prune(sessions, now=now, days=30, batch=100)
    assert again.total == 0


async def keys(sessions: SessionFactory) -> list[str]:
    async with sessions() as session:
        return list((await session.scalars(select(Delivery.key))).all())


async def test_a_followup_after_its_first_post_was_pruned_goes_into_the_thread(
        sessions: SessionFactory) -> None:
    now = REPORTED + timedelta(days=45)
    async with ChatFake(profile="none", idempotent=False) as fake:
        adapter = LoopbackAdapter(fake.url, zone=UTC)
        await adapter.start()
        try:
            async with sessions() as session, session.begin():
                sub = Subscription(platform="loopback", channel_id="C1", lang="en",
                                   timezone="UTC", since=REPORTED, created_at=REPORTED)
                story = Story(headline="Talks", first_at=REPORTED, latest_at=now,
                              created_at=REPORTED)
                session.add_all([sub, story])
                await session.flush()
                root = f"sub:{sub.id}:story:{story.id}:p0"
                session.add(PostedStory(subscription_id=sub.id, story_id=story.id,
                                        platform="loopback", channel_id="C1",
                                        message_id="900", thread_id="900",
                                        posted_at=REPORTED))
                await outbox.enqueue(session, [outbox.Outgoing(
                    key=f"{root}:r2", platform="loopback", channel_id="C1",
                    part=Notice("new development"), parent_key=root,
                    subscription_id=sub.id, story_id=story.id)], now)
            fake.messages.append({"id": "900", "channel": "C1", "thread": None,
                                  "text": "first post", "key": root, "ts": 0.0})
            fake._by_id["900"] = fake.messages[-1]
            await Sender(sessions, {"loopback": adapter}, FakeClock(now)).send_due()
        finally:
            await adapter.stop()
    followups = [m for m in fake.messages if m["key"].endswith(":r2")]
    assert [m["thread"] for m in followups] == ["900"]
