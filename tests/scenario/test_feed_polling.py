"""One poll against a loopback feed server: good feeds and every way a feed can misbehave.

Each failing feed must be reported with a plain reason, store nothing, and leave the other
feeds in the same poll unaffected.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.news.pipeline import PARSE_POOL_MIN_FEEDS
from bot.store.models import Article, Delivery, Feed, Subscription
from config.settings import FeedSettings
from tests.feedserver import (
    BILLION_LAUGHS,
    EXTERNAL_ENTITY,
    INVALID_XML,
    drip,
    hang,
    huge,
    item,
    now_utc,
    redirect,
    rss,
    start_feed_server,
    status,
)
from tests.newsfix import FakeClock, news_settings, running_app


@pytest.fixture
async def server():  # type: ignore[no-untyped-def]
    fs = await start_feed_server()
    yield fs
    await fs.server.close()


async def count_articles(app, url: str) -> int:  # type: ignore[no-untyped-def]
    async with app.deps.sessions() as session:
        return int(await session.scalar(
            select(func.count()).select_from(Article).join(Feed, Article.feed_id == Feed.id)
            .where(Feed.url == url)) or 0)


async def test_one_poll_with_every_kind_of_broken_feed(server, tmp_path: Path) -> None:
    now = now_utc()
    good = server.static("/good.rss", rss([item(1, when=now - timedelta(hours=2)),
                                           item(2, when=now - timedelta(hours=1))]))
    sjis_body = rss([item(3, when=now, title="ウクライナ停戦協議、ジュネーブで再開",
                          description="ロシアとウクライナの停戦協議が再開された。")],
                    lang="ja", encoding="shift_jis")
    wrong_charset = server.static("/sjis-labelled-latin1.rss", sjis_body,
                                  content_type="application/rss+xml; charset=iso-8859-1")
    missing = server.static("/sjis-no-charset.rss", rss(
        [item(4, when=now, title="ロシアとウクライナ、停戦で合意できず",
              description="停戦交渉は続く。")], lang="ja", encoding="shift_jis",
        decl=False), content_type="application/rss+xml")
    broken = {
        server.route("/500.rss", status(500)): "HTTP 500",
        server.route("/hang.rss", hang()): "no complete answer within 1 s",
        server.route("/drip.rss", drip()): "no complete answer within 1 s",
        server.route("/huge.rss", huge()): "larger than the 5120 KB limit",
        server.static("/invalid.rss", INVALID_XML): "not a readable RSS/Atom feed",
        server.static("/laughs.rss", BILLION_LAUGHS): "refused for safety",
        server.static("/xxe.rss", EXTERNAL_ENTITY): "refused for safety",
        server.route("/loop-a.rss", redirect("/loop-b.rss")): "redirects in a loop",
    }
    server.route("/loop-b.rss", redirect("/loop-a.rss"))
    urls = [good, wrong_charset, missing, *broken]
    async with running_app(news_settings(tmp_path), FakeClock(now)) as app:
        report = await app.poll([FeedSettings(url=u) for u in urls], force=True)
        errors = {e["feed"]: e["error"] for e in report.errors}
        for url, reason in broken.items():
            assert reason in errors[url], (url, errors.get(url))
            assert await count_articles(app, url) == 0
        assert good not in errors and wrong_charset not in errors and missing not in errors
        assert await count_articles(app, good) == 2
        async with app.deps.sessions() as session:
            titles = set((await session.scalars(select(Article.title))).all())
            feed = await session.scalar(select(Feed).where(Feed.url == server.url(
                "/500.rss")))
        assert "ウクライナ停戦協議、ジュネーブで再開" in titles
        assert "ロシアとウクライナ、停戦で合意できず" in titles
        assert feed is not None and feed.last_error and "HTTP 500" in feed.last_error
        assert feed.consecutive_failures == 1 and feed.next_poll_at is not None
        assert report.as_json()["new"] == 4
        assert not report.all_failed
    ua = server.headers["/good.rss"][0]["User-Agent"]
    assert "ceasefire-bot" in ua and "+https://" in ua


async def test_conditional_get_costs_no_parsing_and_url_fetched_once(server,
                                                                    tmp_path: Path) -> None:
    now = now_utc()
    url = server.static("/etag.rss", rss([item(1, when=now)]), etag='"v1"', gzip_body=True)
    async with running_app(news_settings(tmp_path), FakeClock(now)) as app:
        # The same URL followed twice (config and command line) is fetched once.
        first = await app.poll([FeedSettings(url=url), FeedSettings(url=url, name="dup")],
                               force=True)
        assert server.hits["/etag.rss"] == 1 and first.new == 1
        second = await app.poll([FeedSettings(url=url)], force=True)
    assert server.headers["/etag.rss"][1]["If-None-Match"] == '"v1"'
    assert second.outcomes[0].not_modified and second.fetched == 0 and second.new == 0


async def test_failures_back_off_then_pause_and_tell_channels_once(server,
                                                                  tmp_path: Path) -> None:
    now = now_utc()
    clock = FakeClock(now)
    bad = server.route("/down.rss", status(503, {"Retry-After": "7200"}))
    good = server.static("/up.rss", rss([item(1, when=now)]))
    settings = news_settings(tmp_path, failures_before_pause=3)
    async with running_app(settings, clock) as app:
        async with app.deps.sessions() as session, session.begin():
            session.add(Subscription(platform="console", channel_id="c1", realtime=True,
                                     lang="en", timezone="UTC", since=now, created_at=now))
        feeds = [FeedSettings(url=bad), FeedSettings(url=good)]
        await app.poll(feeds, force=True)
        async with app.deps.sessions() as session:
            feed = await session.scalar(select(Feed).where(Feed.url == bad))
        assert feed is not None
        assert feed.next_poll_at is not None and feed.next_poll_at >= now + timedelta(hours=2)
        # A scheduled (not forced) poll leaves the feed alone until it is due.
        clock.advance(timedelta(minutes=10))
        report = await app.poll(feeds)
        assert server.hits["/down.rss"] == 1
        assert [o.url for o in report.outcomes if o.skipped] == [bad, good]
        for _ in range(3):
            clock.advance(timedelta(hours=3))
            await app.poll(feeds, force=True)
        async with app.deps.sessions() as session:
            feed = await session.scalar(select(Feed).where(Feed.url == bad))
            notices = (await session.scalars(select(Delivery.payload).where(
                Delivery.key.like("feed-paused:%")))).all()
            up = await session.scalar(select(Feed).where(Feed.url == good))
        assert feed is not None and feed.paused and feed.consecutive_failures == 4
        assert len(notices) == 1
        assert "paused" in notices[0] and "503" in notices[0] and bad in notices[0]
        assert up is not None and not up.paused and up.last_error is None
        # A paused feed is skipped by scheduled polls, but tried again a day later.
        clock.advance(timedelta(hours=6))
        hits = server.hits["/down.rss"]
        await app.poll(feeds)
        assert server.hits["/down.rss"] == hits
        clock.advance(timedelta(hours=19))
        await app.poll(feeds)
        assert server.hits["/down.rss"] == hits + 1


async def test_full_text_is_extracted_from_the_article_page_when_asked(server,
                                                                      tmp_path: Path) -> None:
    now = now_utc()
    body = " ".join(f"Negotiators from Ukraine and Russia discussed point {i} of the "
                    "ceasefire plan in detail, officials said." for i in range(12))
    page = (f"<html><head><title>Talks</title></head><body><nav>Home | World</nav>"
            f"<article><h1>Ceasefire talks</h1><p>{body}</p></article>"
            "<footer>© Loopback</footer></body></html>").encode()
    server.static("/article/1", page, content_type="text/html; charset=utf-8")
    server.static("/article/2", page, content_type="text/html; charset=utf-8")
    # Article links come from the feed's content: guarded even for an operator's feed, so
    # only the allow-listed name reaches the loopback server, a loopback address does not.
    teaser = item(1, when=now, link=server.url("/article/1", host="feeds.test"),
                  description="Ukraine ceasefire talks resume.")
    inward = item(2, when=now, link=server.url("/article/2"),
                  description="Ukraine ceasefire talks resume again.")
    url = server.static("/teaser.rss", rss([teaser, inward]))
    async with running_app(news_settings(tmp_path), FakeClock(now)) as app:
        report = await app.poll([FeedSettings(url=url, full_text=True)], force=True)
        async with app.deps.sessions() as session:
            texts = dict((await session.execute(select(Article.url, Article.text))).tuples().all())
    assert report.new == 2
    text = texts[server.url("/article/1", host="feeds.test")]
    assert "point 11 of the ceasefire plan" in text and "Home | World" not in text
    assert texts[server.url("/article/2")] == "Ukraine ceasefire talks resume again."
    assert server.hits["/article/1"] == 1 and server.hits["/article/2"] == 0


async def test_a_big_poll_parses_in_worker_processes(server, tmp_path: Path) -> None:
    now = now_utc()
    urls = [server.static(f"/many{i}.rss", rss([item(i, when=now - timedelta(minutes=i))]))
            for i in range(PARSE_POOL_MIN_FEEDS)]
    broken = server.static("/many-broken.rss", BILLION_LAUGHS)
    async with running_app(news_settings(tmp_path), FakeClock(now)) as app:
        report = await app.poll([FeedSettings(url=u) for u in [*urls, broken]], force=True)
    assert report.fetched == PARSE_POOL_MIN_FEEDS
    assert report.errors == [{"feed": broken, "error": (
        "the feed declares a DTD or entities, which is refused for safety")}]
