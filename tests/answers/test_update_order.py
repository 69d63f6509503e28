"""A revision reaches the answer index whatever its feed's date: made-up reports served as
RSS over a loopback server, stored by the real pipeline, asked through the app's engine.

The index re-reads texts by when they were stored (``articles.changed_at``), not by the
revision's own date: feed B's revision dated 11:00, stored after feed A's revision dated
12:00 was indexed, was never indexed while the watermark was the feeds' dates."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.answer.extractive import answer_question
from bot.app import BotApp
from bot.model import Answer
from config.settings import FeedSettings
from tests.feedserver import Feeds, rss, start_feed_server
from tests.newsfix import FakeClock, news_settings, running_app

#: The reports' day: originals at 09:00, A's revision at 12:00, B's at 11:00.
DAY = datetime(2025, 6, 3, tzinfo=UTC)
#: The app's clock runs this long after the reports: a day, a year, two years.
LATER = [timedelta(days=1), timedelta(days=365), timedelta(days=730)]
A_LINK, B_LINK = "https://harbor.example/energy", "https://meridian.example/talks"
A_ORIGINAL = ("Ukraine and Russia sent delegations to Geneva for ceasefire talks on energy "
              "sites. Officials said the talks would continue on Wednesday.")
A_REVISED = ("Ukraine and Russia agreed in Geneva to a 30-day pause in strikes on energy "
             "sites, officials said after the ceasefire talks ended.")
B_ORIGINAL = ("Negotiators from Ukraine and Russia discussed grain shipping in the Black Sea "
              "during ceasefire talks, officials said.")
B_REVISED = ("Russia rejected the Istanbul prisoner proposal in a note delivered by envoy "
             "Quorvath Melindar, Ukrainian officials said during the ceasefire talks.")
QUESTION = "Who delivered the note rejecting the Istanbul prisoner proposal?"


class Reports(Feeds):
    """The two feeds' documents: one report each, replaced between polls."""

    def serve(self, path: str, title: str, link: str, text: str, hour: int) -> None:
        self.docs[path] = rss([{"title": title, "link": link, "guid": link,
                                "description": text,
                                "date": (DAY + timedelta(hours=hour)).isoformat()}])


@pytest.fixture
async def served():  # type: ignore[no-untyped-def]
    fs = await start_feed_server()
    feeds = Reports()
    urls = [fs.route(path, feeds.handler(path)) for path in ("/a.rss", "/b.rss")]
    feeds.serve("/a.rss", "Ceasefire talks on energy sites open in Geneva", A_LINK,
                A_ORIGINAL, 9)
    feeds.serve("/b.rss", "Ceasefire talks turn to Black Sea grain", B_LINK, B_ORIGINAL, 9)
    yield feeds, [FeedSettings(url=u) for u in urls]
    await fs.server.close()


async def refresh(app: BotApp) -> int:
    """Index what the store holds now (not waiting out the engine's check interval)."""
    async with app.deps.sessions() as session:
        return await app.deps.engine.refresh(session, force=True)


async def ask(app: BotApp, question: str) -> Answer:
    async with app.deps.sessions() as session:
        return await answer_question(session, question, lang="en", now=app.clock.now(),
                                     engine=app.deps.engine, zone=UTC)


async def store_a_then_index(app: BotApp, feeds: Reports, specs: list[FeedSettings],
                             clock: FakeClock) -> None:
    """Both originals stored and indexed, then A's 12:00 revision stored and indexed."""
    first = await app.poll(specs, force=True)
    assert first.new == 2
    assert await refresh(app) == 2
    clock.advance(timedelta(minutes=30))
    feeds.serve("/a.rss", "Update: 30-day pause on energy strikes agreed", A_LINK,
                A_REVISED, 12)
    await app.poll(specs, force=True)
    assert await refresh(app) == 1


@pytest.mark.parametrize("later", LATER, ids=["day", "year", "two-years"])
async def test_a_revision_dated_before_one_already_indexed_is_indexed(
        served, tmp_path: Path, later: timedelta) -> None:  # type: ignore[no-untyped-def]
    feeds, specs = served
    clock = FakeClock(DAY + later)
    async with running_app(news_settings(tmp_path), clock) as app:
        await store_a_then_index(app, feeds, specs, clock)
        clock.advance(timedelta(minutes=30))
        feeds.serve("/b.rss", "Update: Russia rejects Istanbul prisoner proposal", B_LINK,
                    B_REVISED, 11)
        report = await app.poll(specs, force=True)
        assert report.outcomes[1].updated == 1 or report.outcomes[0].updated == 1
        assert await refresh(app) == 1
        assert await refresh(app) == 0  # nothing changed: nothing indexed again
        answer = await ask(app, QUESTION)
    assert answer.answerable
    assert "Quorvath" in answer.text
    assert B_LINK in {c.url for c in answer.citations}


@pytest.mark.parametrize("later", LATER, ids=["day", "year", "two-years"])
async def test_a_restart_picks_up_a_revision_stored_while_it_was_down(
        served, tmp_path: Path, later: timedelta) -> None:  # type: ignore[no-untyped-def]
    feeds, specs = served
    clock = FakeClock(DAY + later)
    settings = news_settings(tmp_path)
    async with running_app(settings, clock) as app:
        await store_a_then_index(app, feeds, specs, clock)
        assert app.deps.engine.saved is not None
        assert (app.deps.engine.saved.path / "manifest.json").exists()
    # Down: another process stores B's revision, dated before A's.
    clock.advance(timedelta(hours=2))
    feeds.serve("/b.rss", "Update: Russia rejects Istanbul prisoner proposal", B_LINK,
                B_REVISED, 11)
    async with running_app(settings, clock) as poller:
        await poller.poll(specs, force=True)
    async with running_app(settings, clock) as app:
        # The saved index is loaded (only B's revision is indexed, not the whole store).
        assert await refresh(app) == 1
        assert await refresh(app) == 0
        answer = await ask(app, QUESTION)
    assert answer.answerable and "Quorvath" in answer.text
