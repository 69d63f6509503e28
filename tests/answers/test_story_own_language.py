"""A report joins a story of one English and one Japanese report on the English one
(``bot/news/stories.py``: ``LINK_MIN`` counted among the story's reports in the new
report's language).

A report is compared with the better half of a story's reports, never fewer than two
(``LINK_MIN``: a day-after piece close to one report alone is not yet that story's). For
a story of one report in each language that floor made a new English report's score the
mean of its likeness to the English report and to the Japanese one, which shares almost
no feature with any English text: a second English angle on the same talks started a
story of its own. The floor now counts only the story's reports in the new report's
language (two English feeds still need two English reports: tests/scenario's
test_known_block).

Reports written for this test (our own words, invented talks in Valletta), served as RSS
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
)
from tests.answers.support import made_up_report as report

TALKS = datetime(2025, 11, 3, 9, tzinfo=UTC)

REPORTS = (
    report("talks-en", "en", "Harbour Wire",
           "Russia and Ukraine hold Black Sea ceasefire talks in Valletta",
           "Russia's envoy Sokolov and Ukraine's Brovko met in Valletta on Monday for "
           "ceasefire talks hosted by Malta's foreign minister Ian Borg; 45 grain ports and "
           "380 ships are at stake.", TALKS),
    report("talks-ja", "ja", "朝夕新聞", "ロシアとウクライナ、バレッタで黒海停戦協議",
           "ロシアのソコロフ氏とウクライナのブロフコ氏が3日、マルタの首都バレッタで黒海の停戦を"
           "めぐって協議した。", TALKS + timedelta(hours=3)),
    report("ships-en", "en", "Meridian Daily", "Ships wait on Borg's ceasefire talks",
           "Some 380 cargo ships are waiting to sail while Borg hosts the ceasefire talks "
           "with Kyiv's envoy; shipowners in Piraeus said they would move once a truce "
           "holds.",
           TALKS + timedelta(hours=6)),
)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return made_up_store((*other_talks(TALKS), *REPORTS), tmp_path_factory.mktemp("own_lang"))


def test_a_second_english_angle_joins_the_two_language_story(store: Path) -> None:
    assert_one_story_of_its_own(store, REPORTS)


@pytest.mark.parametrize("after", CLOCKS)
async def test_how_many_ships_wait(store: Path, shared_engine: Engine,
                                   after: timedelta) -> None:
    answer = await ask_store(store, shared_engine,
                             "How many ships are waiting on the Valletta ceasefire talks?", "en",
                             TALKS + timedelta(days=1) + after)
    answers_or_refuses(answer, "380", "")
