"""The briefing cache: one build per briefing, shared by concurrent requests, and a
failed build never poisons the others."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.brief.cache import BriefingCache
from bot.model import Briefing
from bot.store.models import Article, Story

WHEN = datetime(2026, 4, 2, 12, 0, tzinfo=UTC)


def story(story_id: int = 1) -> Story:
    s = Story(id=story_id, headline="Envoys meet", first_at=WHEN, latest_at=WHEN,
              newsworthy=True, created_at=WHEN, revision=1)
    s.articles = [Article(id=10 * story_id, guid="g", url="https://example.test/1",
                          title="Envoys meet", text="Envoys met.", source="Wire",
                          lang="en", published_at=WHEN, fetched_at=WHEN)]
    return s


class SlowBuilder:
    """Counts builds; each one waits until released, so requests overlap."""

    def __init__(self, *, fail_first: bool = False) -> None:
        self.calls = 0
        self.release = asyncio.Event()
        self.fail_first = fail_first

    async def __call__(self, session: Any, story: Story, *, lang: str,
                       said: Sequence[str] = ()) -> Briefing:
        self.calls += 1
        call = self.calls
        await self.release.wait()
        if self.fail_first and call == 1:
            raise RuntimeError("store went away")
        return Briefing(story_id=story.id, headline=story.headline, key_points=(), qa=(),
                        sources=(), earlier=(), outlets=(), published=story.latest_at,
                        lang="en")


async def test_concurrent_requests_for_one_briefing_share_one_build() -> None:
    build = SlowBuilder()
    cache = BriefingCache(build=build)
    s = story()
    waiting = [asyncio.create_task(cache.fetch(None, s, lang="en")) for _ in range(10)]  # type: ignore[arg-type]
    other = asyncio.create_task(cache.fetch(None, s, lang="ja"))  # type: ignore[arg-type]
    await asyncio.sleep(0.01)
    build.release.set()
    got = await asyncio.gather(*waiting)
    assert build.calls == 2  # one per language, not one per request
    assert all(b is got[0] for b in got)
    assert (await other).story_id == 1
    assert await cache.fetch(None, s, lang="en") is got[0]  # type: ignore[arg-type]
    assert build.calls == 2


async def test_a_failed_shared_build_lets_each_waiter_build_its_own() -> None:
    build = SlowBuilder(fail_first=True)
    cache = BriefingCache(build=build)
    s = story()
    first = asyncio.create_task(cache.fetch(None, s, lang="en"))  # type: ignore[arg-type]
    await asyncio.sleep(0.01)
    second = asyncio.create_task(cache.fetch(None, s, lang="en"))  # type: ignore[arg-type]
    await asyncio.sleep(0.01)
    build.release.set()
    with pytest.raises(RuntimeError, match="store went away"):
        await first
    assert (await second).story_id == 1  # built again with its own session
    assert build.calls == 2


async def test_a_cancelled_build_does_not_leave_waiters_hanging() -> None:
    build = SlowBuilder()
    cache = BriefingCache(build=build)
    s = story()
    first = asyncio.create_task(cache.fetch(None, s, lang="en"))  # type: ignore[arg-type]
    await asyncio.sleep(0.01)
    second = asyncio.create_task(cache.fetch(None, s, lang="en"))  # type: ignore[arg-type]
    await asyncio.sleep(0.01)
    first.cancel()
    await asyncio.sleep(0.01)
    build.release.set()
    assert (await asyncio.wait_for(second, 5)).story_id == 1
    assert first.cancelled()


class InstantBuilder:
    async def __call__(self, session: Any, story: Story, *, lang: str,
                       said: Sequence[str] = ()) -> Briefing:
        return Briefing(story_id=story.id, headline=story.headline, key_points=(), qa=(),
                        sources=(), earlier=(), outlets=(), published=story.latest_at,
                        lang="en")


@pytest.mark.parametrize("start", [86_400.0, 365 * 86_400.0])  # a day, a year of uptime
async def test_a_long_run_keeps_only_the_briefings_still_servable(start: float) -> None:
    """A poll's fan-out and the welcomes build a few briefings a minute, each for a new
    revision: the cache must hold only the last ``ttl`` seconds of them, not fill to its
    size with briefings it will never serve again."""
    clock = [start]
    cache = BriefingCache(build=InstantBuilder(), ttl=60.0, size=256,
                          monotonic=lambda: clock[0])
    step = 60.0 / 18  # 18 builds a minute, as in the soak
    most = 0
    for n in range(1000):
        s = story(n + 1)
        first = await cache.fetch(None, s, lang="en")  # type: ignore[arg-type]
        # served again while fresh (a second channel), not built twice
        assert await cache.fetch(None, s, lang="en") is first  # type: ignore[arg-type]
        most = max(most, len(cache))
        clock[0] += step
    assert most <= 60.0 / step + 1  # about a minute of builds, not 256
    clock[0] += 3600
    await cache.fetch(None, story(5000), lang="en")  # type: ignore[arg-type]
    assert len(cache) == 1
