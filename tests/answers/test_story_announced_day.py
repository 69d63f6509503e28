"""Talks announced days ahead and then held are one story (``bot/news/stories.py``:
``StoryState.announced``, ``days_ahead``, ``AHEAD``).

A report is decayed by how far it lies from its story's first report. An announcement
("talks in Lugano on the 17th and 18th", four and a half days before) and the talks
themselves used to be two stories: the first report of the talks resembles the
announcement, but lies too far from it. A story whose every report names a day ahead is
about that day: a report naming it, or any report once the story holds one of that day,
is decayed from that day instead. A day-after report naming the next meeting does not
make its story about that meeting when the story's other reports do not name it.

Reports written for this test (our own words, invented talks in Lugano), served as RSS
from 127.0.0.1 and ingested by the bot's pipeline; asked as ``ceasefire-bot ask`` asks,
at a week, a year and two years after the reports (the grouping is what this test holds;
the answer is the same either way).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.answer.engine import Engine
from tests.answers.support import (
    CLOCKS,
    answers_or_refuses,
    ask_store,
    assert_one_story_of_its_own,
    made_up_store,
    other_talks,
    story_of,
)
from tests.answers.support import made_up_report as report

TALKS = datetime(2025, 11, 17, 8, tzinfo=UTC)

ANNOUNCEMENT = report(
    "announced-ja", "ja", "朝夕新聞",
    "ウクライナ和平の3者協議、来週ルガーノで　ロシア側はソコロフ氏",
    "米国、ロシア、ウクライナの3者協議が17日と18日にスイスのルガーノで開かれる。"
    "ロシア代表団はソコロフ氏、ウクライナ側はブロフコ氏が率いる。",
    TALKS - timedelta(days=4, hours=10))

HELD = (
    report("open-en", "en", "Harbour Wire", "Trilateral talks open in Lugano",
           "Envoys of the United States, Russia and Ukraine opened talks in Lugano on "
           "17 November, with Russia's delegation led by Sokolov and Ukraine's by Brovko.",
           TALKS + timedelta(hours=2)),
    report("first-day-en", "en", "Meridian Daily", "Lugano talks end their first day",
           "Russia's envoy Sokolov said the first day of the Lugano peace talks with "
           "Ukraine's delegation under Brovko was difficult; the envoys meet again on "
           "18 November.", TALKS + timedelta(hours=9)),
    report("first-day-ja", "ja", "北浜日報", "ルガーノ和平協議、初日終了　ソコロフ氏「困難」",
           "スイスのルガーノで17日に始まったウクライナ和平の3者協議の初日が終わった。ソコロフ氏は協議を"
           "「困難だった」と述べた。ブロフコ氏は18日も続くとした。",
           TALKS + timedelta(hours=15)),
    report("close-en", "en", "Baltic Ledger", "Lugano talks close without a deal",
           "The Lugano peace talks between Russia and Ukraine closed on their second day "
           "without a deal; Sokolov and Brovko agreed to keep talking.",
           TALKS + timedelta(days=1, hours=8)),
)

#: A meeting whose day-after report names the next one, in Lugano on the 17th: its other
#: reports do not, so the story is not about the 17th and the Lugano talks stay apart.
EARLIER = datetime(2025, 11, 12, 8, tzinfo=UTC)
MEETING = (
    report("meeting-en", "en", "Steppe Times", "Sokolov and Brovko meet in Vienna",
           "Russia's envoy Sokolov and Ukraine's Brovko met in Vienna on 12 November to "
           "prepare a trilateral round of peace talks.",
           EARLIER),
    report("meeting2-en", "en", "Northern Courier", "Vienna meeting prepares new round",
           "In Vienna, Russia's Sokolov and Ukraine's Brovko agreed on an agenda for "
           "trilateral peace talks.",
           EARLIER + timedelta(hours=3)),
    report("after-en", "en", "Eastern Gazette", "After Vienna, envoys head for Lugano",
           "A day after meeting Ukraine's Brovko in Vienna, Russia's envoy Sokolov said the "
           "trilateral peace talks would open in Lugano on 17 November.",
           EARLIER + timedelta(days=1)),
)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return made_up_store((*other_talks(TALKS - timedelta(days=5)), ANNOUNCEMENT, *HELD),
                         tmp_path_factory.mktemp("announced_day"))


@pytest.fixture(scope="module")
def sibling_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return made_up_store((*other_talks(EARLIER), *MEETING, *HELD),
                         tmp_path_factory.mktemp("announced_sibling"))


def test_the_announcement_and_the_talks_it_announced_are_one_story(store: Path) -> None:
    assert_one_story_of_its_own(store, (ANNOUNCEMENT, *HELD))


def test_a_day_after_report_naming_the_next_talks_does_not_draw_them_in(
        sibling_store: Path) -> None:
    stories = story_of(sibling_store)
    assert {stories[r.guid] for r in MEETING}.isdisjoint(stories[r.guid] for r in HELD)


@pytest.mark.parametrize("after", CLOCKS)
async def test_who_leads_the_russian_delegation(
        store: Path, shared_engine: Engine, after: timedelta) -> None:
    answer = await ask_store(store, shared_engine,
                             "ルガーノの3者協議でロシア代表団を率いたのは誰？", "ja",
                             TALKS + timedelta(days=1) + after)
    answers_or_refuses(answer, "ソコロフ", "")
