"""Issue 19: a reply never waits for SQLite's single writer. A question typed while a poll's
fan-out to many channels holds the writer (its rows written, not yet committed) is
answered at once; the answer's log row and the asker's visit are written after the reply,
and the fan-out's posts still go out once each. Driven through the loopback platform as
users type it, with the new reports arriving a day and a year after the first read."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

import bot.app
from bot.app import BotApp
from bot.store.db import SQLITE_CONNECTIONS
from bot.store.models import AnswerLog, Delivery, Subscription, Visit
from config.settings import load_settings
from tests.feedserver import FeedServer, burst, rss
from tests.loopfix import loopback_bot
from tests.newsfix import FakeClock

CHANNELS = [f"C{i:02d}" for i in range(24)]


async def count(app: BotApp, model: Any, **where: str) -> int:
    async with app.deps.sessions() as session:
        query = select(func.count()).select_from(model)
        for name, value in where.items():
            query = query.where(getattr(model, name) == value)
        return int(await session.scalar(query) or 0)


@pytest.mark.parametrize("later", [timedelta(days=1), timedelta(days=365)],
                         ids=["day", "year"])
async def test_a_question_is_answered_while_a_fan_out_holds_the_writer(
        feeds: FeedServer, tmp_path: Path, later: timedelta,
        monkeypatch: pytest.MonkeyPatch) -> None:
    start = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
    clock = FakeClock(start)
    url = feeds.static("/wire.rss", rss(burst(start, 2, seed=1)))
    settings = load_settings(env={}, overrides={
        "database_url": f"sqlite:///{tmp_path / 'bot.db'}", "data_dir": str(tmp_path),
        "language": "en", "demo": False, "feeds": [{"url": url}]})
    holding, release = asyncio.Event(), asyncio.Event()
    real_fan_out = bot.app.fan_out

    async def held_fan_out(*args: Any, **kwargs: Any) -> int:
        added = await real_fan_out(*args, **kwargs)  # its rows written: the writer is held
        holding.set()
        await release.wait()  # ... for as long as a big fan-out or digest takes
        return added

    monkeypatch.setattr(bot.app, "fan_out", held_fan_out)
    async with loopback_bot(settings, clock) as wired:
        chat, app = wired.chat, wired.app
        try:
            await app.poll(force=True)  # the first read: its backlog is never posted
            for channel in CHANNELS:
                chat.type_command(channel, "subscribe realtime en")
            await chat.wait_for(lambda: all(chat.posted(c) for c in CHANNELS), within=60)
            await app.sender.drain()
            seen = {c: len(chat.posted(c)) for c in CHANNELS}

            clock.advance(later)
            feeds.static("/wire.rss", rss(burst(clock.now(), 3, seed=2)))
            poll = asyncio.create_task(app.poll(force=True))
            await holding.wait()

            chat.type_command("Q1", "ask What was agreed in Geneva?", user="U5")
            await chat.wait_for(lambda: bool(chat.posted("Q1")), within=20)
            # Answered while the fan-out still holds the writer; its log row and the
            # visit wait for the writer, not the reply.
            assert not poll.done()
            assert chat.posted("Q1")[0]["key"].startswith("reply:")
            assert await count(app, AnswerLog, channel_id="Q1") == 0
            assert await count(app, Visit, channel_id="Q1") == 0

            release.set()
            report = await poll
            assert len(report.newsworthy) == 3
            await app.settle()
            assert await count(app, AnswerLog, channel_id="Q1") == 1
            assert await count(app, Visit, channel_id="Q1", user_id="U5") == 1

            await app.sender.drain()
            for channel in CHANNELS:  # the update reached every channel, once
                new = chat.posted(channel)[seen[channel]:]
                keys = [m["key"] for m in new]
                assert new and len(keys) == len(set(keys)), channel
                assert await count(app, Delivery, channel_id=channel) >= len(new)
        finally:
            release.set()

@pytest.mark.parametrize("later", [timedelta(days=1), timedelta(days=365)],
                         ids=["day", "year"])
async def test_a_question_is_answered_while_many_digests_are_being_built(
        feeds: FeedServer, tmp_path: Path, later: timedelta) -> None:
    """Digests due at the same minute (one scheduler job each) each hold a pooled store
    connection from their first read to their commit; as many as the pool has left none
    for the question typed meanwhile. Only a few are built at once now."""
    start = datetime(2026, 3, 10, 6, 0, tzinfo=UTC)
    clock = FakeClock(start)
    url = feeds.static("/wire.rss", rss(burst(start, 2, seed=1)))
    settings = load_settings(env={}, overrides={
        "database_url": f"sqlite:///{tmp_path / 'bot.db'}", "data_dir": str(tmp_path),
        "language": "en", "demo": False, "feeds": [{"url": url}], "timezone": "UTC"})
    daily = [f"D{i:02d}" for i in range(SQLITE_CONNECTIONS + 4)]
    async with loopback_bot(settings, clock) as wired:
        chat, app = wired.chat, wired.app
        building, release = asyncio.Event(), asyncio.Event()
        cache = app.deps.briefings
        real_build = cache._build
        try:
            await app.poll(force=True)  # the first read: its backlog is never posted
            clock.advance(later)
            at = (clock.now() + timedelta(hours=1)).strftime("%H:%M")
            for channel in daily:
                chat.type_command(channel, f"subscribe daily {at} en")
            await chat.wait_for(lambda: all(chat.posted(c) for c in daily), within=60)
            await app.sender.drain()
            clock.advance(timedelta(minutes=10))
            feeds.static("/wire.rss", rss(burst(clock.now(), 3, seed=2)))
            await app.poll(force=True)
            await app.sender.drain()
            seen = {c: len(chat.posted(c)) for c in daily}

            async def slow_build(*args: Any, **kwargs: Any) -> Any:
                building.set()
                await release.wait()  # the digest's briefings take their time
                return await real_build(*args, **kwargs)

            cache._build = slow_build
            clock.advance(timedelta(hours=1))
            async with app.deps.sessions() as session:
                ids = (await session.scalars(select(Subscription.id).where(
                    Subscription.daily_at == at))).all()
            assert len(ids) == len(daily)
            # The scheduler starts one job per subscription, all at that minute.
            digests = [asyncio.create_task(app.digest(i)) for i in ids]
            await building.wait()
            await asyncio.sleep(0.2)  # every job that can start has started

            chat.type_command("Q1", "ask What was agreed in Geneva?")
            await chat.wait_for(lambda: bool(chat.posted("Q1")), within=20)
            assert not any(d.done() for d in digests)  # answered while they wait

            release.set()
            assert all(n > 0 for n in await asyncio.gather(*digests))
            await app.sender.drain()
            for channel in daily:  # each digest posted once
                keys = [m["key"] for m in chat.posted(channel)[seen[channel]:]]
                assert keys and len(keys) == len(set(keys)), channel
                assert all(":digest:" in k for k in keys), channel
        finally:
            release.set()
            cache._build = real_build
