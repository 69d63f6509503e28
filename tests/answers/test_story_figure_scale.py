"""A pledge reported in English as "$1.2 billion" and "$1.2bn" and in Japanese as 12億ドル
is one story (``bot/news/stories.py``: ``_figure``).

A figure used to be read as its digits alone: "1.2 billion" gave 1 and 2 and 12億 gave 12,
all too small to count as figures, so the reports shared no figure and the Japanese
report, which names no one the English ones name, started a story of its own. A figure is
now read with its scale word in either language (80万 is 800,000).

Reports written for this test (our own words, an invented pledge), served as RSS from
127.0.0.1 and ingested by the bot's pipeline; asked as ``ceasefire-bot ask`` asks, at a
week, a year and two years after the reports.
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

PLEDGE = datetime(2025, 11, 17, 9, tzinfo=UTC)

REPORTS = (
    report("pledge-en", "en", "Harbour Wire",
           "Donors pledge $1.2 billion for Ukraine's grid at ceasefire talks",
           "Donors meeting on the margins of the ceasefire talks pledged $1.2 billion to "
           "repair Ukraine's power grid before winter.", PLEDGE),
    report("pledge2-en", "en", "Meridian Daily",
           "A $1.2bn pledge to fix Ukraine's grid",
           "The $1.2bn pledged on the margins of the talks will repair substations hit by "
           "Russian strikes, donors said.", PLEDGE + timedelta(hours=2)),
    report("pledge-ja", "ja", "朝夕新聞",
           "ウクライナの電力網復旧へ12億ドル　停戦協議の場で",
           "停戦協議に合わせて開かれた支援国会合で、ロシアの攻撃で被害を受けたウクライナの"
           "電力網の復旧に計12億ドルを拠出することが決まった。",
           PLEDGE + timedelta(hours=8)),
)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return made_up_store((*other_talks(PLEDGE), *REPORTS),
                         tmp_path_factory.mktemp("figure_scale"))


def test_the_japanese_report_joins_the_english_story_on_the_figure(store: Path) -> None:
    # the other talks, days earlier, stay stories of their own
    assert_one_story_of_its_own(store, REPORTS)


@pytest.mark.parametrize("after", CLOCKS)
async def test_a_japanese_question_gets_the_pledge(
        store: Path, shared_engine: Engine, after: timedelta) -> None:
    answer = await ask_store(store, shared_engine, "電力網の復旧に拠出される額はいくら？",
                             "ja", PLEDGE + timedelta(days=1) + after)
    answers_or_refuses(answer, "12億ドル", "")
