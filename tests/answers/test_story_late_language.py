"""A round announced and opened in English, its outcome reported in Japanese a day after
the opening and more than three days after the announcement, is one story
(``bot/news/stories.py``: ``SPAN``, the gazetteer's names by skeleton, clock times and
"N日目" read as neither figures nor dates).

The story's time decay used to count from its first report, the announcement, so the
Japanese outcome started a story of its own; the Japanese reports also spell the envoy
ウィットコフ (the gazetteer has ウィトコフ), give the clock time "20:41" and say "2日目"
(the second day of talks), which read as a figure and a date no English report shares.

Reports written for this test (our own words, an invented round in Valletta), served as
RSS from 127.0.0.1 and ingested by the bot's pipeline; asked as ``ceasefire-bot ask``
asks, at a week, a year and two years after the reports.
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
)
from tests.answers.support import made_up_report as report

ANNOUNCED = datetime(2025, 10, 6, 10, tzinfo=UTC)
OPENED = ANNOUNCED + timedelta(days=2)

REPORTS = (
    report("announce-en", "en", "Harbour Wire",
           "Kremlin: second round of talks set for Valletta on Wednesday",
           "The Kremlin said on Monday that delegations of Russia, Ukraine and the United "
           "States will hold a second round of talks in Valletta, Malta, on Wednesday. "
           "US envoy Steve Witkoff will attend, it said.", ANNOUNCED),
    report("open-en", "en", "Meridian Daily",
           "Second round of talks opens in Valletta",
           "A second round of talks between Russia, Ukraine and the United States opened in "
           "Valletta on Wednesday, with US envoy Steve Witkoff at the table.", OPENED),
    report("open2-en", "en", "Baltic Ledger",
           "Valletta talks under way as strikes go on",
           "Delegations of Russia and Ukraine met in Valletta on Wednesday for a second "
           "round of talks brokered by Washington; envoy Witkoff said the talks were "
           "serious.", OPENED + timedelta(hours=6)),
    report("outcome-ja", "ja", "朝夕新聞",
           "ロシアとウクライナ、捕虜228人の交換で合意　米特使が公表",
           "マルタの首都バレッタで開かれたロシア、ウクライナ、米国の協議は2日目の日程を終えた。"
           "米国のウィットコフ特使は日本時間20:41に、両国が計228人の捕虜交換で合意したと"
           "明らかにした。", OPENED + timedelta(days=1, hours=10)),
    report("outcome2-ja", "ja", "北浜日報",
           "バレッタ協議、捕虜228人を交換へ",
           "バレッタでの3カ国協議で、ロシアとウクライナは計228人の捕虜を交換することで"
           "合意した。ウィットコフ特使が発表した。", OPENED + timedelta(days=1, hours=20)),
)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return made_up_store((*other_talks(ANNOUNCED), *REPORTS),
                         tmp_path_factory.mktemp("late_language"))


def test_the_japanese_outcome_joins_the_english_announcement_and_opening(store: Path) -> None:
    # the other talks, days earlier, stay stories of their own
    assert_one_story_of_its_own(store, REPORTS)


@pytest.mark.parametrize("after", CLOCKS)
async def test_an_english_question_gets_the_outcome_only_japanese_reports_give(
        store: Path, shared_engine: Engine, after: timedelta) -> None:
    answer = await ask_store(store, shared_engine,
                             "How many prisoners will be exchanged after the Valletta talks?",
                             "en", OPENED + timedelta(days=2) + after)
    answers_or_refuses(answer, "228", "")
