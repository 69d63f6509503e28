"""Realtime fan-out: a new story is one post plus its Q&A thread; a new development of a
story already posted in a channel goes into that thread, never as a second full post (at
most a short update post linking to the thread, sent through the real sender here)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from bot.brief.builder import load_story
from bot.delivery.fanout import SAID_KEPT, fan_out, post_story, story_key
from bot.delivery.sender import Sender
from bot.model import UpdatePost, load_part
from bot.platforms.loopback import LoopbackAdapter
from bot.store.db import SessionFactory
from bot.store.models import Delivery, PostedStory, Subscription
from tests.conftest import FakeClock
from tests.fakes.chat_fake import ChatFake
from tests.storyfix import DEVELOPMENT, add_article, seed_story

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
TEXT = ("Ukraine and Russia agreed to extend the ceasefire. The truce matters because it "
        "halts strikes on energy plants. Talks will resume next week, officials said.")


@pytest.fixture
async def chat() -> AsyncIterator[ChatFake]:
    async with ChatFake(profile="none") as server:
        yield server


@pytest.fixture
async def adapter(chat: ChatFake) -> AsyncIterator[LoopbackAdapter]:
    a = LoopbackAdapter(chat.url, zone=UTC, timeout=2.0)
    await a.start()
    yield a
    await a.stop()


async def add_development(sessions: SessionFactory, story_id: int, title: str) -> None:
    await add_article(sessions, story_id, title, NOW + timedelta(hours=2), new_revision=True,
                      title=title, text=DEVELOPMENT, source="Harbor")


async def deliveries(sessions: SessionFactory) -> list[Delivery]:
    async with sessions() as session:
        return list((await session.scalars(select(Delivery).order_by(Delivery.id))).all())


async def test_new_development_goes_into_the_existing_thread(sessions: SessionFactory) -> None:
    sub_id, story_id = await seed_story(sessions, NOW, TEXT)
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


async def test_reworded_headline_stays_in_the_thread(sessions: SessionFactory) -> None:
    sub_id, story_id = await seed_story(sessions, NOW, TEXT)
    async with sessions() as session, session.begin():
        await fan_out(session, [story_id], NOW)
    before = len(await deliveries(sessions))
    await add_development(sessions, story_id, "Leaders press on with the talks")
    async with sessions() as session, session.begin():
        await fan_out(session, [story_id], NOW)
    new = (await deliveries(sessions))[before:]
    assert new and all(r.parent_key == story_key(sub_id, story_id, 0) for r in new)


async def test_changed_headline_facts_add_a_short_update_post(sessions: SessionFactory) -> None:
    sub_id, story_id = await seed_story(sessions, NOW, TEXT)
    async with sessions() as session, session.begin():
        await fan_out(session, [story_id], NOW)
    before = len(await deliveries(sessions))
    await add_development(sessions, story_id, "Prisoner exchange agreed: 175 for 175")
    async with sessions() as session, session.begin():
        await fan_out(session, [story_id], NOW)
    new = (await deliveries(sessions))[before:]
    top = [r for r in new if r.parent_key is None]
    assert len(top) == 1 and top[0].key.endswith(":update")
    part = load_part(top[0].payload)
    assert isinstance(part, UpdatePost) and part.is_followup and len(part.key_points) == 1
    assert top[0].link_key == story_key(sub_id, story_id, 0)
    assert all(r.parent_key == story_key(sub_id, story_id, 0) for r in new if r is not top[0])


HEADLINE_FIGURES = "Prisoner exchange agreed: 175 for 175"


async def test_the_short_update_post_links_to_the_thread_once(
        sessions: SessionFactory, chat: ChatFake, adapter: LoopbackAdapter) -> None:
    sub_id, story_id = await seed_story(sessions, NOW, TEXT)
    sender = Sender(sessions, {"loopback": adapter}, FakeClock(NOW))
    async with sessions() as session, session.begin():
        await fan_out(session, [story_id], NOW)
    await sender.send_due()
    [post] = [m for m in chat.posted("C1") if m["thread"] is None]
    first = len(chat.posted("C1"))

    await add_development(sessions, story_id, HEADLINE_FIGURES)
    for _ in range(2):  # a rerun of the fan-out adds nothing
        async with sessions() as session, session.begin():
            await fan_out(session, [story_id], NOW)
        await sender.send_due()

    later = chat.posted("C1")[first:]
    top = [m for m in later if m["thread"] is None]
    assert [m["key"] for m in top] == [f"{story_key(sub_id, story_id, 0, 2)}:update"]
    assert f"🧵 See the thread: #{post['id']}" in top[0]["text"]
    assert HEADLINE_FIGURES in top[0]["text"]
    replies = [m for m in later if m["thread"] is not None]
    assert replies and all(m["thread"] == post["id"] for m in replies)
    assert "See the thread" not in post["text"]


async def test_the_update_post_waits_for_the_first_post(
        sessions: SessionFactory, chat: ChatFake, adapter: LoopbackAdapter) -> None:
    sub_id, story_id = await seed_story(sessions, NOW, TEXT)
    clock = FakeClock(NOW)
    sender = Sender(sessions, {"loopback": adapter}, clock)
    async with sessions() as session, session.begin():
        await fan_out(session, [story_id], NOW)
    await add_development(sessions, story_id, HEADLINE_FIGURES)
    async with sessions() as session, session.begin():
        await fan_out(session, [story_id], NOW)
    chat.plan.transient.append((503, "unavailable"))  # the first post must be retried later
    await sender.send_due()
    await sender.send_due()
    assert chat.posted("C1") == []  # neither the replies nor the update went ahead of it
    clock.advance(minutes=20)
    await sender.send_due()
    await sender.send_due()
    posted = chat.posted("C1")
    tops = [m for m in posted if m["thread"] is None]
    assert [m["key"] for m in tops] == [story_key(sub_id, story_id, 0),
                                       f"{story_key(sub_id, story_id, 0, 2)}:update"]
    assert f"See the thread: #{tops[0]['id']}" in tops[1]["text"]
    assert all(m["thread"] == tops[0]["id"] for m in posted if m["thread"] is not None)


async def test_the_update_post_goes_without_the_link_if_the_first_post_never_will(
        sessions: SessionFactory, chat: ChatFake, adapter: LoopbackAdapter) -> None:
    sub_id, story_id = await seed_story(sessions, NOW, TEXT)
    async with sessions() as session, session.begin():
        await fan_out(session, [story_id], NOW)
        await session.execute(update(Delivery).where(
            Delivery.key == story_key(sub_id, story_id, 0)).values(status="failed"))
    await add_development(sessions, story_id, HEADLINE_FIGURES)
    async with sessions() as session, session.begin():
        await fan_out(session, [story_id], NOW)
    await Sender(sessions, {"loopback": adapter}, FakeClock(NOW)).send_due()
    [only] = chat.posted("C1")  # thread replies are cancelled, the update still goes out
    assert only["key"].endswith(":update") and only["thread"] is None
    assert HEADLINE_FIGURES in only["text"] and "See the thread" not in only["text"]


async def test_a_channel_remembers_a_bounded_number_of_the_key_points_it_was_shown(
        sessions: SessionFactory) -> None:
    """A story updated forty times: the channel's memory of what it was shown stays at
    ``SAID_KEPT`` (it grew with every update, and every fan-out read it), holds the newest
    points, and an update still does not repeat the points the previous one posted."""
    _, story_id = await seed_story(sessions, NOW, TEXT)
    async with sessions() as session, session.begin():
        await fan_out(session, [story_id], NOW)
    seen = len(await deliveries(sessions))
    last_points: list[str] = []
    updates = 0
    for n in range(40):
        words = [f"{a}{b}{n}" for a in "bdfgkmprstvz" for b in ("ak", "ol", "un", "ie")]
        lines = " ".join(" ".join(words[k * 12:k * 12 + 12]).capitalize() + "."
                         for k in range(4))
        await add_article(sessions, story_id, f"u{n}", NOW + timedelta(hours=n + 1),
                          new_revision=True, text=lines, title=f"Update {n} on the talks",
                          source=f"Outlet {n % 3}")
        async with sessions() as session, session.begin():
            await fan_out(session, [story_id], NOW + timedelta(hours=n + 1))
        rows = await deliveries(sessions)
        # the thread reply carries the update's key points (a short update post, one)
        points = max((list(part.key_points) for r in rows[seen:]
                      if isinstance(part := load_part(r.payload), UpdatePost)),
                     key=len, default=[])
        seen = len(rows)
        async with sessions() as session:
            posted = await session.scalar(select(PostedStory))
            assert posted is not None and posted.revision == n + 2
            said = list(posted.said)
        if points:
            assert said[-len(points):] == points
            assert not set(points) & set(last_points)
            last_points = points
            updates += 1
        assert len(said) <= SAID_KEPT
    assert len(said) == SAID_KEPT and updates >= 20
