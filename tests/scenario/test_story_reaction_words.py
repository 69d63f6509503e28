"""A later report that repeats an event's words continues its story, through real polls of a
loopback server (``bot.news.stories.StoryIndex.lexical``).

The Kremlin's confirmation a day after the request names neither leader nor the city: its
features (names, figures, days) share nothing with the request's, so it used to start a
story of its own. Its words ("stop firing at", "power stations", "for a week", "cold snap")
are the request's, and it is in the request's language within a day and a half: one story.
A report of the same day on something else (a port reopening) stays apart.

Every person and place is made up. The ingest clock runs a day, a week and a year after.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.news import stories
from bot.store.models import Article
from config.settings import FeedSettings
from tests.feedserver import FeedServer, rss, start_feed_server
from tests.newsfix import FakeClock, news_settings, running_app

DAY = datetime(2025, 11, 18, 8, 0, tzinfo=UTC)
NOWS = [DAY + timedelta(days=d) for d in (2, 7, 365)]
BACKGROUND = [
    ("phone", "Dravik and Putin speak by phone on Ukraine talks",
     "Dravik and Putin spoke by phone about the talks on Ukraine and agreed their envoys "
     "would meet."),
    ("palace", "Putin hosts Dravik's envoy for talks on Ukraine",
     "Putin received Dravik's envoy in Moscow for three hours of talks on Ukraine."),
    ("tariffs", "Dravik threatens tariffs on Russian oil unless talks move",
     "Dravik said he would put tariffs on buyers of Russian oil unless the talks on "
     "Ukraine move soon."),
    ("basis", "Putin says Dravik's plan is a basis for talks",
     "Putin told reporters that Dravik's peace plan for Ukraine could be a basis for "
     "talks."),
    ("geneva", "Envoys meet in Geneva on a ceasefire",
     "Envoys of Russia and Ukraine met in Geneva on Friday to discuss a ceasefire."),
    ("swap", "Prisoner exchange completed",
     "Russia and Ukraine each freed 300 prisoners of war in a prisoner exchange on "
     "Thursday."),
    ("refinery", "Drone attack on a Russian refinery as talks stall",
     "Ukrainian drones struck an oil refinery in Russia overnight as the talks stalled, "
     "officials said."),
    ("corridor", "Talks on a Black Sea grain corridor for Ukraine stall",
     "Talks on reopening the grain corridor from Ukraine stalled as both sides traded "
     "blame, diplomats said."),
]
#: Weeks of earlier coverage (``LEXICAL_CORPUS``: a word's rarity needs a corpus): in
#: it "talks", "Ukraine" and "Putin" are common, as in a real store.
TOWNS = ("Velbrask", "Ornitsa", "Kharmel", "Zavody", "Lutsevo", "Brinsk", "Tomarka",
         "Selvyn", "Darovets", "Kupriany", "Mostyn", "Holvar")
EARLIER = [
    ("strike", "{town} counts damage as talks on Ukraine stall",
     "Russian missiles hit {town} overnight."),
    ("aid", "Aid reaches {town} as Ukraine talks drag on",
     "An aid convoy reached {town} with food."),
    ("school", "{town} schools reopen while talks with Russia go on",
     "Schools in {town} reopened this week."),
    ("mayor", "Mayor of {town} urges Putin and Kyiv to agree a ceasefire",
     "The mayor of {town} urged a ceasefire."),
]
#: Details of each report's own, so that reports of one pattern are no near-duplicates.
DETAILS = ("A bakery and two shops lost their windows.",
           "Volunteers handed out blankets at the railway station.",
           "The river bridge stayed closed to lorries for a second week.",
           "Heating came back to most flats by the evening.",
           "A field hospital moved into the old sports hall.",
           "Farmers said the harvest was half of last year's.",
           "The local choir gave a concert for displaced families.",
           "Buses ran again on the route to the regional centre.",
           "Engineers repaired the water tower on the hill.",
           "The museum sent its paintings to a safer city.",
           "Fishermen were allowed back onto the lake.",
           "A new shelter opened under the town library.")
MORE = ("Prices of bread rose again at the market.", "Two ambulances arrived from abroad.",
        "The power plant ran at half its capacity.", "Students sat their exams in a basement.",
        "A ferry crossed the estuary for the first time in weeks.",
        "Doctors warned of a shortage of insulin.", "The football season was put off.",
        "Pensioners queued at the post office all morning.",
        "A church roof was patched with tarpaulin.", "The airport stayed shut to flights.",
        "Miners went back down the pit after a week.", "Streetlights were switched off at ten.")
REQUEST = ("Dravik asks Putin to spare Kyiv's grid through the cold snap",
           "President Dravik said on Tuesday that, as the peace talks go on, he had personally "
           "asked Putin to stop firing at Kyiv and its power stations for a week while the "
           "cold snap lasts, and that Putin agreed.")
PORT = ("Port of Odesa reopens to grain ships despite stalled talks",
        "The Ukrainian port of Odesa reopened to grain ships after divers cleared the harbour "
        "mouth, the port authority said, though talks with Russia remain stalled.")
CONFIRMED = ("Pause on strikes at the capital's power stations confirmed for the cold snap",
             "The Kremlin confirmed that the president had been asked to stop firing at the "
             "Ukrainian capital and its power stations for a week while the cold snap lasts, "
             "and said the pause would hold until Sunday as the talks go on.")


@pytest.fixture
async def served() -> AsyncIterator[FeedServer]:
    fs = await start_feed_server()
    yield fs
    await fs.server.close()


def item(slug: str, title: str, body: str, when: datetime) -> dict[str, str]:
    link = f"https://wire.example/{slug}"
    return {"title": title, "link": link, "guid": link, "description": f"<p>{body}</p>",
            "date": when.isoformat()}


async def stories_by_slug(served: FeedServer, tmp_path: Path, now: datetime) -> list[set[str]]:
    """Poll the one feed at ``now``; the stories as sets of slugs."""
    entries = [item(slug, title, body, DAY - timedelta(days=12 - n))
               for n, (slug, title, body) in enumerate(BACKGROUND)]
    entries += [item(f"{slug}-{town.lower()}", title.format(town=town),
                     " ".join((body.format(town=town), DETAILS[(t + 5 * n) % len(DETAILS)],
                               MORE[(7 * t + n) % len(MORE)])),
                     DAY - timedelta(days=60 - 4 * t - n, hours=3))
                for t, town in enumerate(TOWNS) for n, (slug, title, body) in enumerate(EARLIER)]
    entries += [item("request", *REQUEST, DAY),
                item("port", *PORT, DAY + timedelta(hours=2)),
                item("confirmed", *CONFIRMED, DAY + timedelta(hours=26))]
    url = served.static("/wire.rss", rss(entries, lang="en"))
    async with running_app(news_settings(tmp_path), FakeClock(now)) as app:
        report = await app.poll([FeedSettings(url=url)], force=True)
        assert not report.errors
        async with app.deps.sessions() as session:
            rows = (await session.execute(select(Article.url, Article.story_id))).all()
    groups: dict[int, set[str]] = defaultdict(set)
    for link, story in rows:
        groups[story].add(link.rsplit("/", 1)[1])
    return list(groups.values())


@pytest.mark.parametrize("now", NOWS, ids=["days", "week", "year"])
async def test_a_report_repeating_the_events_words_continues_its_story(
        served: FeedServer, tmp_path: Path, now: datetime) -> None:
    groups = await stories_by_slug(served, tmp_path, now)
    assert {"request", "confirmed"} in groups
    assert {"port"} in groups


@pytest.mark.parametrize("now", NOWS[:1], ids=["days"])
async def test_without_the_words_the_confirmation_stands_alone(
        served: FeedServer, tmp_path: Path, now: datetime,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The features alone do not join it: the words are what does."""
    monkeypatch.setattr(stories, "LEXICAL", False)
    groups = await stories_by_slug(served, tmp_path, now)
    assert {"confirmed"} in groups and {"request"} in groups
