""""…覚書を示す用意があると発表した" says what is planned (``bot/answer/support.py``:
``_FUTURE_SAID``, read by the ``plan-not-given`` check).

A question about what is to come ("次の交渉で何を示すと言っている？", "次の協議っていつ
やるの？") needs, among the first two reports, a sentence that says a plan. In blind batch
S, Japanese reports of Russia's proposal for a second round wrote "…覚書を示す用意がある
と発表した", and both such questions were refused ``plan-not-given``: 用意 ("ready to") was
not read as a plan. A report that says nothing of what is to come still does not answer.

Reports written for this test (our own words, invented talks), served as RSS from
127.0.0.1 and ingested by the bot's pipeline; asked as ``ceasefire-bot ask`` asks, at a
week, a year and two years after the reports.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.answer.engine import Engine
from tests.answers.support import CLOCKS, answers_or_refuses, ask_store, made_up_store, other_talks
from tests.answers.support import made_up_report as report

TOKYO = ZoneInfo("Asia/Tokyo")
PROPOSED = datetime(2025, 5, 28, 20, tzinfo=TOKYO)

REPORTS = (
    report("tallinn-ja", "ja", "北洋通信", "ロシア、次の直接協議をタリンで提案",
           "ロシアの外相は28日、ウクライナとの次の直接協議を6月9日にエストニアのタリンで開き、"
           "停戦の条件を書き込んだ文書を示す用意があると明らかにした。",
           PROPOSED),
    report("tallinn-en", "en", "Fjord Wire", "Russia proposes talks in Tallinn",
           "Russia's foreign minister on Wednesday proposed holding direct talks with Ukraine "
           "in Tallinn, a step Kyiv said it would study.",
           PROPOSED + timedelta(hours=1)),
)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return made_up_store((*other_talks(PROPOSED), *REPORTS), tmp_path_factory.mktemp("ready"))


@pytest.mark.parametrize("after", CLOCKS)
async def test_ready_to_show_is_a_plan(store: Path, shared_engine: Engine,
                                       after: timedelta) -> None:
    answer = await ask_store(store, shared_engine,
                             "ロシアはタリンでの次の協議でウクライナ側に何を示すと言っている？",
                             "ja", PROPOSED + timedelta(days=1) + after)
    answers_or_refuses(answer, "文書", "")


@pytest.mark.parametrize("after", CLOCKS)
async def test_ready_to_meet_then_says_when(store: Path, shared_engine: Engine,
                                            after: timedelta) -> None:
    answer = await ask_store(store, shared_engine,
                             "タリンでの次の協議って結局いつやるって話になってんの？",
                             "ja", PROPOSED + timedelta(days=1) + after)
    answers_or_refuses(answer, "6月9日", "")
