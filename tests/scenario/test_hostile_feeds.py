"""The reproductions of issue 13 (items 2, 3 and 5), each run the way it was found: a
spelled loopback address added from chat, a DTD hidden after a second byte-order mark, an
HTML page, giant fields, 15,000 entries, slow redirect chains, /dev/zero and a FIFO as
local feeds. Each is refused or capped with a plain reason; the good feed in the same
poll is stored."""

from __future__ import annotations

import asyncio
import os
from datetime import timedelta
from pathlib import Path

import pytest
from aiohttp import web
from sqlalchemy import func, select

from bot.model import Reply, Request
from bot.news.parse import TEXT_CHARS, TITLE_CHARS
from bot.news.xmlsafe import MAX_ENTRIES
from bot.store.models import Article, Feed
from config.settings import FeedSettings
from tests.feedserver import FeedServer, Handler, item, now_utc, rss, start_feed_server
from tests.newsfix import FakeClock, news_settings, running_app

HIDDEN_DTD = ("\ufeff\ufeff<!--" + "c" * 200_000 + "-->\n"
              '<!DOCTYPE rss [<!ENTITY a "aaaaaaaaaaaaaaaaaaaa">'
              '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
              '<rss version="2.0"><channel><title>&b;</title><item>'
              "<title>Ukraine ceasefire &b;</title><link>https://x.example/h</link>"
              "</item></channel></rss>").encode()
HTML_PAGE = (b"<!DOCTYPE html><html><head><title>News</title></head><body><h1>Ukraine "
             b"ceasefire</h1><p>Read our feed.</p></body></html>")


def giant_fields(now_iso: str) -> bytes:
    """Title and text far over their caps (bench/hostile.py feeds the 4 MB ones)."""
    title = "Ukraine ceasefire talks " + "very long headline " * 16_000  # ~300 KB
    body = "<p>" + "Ukraine ceasefire negotiators met in Geneva. " * 7_000 + "</p>"
    return rss([{"title": title, "link": "https://giant.example/1", "description": body,
                 "date": now_iso}])


def many_entries(count: int) -> bytes:
    """``count`` small entries (off topic, so the cap is what is measured, not storing)."""
    return ("<rss version='2.0'><channel><title>Many</title>" + "".join(
        f"<item><title>Weather {n}</title><link>https://many.example/{n}</link></item>"
        for n in range(count)) + "</channel></rss>").encode()


def slow_hop(server: FeedServer, n: int, last: str, delay: float) -> Handler:
    async def handle(request: web.Request) -> web.StreamResponse:
        await asyncio.sleep(delay)
        target = last if n == 0 else server.url(f"/slow{n - 1}", host="feeds.test")
        return web.Response(status=302, headers={"Location": target})
    return handle


@pytest.fixture
async def server():  # type: ignore[no-untyped-def]
    fs = await start_feed_server()
    yield fs
    await fs.server.close()


async def test_spelled_loopback_addresses_added_from_chat_are_refused_unfetched(
        server: FeedServer, tmp_path: Path) -> None:
    now = now_utc()
    server.static("/x.rss", rss([item(1, when=now)]))
    port = server.server.port
    async with running_app(news_settings(tmp_path), FakeClock(now)) as app:
        for host in ("１２７.０.０.１", "①②⑦.⓪.⓪.①", "127.1", "2130706433", "0177.0.0.1",
                     "localhost.", "[::ffff:127.0.0.1]", "0x7f.0.0.1"):
            reply = await app.handle(Request(
                platform="console", command="sources", text=f"add http://{host}:{port}/x.rss",
                channel_id="c1", user_id="u1", is_dm=True))
            assert isinstance(reply, Reply) and "private or local" in reply.text, (host, reply)
        await app.poll([], include_user_feeds=True, force=True)
        async with app.deps.sessions() as session:
            assert await session.scalar(select(func.count()).select_from(Feed)) == 0
    assert server.hits["/x.rss"] == 0


