"""The welcome a burst of subscribing channels shares: one load of the latest story and its
briefing per language while that story is unchanged, never an outdated one."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.brief.cache import BriefingCache
from bot.delivery.fanout import Welcome, prepare_welcome
from bot.delivery.welcomes import WelcomeCache
from bot.model import Lang
from bot.store.db import SessionFactory
from bot.store.models import Article, Story

REPORTED = datetime(2026, 4, 2, 12, 0, tzinfo=UTC)
#: Monotonic clocks a day and a year into the process's life.
UPTIMES = [86_400.0, 31_536_000.0]


class CountingLoad:
    """The real ``prepare_welcome``, counted, held until released so requests overlap."""

    def __init__(self) -> None:
        self.calls = 0
        self.started = asyncio.Event()
        self.release = asyncio.Event()
        self.release.set()

    async def __call__(self, session: Any, lang: Lang, **kw: Any) -> Welcome | None:
        self.calls += 1
        self.started.set()
        await self.release.wait()
        return await prepare_welcome(session, lang, **kw)


async def add_story(sessions: SessionFactory, n: int, at: datetime) -> int:
    async with sessions() as session, session.begin():
        story = Story(headline=f"Envoys meet, round {n}", first_at=at, latest_at=at,
                      newsworthy=True, created_at=at, revision=1)
        story.articles = [Article(guid=f"g{n}", url=f"https://example.test/{n}",
                                  title=f"Envoys meet, round {n}",
                                  text=f"Envoys met for round {n} of talks in Istanbul.",
                                  source="Wire", lang="en", published_at=at, fetched_at=at)]
        session.add(story)
        await session.flush()
        return story.id


async def fetch(cache: WelcomeCache, sessions: SessionFactory, lang: Lang = "en",
                briefings: BriefingCache | None = None) -> Welcome | None:
    async with sessions() as session:
        return await cache.fetch(session, lang, briefings=briefings or BriefingCache())


@pytest.mark.parametrize("uptime", UPTIMES)
async def test_a_burst_of_subscribes_loads_the_latest_story_once_per_language(
        sessions: SessionFactory, uptime: float) -> None:
    story_id = await add_story(sessions, 1, REPORTED)
    load = CountingLoad()
    load.release.clear()
    cache = WelcomeCache(load=load, monotonic=lambda: uptime)
    briefings = BriefingCache()
    burst = [asyncio.create_task(fetch(cache, sessions, "en", briefings)) for _ in range(40)]
    burst += [asyncio.create_task(fetch(cache, sessions, "ja", briefings)) for _ in range(5)]
    await load.started.wait()  # the rest wait for that load (holding pooled connections)
    await asyncio.sleep(0.05)
    load.release.set()
    welcomes = await asyncio.gather(*burst)
    assert load.calls == 2
    assert all(w is not None and w.story.id == story_id for w in welcomes)
    assert welcomes[0] is welcomes[39] and welcomes[40] is not welcomes[0]
    assert len(cache) == 2


@pytest.mark.parametrize("uptime", UPTIMES)
async def test_a_newer_story_or_an_old_welcome_is_loaded_again(
        sessions: SessionFactory, uptime: float) -> None:
    now = [uptime]
    load = CountingLoad()
    cache = WelcomeCache(load=load, monotonic=lambda: now[0], ttl=60.0)
    assert await fetch(cache, sessions) is None  # nothing to welcome with yet
    first = await add_story(sessions, 1, REPORTED)
    got = await fetch(cache, sessions)
    assert got is not None and got.story.id == first
    assert (await fetch(cache, sessions)) is got
    second = await add_story(sessions, 2, REPORTED + timedelta(hours=3))
    newer = await fetch(cache, sessions)
    assert newer is not None and newer.story.id == second
    calls = load.calls
    now[0] += 61.0  # the briefing's "earlier in the talks" may have changed meanwhile
    again = await fetch(cache, sessions)
    assert again is not None and again is not newer and load.calls == calls + 1
    assert len(cache) == 1  # one per language, whatever the run's length


async def test_a_failed_load_is_not_shared_and_not_kept(sessions: SessionFactory) -> None:
    await add_story(sessions, 1, REPORTED)
    failing = [True]

    async def load(session: Any, lang: Lang, **kw: Any) -> Welcome | None:
        await asyncio.sleep(0.02)
        if failing[0]:
            failing[0] = False
            raise RuntimeError("store went away")
        return await prepare_welcome(session, lang, **kw)

    cache = WelcomeCache(load=load)
    # Either request may read the latest story first and so start the failing load.
    results = await asyncio.gather(fetch(cache, sessions), fetch(cache, sessions),
                                   return_exceptions=True)
    failed = [r for r in results if isinstance(r, RuntimeError)]
    welcomes = [r for r in results if isinstance(r, Welcome)]
    assert len(failed) == 1 and len(welcomes) == 1  # the other loaded its own
    assert await fetch(cache, sessions) is welcomes[0]
