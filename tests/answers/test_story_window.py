"""A long story's briefing reads a bounded window of its reports, and still counts every
outlet, feed and language (``bot/brief/recent.py``)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from bot.app import BotApp
from bot.brief.builder import build_briefing, load_story
from bot.brief.recent import RECENT_REPORTS
from bot.delivery.fanout import prepare_welcome
from bot.model import Lang
from bot.store.models import Article, Feed, Story

START = datetime(2025, 3, 1, 6, 0, tzinfo=UTC)
#: (outlet, language) of the regular reports; "Early Wire" reports only at the start.
OUTLETS = [("Harbour Times", "en"), ("North Daily", "en"), ("朝夕新聞", "ja")]


def report(n: int, outlet: str, lang: str) -> tuple[str, str]:
    if lang == "ja":
        return (f"停戦協議の続報{n}: ジュネーブで捕虜{100 + n}人の交換",
                f"ロシアとウクライナの代表団はジュネーブで協議を続けた。"
                f"双方は捕虜を{100 + n}人ずつ交換することで合意した。続報{n}。")
    return (f"Ceasefire talks update {n}: {100 + n} prisoners to be exchanged",
            f"Delegations from Ukraine and Russia met again in Geneva, {outlet} reports. "
            f"They agreed to exchange {100 + n} prisoners each, officials said. Update {n}.")


async def store_story(app: BotApp, reports: int, tag: str = "a") -> int:
    """One story: an early outlet's single report first, then ``reports`` more from
    three outlets in turn, each outlet on a feed of its own."""
    async with app.deps.sessions() as session, session.begin():
        story = Story(headline="Geneva talks", first_at=START, latest_at=START,
                      revision=1, newsworthy=True, created_at=START)
        session.add(story)
        feeds = {name: Feed(url=f"https://{tag}{i}.example/rss", lang=lang, name=name,
                            created_at=START)
                 for i, (name, lang) in enumerate([("Early Wire", "en"), *OUTLETS])}
        session.add_all(feeds.values())
        await session.flush()
        plan = [("Early Wire", "en")] + [OUTLETS[n % 3] for n in range(reports)]
        for n, (outlet, lang) in enumerate(plan):
            when = START + timedelta(hours=n)
            title, text = report(n, outlet, lang)
            session.add(Article(feed_id=feeds[outlet].id, guid=f"{tag}{n}", url=f"https://r.example/{tag}/{n}",
                                title=title, text=text, source=outlet, lang=lang,
                                published_at=when, fetched_at=when, story=story))
            story.latest_at = when
        await session.flush()
        return story.id


async def whole_story(app: BotApp, story_id: int, lang: Lang):  # type: ignore[no-untyped-def]
    async with app.deps.sessions() as session:
        story = await session.scalar(select(Story).where(Story.id == story_id)
                                     .options(selectinload(Story.articles)))
        assert story is not None
        return story, await build_briefing(session, story, lang=lang)


async def windowed_story(app: BotApp, story_id: int, lang: Lang):  # type: ignore[no-untyped-def]
    async with app.deps.sessions() as session:
        story = await load_story(session, story_id)
        assert story is not None
        return story, await build_briefing(session, story, lang=lang)


@pytest.mark.parametrize("lang", ["en", "ja"])
async def test_a_story_within_the_window_briefs_exactly_as_when_read_whole(
        app: BotApp, lang: Lang) -> None:
    story_id = await store_story(app, RECENT_REPORTS - 10)
    whole, expected = await whole_story(app, story_id, lang)
    window, got = await windowed_story(app, story_id, lang)
    assert [a.id for a in window.articles] == [a.id for a in whole.articles]
    assert got == expected


@pytest.mark.parametrize("lang", ["en", "ja"])
async def test_a_long_story_reads_a_bounded_window_that_still_counts_every_outlet(
        app: BotApp, lang: Lang) -> None:
    loaded = []
    for reports in (150, 300):
        story_id = await store_story(app, reports, tag=f"s{reports}")
        whole, expected = await whole_story(app, story_id, lang)
        window, got = await windowed_story(app, story_id, lang)
        newest = sorted(whole.articles, key=lambda a: a.published_at)[-RECENT_REPORTS:]
        ids = {a.id for a in window.articles}
        assert {a.id for a in newest} <= ids
        # the early outlet's one report (its outlet, feed and the first English report)
        assert whole.articles[0].id in ids
        first_ja = next(a for a in whole.articles if a.lang == "ja")
        assert first_ja.id in ids
        assert [a.published_at for a in window.articles] == sorted(
            a.published_at for a in window.articles)
        loaded.append(len(window.articles))
        # what a channel sees of the whole story is unchanged
        assert got.coverage == expected.coverage
        assert "4" in got.coverage  # four outlets, the early one included
        assert got.outlets == expected.outlets
        assert got.sources == expected.sources
        assert got.headline == expected.headline
        assert got.key_points == expected.key_points
        assert got.known is not None and expected.known is not None
        assert got.known.coverage == expected.known.coverage
        assert got.known.facts == expected.known.facts
    # twice the reports, the same window: a build's memory does not grow with the story
    assert loaded[0] == loaded[1] <= RECENT_REPORTS + 4


async def test_a_welcome_for_a_long_story_counts_the_outlet_that_reported_only_early(
        app: BotApp) -> None:
    await store_story(app, 200)
    async with app.deps.sessions() as session:
        welcome = await prepare_welcome(session, "en")
    assert welcome is not None
    assert welcome.briefing.coverage == "4 outlets · ja 1 / en 3"
    assert "Early Wire" in welcome.briefing.outlets
    assert len(welcome.story.articles) <= RECENT_REPORTS + 4