@pytest.mark.parametrize("later", [timedelta(days=1), timedelta(weeks=1), timedelta(days=365)])
async def test_hostile_feeds_are_refused_or_capped_and_good_ones_stored(
        server: FeedServer, tmp_path: Path, later: timedelta) -> None:
    now = now_utc() + later
    good = server.static("/good.rss", rss([item(1, when=now)]))
    hidden = server.static("/hidden.rss", HIDDEN_DTD)
    html = server.static("/page.html", HTML_PAGE, content_type="text/html")
    giant = server.static("/giant.rss", giant_fields(now.isoformat()))
    many = server.static("/many.rss", many_entries(15_000))
    async with running_app(news_settings(tmp_path), FakeClock(now)) as app:
        report = await app.poll([FeedSettings(url=u)
                                  for u in (good, hidden, html, giant, many)], force=True)
        async with app.deps.sessions() as session:
            titles = dict((await session.execute(select(Article.url, Article.title))).tuples()
                          .all())
            texts = dict((await session.execute(select(Article.url, Article.text))).tuples()
                         .all())
    errors = {e["feed"]: e["error"] for e in report.errors}
    assert errors[hidden] == "the feed declares a DTD or entities, which is refused for safety"
    assert errors[html].startswith("not a feed: this is an HTML page")
    assert set(errors) == {hidden, html}
    outcomes = {o.url: o for o in report.outcomes}
    assert outcomes[many].fetched == MAX_ENTRIES and outcomes[many].off_topic == MAX_ENTRIES
    assert outcomes[good].new == 1 and "https://news.example/story/1" in titles
    giant_title = titles["https://giant.example/1"]
    assert len(giant_title) == TITLE_CHARS and giant_title.endswith("…")
    assert len(texts["https://giant.example/1"]) == TEXT_CHARS


async def test_one_deadline_covers_a_whole_redirect_chain(server: FeedServer,
                                                          tmp_path: Path) -> None:
    """Six hops of 0.3 s each: every hop is well within the 1 s timeout, the chain is not."""
    now = now_utc()
    final = server.static("/final.rss", rss([item(1, when=now)]))
    for n in range(6):
        server.route(f"/slow{n}", slow_hop(server, n, final, 0.3))
    start = server.url("/slow5", host="feeds.test")
    settings = news_settings(tmp_path, max_redirects=8)
    async with running_app(settings, FakeClock(now)) as app:
        reply = await app.handle(Request(platform="console", command="sources",
                                         text=f"add {start}", channel_id="c1",
                                         user_id="u1", can_manage=True))
        assert isinstance(reply, Reply) and reply.text.startswith("✅ Added")
        report = await app.poll([], include_user_feeds=True, force=True)
    assert report.errors == [{"feed": start, "error": "no complete answer within 1 s"}]
    assert server.hits["/final.rss"] == 0
    assert sum(server.hits[f"/slow{n}"] for n in range(6)) < 6


async def test_local_feeds_must_be_regular_files(tmp_path: Path) -> None:
    fifo = tmp_path / "feed.fifo"
    os.mkfifo(fifo)
    big = tmp_path / "big.xml"
    big.write_bytes(b"<rss>" + b" " * 2048 + b"</rss>")
    async with running_app(news_settings(tmp_path, max_bytes=1024),
                           FakeClock(now_utc())) as app:
        report = await app.poll([FeedSettings(url=u) for u in (
            "/dev/zero", str(fifo), str(big), "ftp://x", str(tmp_path / "missing.xml"))],
            force=True)
    errors = {e["feed"]: e["error"] for e in report.errors}
    assert errors["/dev/zero"].startswith("not a regular file")
    assert errors[str(fifo)].startswith("not a regular file")
    assert errors[str(big)] == "the file is larger than the 1 KB limit"
    assert errors["ftp://x"].startswith("unsupported scheme 'ftp'")
    assert errors[str(tmp_path / "missing.xml")] == "no such file"
