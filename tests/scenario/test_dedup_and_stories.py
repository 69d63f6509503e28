"""Dedup and stories through real polls of a loopback server: a syndicated copy, an updated
report, the same event in Japanese and English, first-run backlog and old entries."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.store.models import Article, Story
from config.settings import FeedSettings
from tests.feedserver import Feeds, now_utc, rss, start_feed_server
from tests.newsfix import FakeClock, news_settings, running_app

ORIGINAL = ("Russia and Ukraine agreed in Istanbul on Friday to exchange 1,200 prisoners of "
            "war each, the largest swap since the ceasefire talks began. Turkish officials "
            "said the exchange would take place over three days and that a fourth round of "
            "talks could follow in August. Neither side reported progress on a ceasefire.")
COPY = ORIGINAL.replace("on Friday", "late on Friday").replace(
    "Turkish officials said", "Officials in Ankara said") + " (Harbor Wire)"
UPDATED = ("Russia and Ukraine completed the exchange of 1,200 prisoners of war agreed in "
           "Istanbul, officials said on Monday. Buses carried the released soldiers across "
           "the border in three groups, and relatives gathered in Chernihiv. Neither side "
           "reported progress on a ceasefire, and no date is set for a fourth round.")
JA = ("ロシアとウクライナは23日、トルコのイスタンブールで直接協議を行い、捕虜1200人ずつを"
      "交換することで合意した。停戦については進展がなかった。")


@pytest.fixture
async def served():  # type: ignore[no-untyped-def]
    fs = await start_feed_server()
    feeds = Feeds()
    urls = {name: fs.route(f"/{name}.rss", feeds.handler(f"/{name}.rss"))
            for name in ("harbor", "meridian", "kyokai")}
    yield feeds, urls
    await fs.server.close()


def doc(*items: tuple[str, str, str, object], lang: str = "en") -> bytes:
    return rss([{"title": t, "link": link, "guid": link, "description": body,
                 "date": when.isoformat()}  # type: ignore[attr-defined]
                for t, link, body, when in items], lang=lang)


async def test_copy_update_and_languages_make_one_story(served, tmp_path: Path) -> None:
    feeds, urls = served
    now = now_utc()
    clock = FakeClock(now)
    day = now - timedelta(hours=6)
    feeds.docs["/harbor.rss"] = doc(("Russia and Ukraine agree 1,200-for-1,200 prisoner swap",
                                     "https://harbor.example/swap", ORIGINAL, day))
    feeds.docs["/meridian.rss"] = doc(("Russia, Ukraine agree 1,200-for-1,200 prisoner swap",
                                       "https://meridian.example/swap-hw?utm_source=rss",
                                       COPY, day + timedelta(minutes=40)))
    feeds.docs["/kyokai.rss"] = doc(("ロシアとウクライナ、捕虜1200人ずつの交換で合意",
                                     "https://kyokai.example/swap", JA,
                                     day + timedelta(hours=1)), lang="ja")
    specs = [FeedSettings(url=u) for u in urls.values()]
    async with running_app(news_settings(tmp_path), clock) as app:
        first = await app.poll(specs, force=True)
        # First run of each feed: stored, grouped, but nothing is posted.
        assert first.new == 2 and first.duplicates == 1 and not first.newsworthy
        # Next poll: the same guid comes back with revised text, a day later.
        clock.advance(timedelta(days=1))
        feeds.docs["/harbor.rss"] = doc(("Update: Russia and Ukraine complete prisoner swap",
                                         "https://harbor.example/swap", UPDATED,
                                         day + timedelta(days=1)))
        second = await app.poll(specs, force=True)
        assert second.new == 0 and len(second.newsworthy) == 1
        async with app.deps.sessions() as session:
            stories = (await session.scalars(select(Story))).all()
            articles = (await session.scalars(select(Article).order_by(Article.id))).all()
        assert len(stories) == 1 and stories[0].revision >= 2 and stories[0].newsworthy
        assert {a.lang for a in articles} == {"en", "ja"}
        harbor = next(a for a in articles if a.url == "https://harbor.example/swap")
        assert harbor.update_count == 1 and harbor.text == UPDATED
        assert harbor.previous_text == ORIGINAL
        assert harbor.title.startswith("Update:")
        assert all(a.story_id == stories[0].id for a in articles)
        # A third poll changes nothing: the update is remembered, not re-applied.
        third = await app.poll(specs, force=True)
        assert third.new == 0 and not third.newsworthy


async def test_new_entries_after_first_run_are_posted_unless_old(served,
                                                                 tmp_path: Path) -> None:
    feeds, urls = served
    now = now_utc()
    clock = FakeClock(now)
    feeds.docs["/harbor.rss"] = doc(("Ceasefire talks on Ukraine resume in Riyadh",
                                     "https://harbor.example/a", ORIGINAL.replace(
                                         "Istanbul", "Riyadh"), now - timedelta(days=40)))
    spec = [FeedSettings(url=urls["harbor"])]
    async with running_app(news_settings(tmp_path), clock) as app:
        assert not (await app.poll(spec, force=True)).newsworthy
        clock.advance(timedelta(hours=1))
        feeds.docs["/harbor.rss"] = doc(
            ("Easter truce in Ukraine declared by Putin, ceasefire talks stall",
             "https://harbor.example/b", "Putin declared a 30-hour Easter truce in Ukraine. "
             "Kyiv said Russian shelling continued during the ceasefire.", now),
            ("Archive: Jeddah ceasefire proposal accepted by Ukraine",
             "https://harbor.example/c", "Ukraine accepted a 30-day ceasefire proposal in "
             "Jeddah, Saudi Arabia, and US aid resumed.", now - timedelta(days=10)))
        report = await app.poll(spec, force=True)
        assert report.new == 2 and len(report.newsworthy) == 1
        async with app.deps.sessions() as session:
            posted = await session.scalar(select(Story).where(Story.newsworthy))
        assert posted is not None and posted.headline.startswith("Easter truce")


async def test_update_and_original_listed_together_at_one_time(served, tmp_path: Path) -> None:
    """A feed that lists a report's update beside its original, both stamped alike: the
    update is applied once and the original, still listed, does not win back."""
    feeds, urls = served
    now = now_utc()
    clock = FakeClock(now)
    day = now - timedelta(hours=6)
    link = "https://harbor.example/swap"
    feeds.docs["/harbor.rss"] = doc(("Russia and Ukraine agree prisoner swap", link,
                                     ORIGINAL, day))
    specs = [FeedSettings(url=urls["harbor"])]
    async with running_app(news_settings(tmp_path), clock) as app:
        await app.poll(specs, force=True)
        clock.advance(timedelta(hours=1))
        feeds.docs["/harbor.rss"] = doc(("Update: prisoner swap completed", link, UPDATED, day),
                                        ("Russia and Ukraine agree prisoner swap", link,
                                         ORIGINAL, day))
        second = await app.poll(specs, force=True)
        third = await app.poll(specs, force=True)
        async with app.deps.sessions() as session:
            articles = (await session.scalars(select(Article))).all()
    assert second.new == 0 and third.new == 0
    assert len(articles) == 1
    assert articles[0].text == UPDATED and articles[0].update_count == 1
