"""An English name that merely shares a gazetteer name's consonant skeleton ("World" and
Riyadh are both ``rd``) is not that gazetteer feature (``bot/news/stories.py``:
``KANA_SKELETON_ONLY``).

The skeleton fallback lets a name Japanese spells its own way (ウィットコフ for the
gazetteer's ウィトコフ) count as the gazetteer's feature. Applied to English names too, it
turned "World", "Radio" and "Lloyd" into Riyadh, "East", "START" and "IST" into Easter,
"Office" and "Peace" into prisoners, "Emmanuel" into minerals (heavy features, and in
English text the gazetteer's own forms already meet the real name), and a report naming
its director Lloyd (``rd`` too) joined the story of the talks in Riyadh held the day before.

Reports written for this test (our own words, an invented pledge), served as RSS from
127.0.0.1 and ingested by the bot's pipeline; asked as ``ceasefire-bot ask`` asks, a day,
a week and a year after the reports (the grouping is what this test holds; the answer is
the same either way).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.answer.engine import Engine
from tests.answers.support import (
    answers_or_refuses,
    ask_store,
    made_up_store,
    other_talks,
    story_of,
)
from tests.answers.support import made_up_report as report

#: Tuesday 10 March 2026.
TALKS = datetime(2026, 3, 10, 9, tzinfo=UTC)
PLEDGE = TALKS + timedelta(days=1)

#: A day, a week and a year after the reports.
CLOCKS = (timedelta(days=1), timedelta(days=7), timedelta(days=365))

RIYADH = (
    report("riyadh-en", "en", "Steppe Post",
           "US and Russian delegations meet in Riyadh",
           "American and Russian delegations met in Riyadh on Tuesday for a second day of "
           "talks on a ceasefire in Ukraine, officials said.", TALKS),
    report("riyadh-ja", "ja", "朝夕新聞", "米ロ代表団がリヤドで協議",
           "米国とロシアの代表団は10日、リヤドで2日目の協議を行い、ウクライナの停戦について"
           "話し合った。", TALKS + timedelta(hours=3)),
)

FUND = (
    report("fund-en", "en", "Border Ledger",
           "Grid fund pledges repairs for Kharvesk",
           "The Nordvik Grid Fund pledged 740 million dollars on Wednesday to rebuild the "
           "power grid of Kharvesk, a Ukrainian city hit by Russian strikes, whatever comes "
           "of the ceasefire talks, its director Lloyd Harmon said.", PLEDGE),
    report("fund-en-2", "en", "Harbour Daily",
           "Kharvesk grid to get Nordvik fund money",
           "Lloyd Harmon, director of the Nordvik Grid Fund, said on Wednesday that 740 "
           "million dollars would go to rebuilding the power grid of Kharvesk in Ukraine "
           "without waiting for a ceasefire.",
           PLEDGE + timedelta(hours=2)),
)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return made_up_store((*other_talks(TALKS), *RIYADH, *FUND),
                         tmp_path_factory.mktemp("latin_skeleton"))


def test_the_fund_reports_are_a_story_of_their_own(store: Path) -> None:
    stories = story_of(store)
    fund = {stories[r.guid] for r in FUND}
    riyadh = {stories[r.guid] for r in RIYADH}
    assert len(fund) == 1, stories
    assert len(riyadh) == 1, stories
    assert not fund & riyadh, stories
    assert not {stories[g] for g in stories if g.startswith("other-")} & fund, stories


@pytest.mark.parametrize("after", CLOCKS)
async def test_how_much_the_fund_pledged(store: Path, shared_engine: Engine,
                                         after: timedelta) -> None:
    answer = await ask_store(store, shared_engine,
                             "How much did the Nordvik Grid Fund pledge for Kharvesk?",
                             "en", PLEDGE + after)
    answers_or_refuses(answer, "740", "")
