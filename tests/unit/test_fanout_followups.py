"""Realtime fan-out: a new story is one post plus its Q&A thread; a new development of a
story already posted in a channel goes into that thread, never as a second full post."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.brief.builder import load_story
from bot.delivery.fanout import fan_out, post_story, story_key
from bot.model import UpdatePost, load_part
from bot.store.db import SessionFactory, open_store, sqlite_url
from bot.store.models import Article, Delivery, PostedStory, Story, Subscription

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
TEXT = ("Ukraine and Russia agreed to extend the ceasefire. The truce matters because it "
        "halts strikes on energy plants. Talks will resume next week, officials said.")


@pytest.fixture
async def sessions(tmp_path: Path) -> AsyncIterator[SessionFactory]:
    async with open_store(sqlite_url(tmp_path / "fanout.db")) as (_engine, factory):
        yield factory


async def seed(sessions: SessionFactory) -> tuple[int, int]:
    async with sessions() as session, session.begin():
        sub = Subscription(platform="loopback", channel_id="C1", realtime=True, lang="en",
                           timezone="UTC", since=NOW - timedelta(days=1), created_at=NOW)
        story = Story(headline="Ceasefire extended", first_at=NOW, latest_at=NOW,
                      newsworthy=True, created_at=NOW)
        session.add_all([sub, story])
        await session.flush()
        session.add(Article(guid="a1", url="https://w.test/1", title="Ceasefire extended",
                            text=TEXT, source="Wire", lang="en", published_at=NOW,
                            fetched_at=NOW, story_id=story.id))
        return sub.id, story.id


async def add_development(sessions: SessionFactory, story_id: int, title: str) -> None:
    later = NOW + timedelta(hours=2)
    async with sessions() as session, session.begin():
        story = await session.get(Story, story_id)
        assert story is not None
        story.revision += 1
        story.latest_at = later
        session.add(Article(guid=title, url=f"https://w.test/{title}", title=title,
                            text="Negotiators announced a prisoner exchange of 500 people. "
                                 "The swap will happen on Friday, the Kremlin said.",
                            source="Harbor", lang="en", published_at=later,
                            fetched_at=later, story_id=story_id))


async def deliveries(sessions: SessionFactory) -> list[Delivery]:
    async with sessions() as session:
        return list((await session.scalars(select(Delivery).order_by(Delivery.id))).all())


async def test_new_development_goes_into_the_existing_thread(sessions: SessionFactory) -> None:
    sub_id, story_id = await seed(sessions)
    async with sessions() as session, session.begin():
        first = await fan_out(session, [story_id], NOW)
        assert await fan_out(session, [story_id], NOW) == 0  # rerun adds nothing
    rows = await deliveries(sessions)
    assert first == len(rows) >= 2
    assert rows[0].key == story_key(sub_id, story_id, 0) and rows[0].parent_key is None
    assert all(r.parent_key == rows[0].key for r in rows[1:])

    # A later report with the same headline: replies in the thread only.
    await add_development(sessions, story_id, "Ceasefire extended")
    async with sessions() as session, session.begin():
        story = await load_story(session, story_id)
        sub = await session.get(Subscription, sub_id)
        assert story is not None and sub is not None
        await post_story(session, sub, story, NOW)
    new = (await deliveries(sessions))[len(rows):]
    assert new and all(r.parent_key == rows[0].key for r in new)
    assert not any(r.key.endswith(":p0") for r in new)  # never a second full post
    async with sessions() as session:
        posted = await session.scalar(select(PostedStory))
        assert posted is not None and posted.revision == 2


async def test_changed_headline_adds_a_short_update_post(sessions: SessionFactory) -> None:
    sub_id, story_id = await seed(sessions)
    async with sessions() as session, session.begin():
        await fan_out(session, [story_id], NOW)
    before = len(await deliveries(sessions))
    await add_development(sessions, story_id, "Prisoner exchange agreed")
    async with sessions() as session, session.begin():
        await fan_out(session, [story_id], NOW)
    new = (await deliveries(sessions))[before:]
    top = [r for r in new if r.parent_key is None]
    assert len(top) == 1 and top[0].key.endswith(":update")
    part = load_part(top[0].payload)
    assert isinstance(part, UpdatePost) and part.is_followup and len(part.key_points) == 1
    assert all(r.parent_key == story_key(sub_id, story_id, 0) for r in new if r is not top[0])
