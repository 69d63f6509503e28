"""A channel manager adds a feed from chat; the SSRF guard decides what it may reach.

The guarded session resolves names through an injected table (no real DNS): feeds.test is
allow-listed and lives on 127.0.0.1; evil.test resolves to 10.0.0.7 and must never be
connected to.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.model import Reply, Request
from bot.news.pipeline import ingest
from bot.store.models import Article, Feed
from tests.feedserver import item, now_utc, redirect, rss, start_feed_server
from tests.newsfix import FakeClock, news_settings, running_app


@pytest.fixture
async def server():  # type: ignore[no-untyped-def]
    fs = await start_feed_server()
    yield fs
    await fs.server.close()


def manager(text: str) -> Request:
    return Request(platform="console", command="sources", text=text, channel_id="c1",
                   user_id="u1", can_manage=True)


async def test_user_added_feeds_are_guarded_on_every_hop(server, tmp_path: Path) -> None:
    now = now_utc()
    server.static("/ok.rss", rss([item(1, when=now)]))
    server.route("/to-loopback.rss", redirect(server.url("/ok.rss")))
    server.route("/to-private-name.rss", redirect(server.url("/ok.rss", host="evil.test")))
    ok = server.url("/ok.rss", host="feeds.test")
    to_loopback = server.url("/to-loopback.rss", host="feeds.test")
    to_private = server.url("/to-private-name.rss", host="feeds.test")
    async with running_app(news_settings(tmp_path), FakeClock(now)) as app:
        for url in (ok, to_loopback, to_private):
            reply = await app.handle(manager(f"add {url}"))
            assert isinstance(reply, Reply) and reply.text.startswith("✅ Added"), reply
        report = await ingest(app.ingest_inputs, [], include_user_feeds=True)
        errors = {e["feed"]: e["error"] for e in report.errors}
        assert "127.0.0.1 is a private or local address" in errors[to_loopback]
        assert "evil.test resolves to a private or local address" in errors[to_private]
        assert ok not in errors
        async with app.deps.sessions() as session:
            stored = await session.scalar(select(func.count()).select_from(Article))
            feed = await session.scalar(select(Feed).where(Feed.url == ok))
        assert stored == 1 and feed is not None and feed.user_added
        listing = await app.handle(manager(""))
        assert isinstance(listing, Reply)
        assert "added in chat)" in listing.text and "private or local" in listing.text
    # The loopback redirect target was only ever reached through the allowed name.
    assert server.hits["/ok.rss"] == 1


async def test_adding_a_feed_refuses_bad_addresses_and_non_managers(tmp_path: Path) -> None:
    async with running_app(news_settings(tmp_path), FakeClock(now_utc())) as app:
        for text, reason in [
            ("add file:///etc/passwd", "only http:// and https://"),
            ("add http://127.0.0.1:8080/feed", "private or local"),
            ("add http://[::1]/feed", "private or local"),
            ("add http://169.254.169.254/latest", "private or local"),
            ("add", "Give the feed's address"),
        ]:
            reply = await app.handle(manager(text))
            assert isinstance(reply, Reply) and reason in reply.text, (text, reply)
        reply = await app.handle(Request(platform="console", command="sources",
                                         text="add https://example.com/rss", channel_id="c1"))
        assert isinstance(reply, Reply) and "Only channel managers" in reply.text
        async with app.deps.sessions() as session:
            assert await session.scalar(select(func.count()).select_from(Feed)) == 0
