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
