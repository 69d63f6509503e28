"""A Japanese report dated 3日 joins English reports of the same day that date it "on
Monday" (``bot/news/stories.py``: ``weekday_days``).

English reports often date the day's event by its weekday alone, where Japanese ones
write the day of the month; the day was then a feature only the Japanese side had, and a
Japanese report sharing few other features with the English story (names Japanese
spells its own way) started a story of its own. A weekday naming the report's own day
now counts as that day of the month, in reports that write no dates themselves.

Reports written for this test (our own words, an invented strike on a dam), served as
RSS from 127.0.0.1 and ingested by the bot's pipeline; asked as ``ceasefire-bot ask``
asks, at a week, a year and two years after the reports (the grouping is what this test
holds; the answer is the same either way).
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

#: Monday 3 November 2025.
STRIKE = datetime(2025, 11, 3, 8, tzinfo=UTC)

REPORTS = (
    report("dam-en", "en", "Steppe Post",
           "Moscow says Ukrainian drones hit the Veltrova dam",
           "Russia's defence ministry said on Monday that 41 Ukrainian drones struck the "
           "Veltrova reservoir dam overnight; deputy minister Orlik called it sabotage and "
           "said talks with Kyiv would be reviewed.", STRIKE),
    report("dam-en-2", "en", "Border Ledger",
           "Kyiv denies striking Veltrova dam",
           "Ukraine's foreign ministry on Monday rejected Moscow's claim that 41 drones were "
           "sent against the Veltrova dam, calling Orlik's statement a pretext to derail the "
           "peace talks with Russia.", STRIKE + timedelta(hours=2)),
    report("dam-ja", "ja", "朝夕新聞", "ロシア、貯水池への無人機攻撃を主張　ウクライナは否定",
           "ロシア国防省は3日、ウクライナの無人機が南部の貯水池を攻撃したと発表した。"
           "ウクライナ側は否定し、和平協議への影響が懸念される。",
           STRIKE + timedelta(hours=5)),
)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return made_up_store((*other_talks(STRIKE), *REPORTS), tmp_path_factory.mktemp("weekday"))


def test_the_japanese_report_joins_the_english_story(store: Path) -> None:
    assert_one_story_of_its_own(store, REPORTS)


@pytest.mark.parametrize("after", CLOCKS)
async def test_how_many_drones(store: Path, shared_engine: Engine, after: timedelta) -> None:
    answer = await ask_store(store, shared_engine,
                             "How many drones did Russia say hit the Veltrova dam?", "en",
                             STRIKE + timedelta(days=1) + after)
    answers_or_refuses(answer, "41", "")
