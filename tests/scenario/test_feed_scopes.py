"""Feeds added from chat belong to who added them (issue 13, item 1), driven through the
loopback platform as users would type it: a DM cannot make every server follow a feed, a
server's feed reaches only that server's channels, a burst of fresh entries becomes five
posts and one "and N more", and `sources remove` stops a feed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.news.guard import StaticResolver
from bot.store.models import Feed
from tests.feedserver import FeedServer, burst, rss
from tests.loopfix import loopback_bot
from tests.newsfix import FakeClock, news_settings


@pytest.mark.parametrize("later", [timedelta(days=1), timedelta(weeks=1), timedelta(days=365)])
async def test_chat_feeds_reach_only_their_scope_and_bursts_are_capped(
        feeds: FeedServer, tmp_path: Path, later: timedelta) -> None:
    start = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
    clock = FakeClock(start)
    settings = news_settings(tmp_path)
    url = feeds.url("/burst.rss", host="feeds.test")
    feeds.static("/burst.rss", rss(burst(start, 2, seed=1)))
    resolver = StaticResolver({"feeds.test": "127.0.0.1"})
    async with loopback_bot(settings, clock, resolver=resolver) as wired:
        chat, app = wired.chat, wired.app

        async def say(channel: str, text: str, **kw: object) -> str:
            before = len(chat.posted(channel))
            chat.type_command(channel, text, **kw)  # type: ignore[arg-type]
            await chat.wait_for(lambda: len(chat.posted(channel)) > before)
            return str(chat.posted(channel)[before]["text"])

        for channel, space in (("A1", "S-A"), ("A2", "S-A"), ("B1", "S-B")):
            assert (await say(channel, "subscribe realtime en", space=space)
                    ).startswith("✅ Subscribed")
        assert (await say("D7", "subscribe realtime en", dm=True, user="U7")
                ).startswith("✅ Subscribed")
        # An ordinary member of a server may not add a feed in its channels.
        refused = await say("A1", f"sources add {url}", space="S-A", manager=False)
        assert "Only channel managers can add feeds" in refused
        # In a DM anyone may, for their own DM only.
        added = await say("D7", f"sources add {url}", dm=True, user="U7")
        assert added.startswith("✅ Added") and "this DM" in added
        await app.sender.drain()
        seen = {c: len(chat.posted(c)) for c in ("A1", "A2", "B1", "D7")}

        await app.poll(force=True)  # the first read: its backlog is never posted
        clock.advance(later)
        fresh = burst(clock.now(), 12, seed=2)
        feeds.static("/burst.rss", rss(fresh))
        report = await app.poll(force=True)
        await app.sender.drain()
        stories = len(report.newsworthy)
        assert stories >= 8, "the burst must be more than the cap"
        for channel in ("A1", "A2", "B1"):
            assert len(chat.posted(channel)) == seen[channel], channel
        dm = chat.posted("D7")[seen["D7"]:]
        tops = [m for m in dm if m["thread"] is None]
        updates = [m for m in tops if m["text"].startswith("🕊")]
        more = [m for m in tops if "more new stories" in m["text"]]
        assert len(updates) == 5 and len(more) == 1, [m["text"][:60] for m in tops]
        assert f"…and {stories - 5} more new stories from" in more[0]["text"]

        # The same feed added by a server's manager reaches that server only.
        added = await say("A1", f"sources add {url}", space="S-A")
        assert added.startswith("✅ Added") and "this server" in added
        listing = await say("B1", "sources", space="S-B")
        assert url not in listing and "burst" not in listing.lower()
        clock.advance(timedelta(hours=1))
        feeds.static("/burst.rss", rss(burst(clock.now(), 2, seed=3) + fresh))
        await app.poll(force=True)
        await app.sender.drain()
        assert len(chat.posted("B1")) == seen["B1"] + 1  # its `sources` answer
        for channel in ("A1", "A2"):
            assert any(m["text"].startswith("🕊") for m in chat.posted(channel))

        # Removing: only from the scope that added it, and then it stops.
        async with app.deps.sessions() as session:
            feed_id = await session.scalar(select(Feed.id).where(Feed.url == url))
        gone = await say("B1", f"sources remove {feed_id}", space="S-B")
        assert "was added here" in gone
        assert (await say("A2", f"sources remove {url}", space="S-A")
                ).startswith("🗑 Removed")
        assert (await say("D7", f"sources remove #{feed_id}", dm=True, user="U7")
                ).startswith("🗑 Removed")
        hits = feeds.hits["/burst.rss"]
        await app.poll(force=True)
        assert feeds.hits["/burst.rss"] == hits  # nobody follows it: not polled


async def test_each_scope_has_a_feed_cap(feeds: FeedServer, tmp_path: Path) -> None:
    settings = news_settings(tmp_path, user_feeds_per_scope=2)
    clock = FakeClock(datetime(2026, 3, 10, tzinfo=UTC))
    async with loopback_bot(settings, clock) as wired:
        chat = wired.chat
        for n, channel, space in ((0, "A1", "S-A"), (1, "A1", "S-A"),
                                  (2, "A1", "S-A"), (2, "B1", "S-B")):
            before = len(chat.posted())
            chat.type_command(channel, f"sources add https://n{n}.example/rss",
                              space=space)
            await chat.wait_for(lambda b=before: len(chat.posted()) > b)
        texts = [m["text"] for m in chat.posted("A1")]
        assert [t.startswith("✅ Added") for t in texts] == [True, True, False]
        assert "At most 2 feeds can be added from chat here" in texts[2]
        assert chat.posted("B1")[0]["text"].startswith("✅ Added")
