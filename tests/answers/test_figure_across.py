"""A "how many" question whose count only the story's reports in the other language give
is answered from them: when the gate finds no figure of what was asked in the first two
reports, it reads the other-language reports of their stories (the gate's own check, a
kanji numeral or digits beside a translation of the thing counted). Without it, an English
question on how many prisoners were swapped was refused while a Japanese report of the
same exchange gave the count (fresh f04-q05, f10-q06, f39-q08). A story no report of which
counts them still refuses.

The reports are written for this test (our own words), served as RSS from 127.0.0.1 and
ingested by the bot's pipeline; the questions are asked as ``ceasefire-bot ask`` asks them,
a day, a week and a year after the reports.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.answer import extractive
from bot.answer.engine import Engine
from tests.answers.support import (
    ask_store,
    first_cited,
    made_up_store,
    other_talks,
    refusal_of,
)
from tests.answers.support import made_up_report as report

SWAP = datetime(2025, 10, 14, 9, tzinfo=UTC)
AFTER = (timedelta(days=1), timedelta(days=7), timedelta(days=365))

EN = (
    report("swap-en1", "en", "Harbor Wire",
           "Russia and Ukraine swap prisoners under Istanbul deal",
           "Russia and Ukraine swapped prisoners on Monday under the deal their delegations "
           "reached at the ceasefire talks in Istanbul, the two defence ministries said. "
           "Buses carried the freed men to Belarus, where medical teams examined them before "
           "they went home.",
           SWAP),
    report("swap-en2", "en", "Coast Daily", "Families wait at the border as prisoners return",
           "Relatives holding flags and photographs gathered near the Belarusian border on "
           "Monday as Ukraine and Russia carried out the prisoner swap agreed in Istanbul. "
           "Officials of both sides called the exchange a step towards further talks.",
           SWAP + timedelta(hours=1)),
    report("swap-en3", "en", "Valley Times", "Istanbul talks deal brings prisoners home",
           "The prisoners Russia and Ukraine swapped on Monday under the Istanbul deal were "
           "greeted by the Ukrainian president, who thanked Turkey for hosting the talks and "
           "said the swap showed the deal could work.",
           SWAP + timedelta(hours=3)),
)
JA = report("swap-ja", "ja", "東都通信", "ロシアとウクライナが捕虜交換　イスタンブール協議受け",
            "ロシアとウクライナは13日、捕虜交換を行い、双方が捕虜三百人ずつを解放した。",
            SWAP - timedelta(hours=6))
ASKED = "How many prisoners did Russia and Ukraine swap under the Istanbul deal?"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return made_up_store((*EN, JA, *other_talks(SWAP)), tmp_path_factory.mktemp("across"))


@pytest.fixture(scope="module")
def uncounted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return made_up_store((*EN, *other_talks(SWAP)), tmp_path_factory.mktemp("uncounted"))


@pytest.mark.parametrize("after", AFTER)
async def test_the_count_of_the_other_language_answers(store: Path, shared_engine: Engine,
                                                       after: timedelta) -> None:
    assert await first_cited(store, shared_engine, ASKED, "en", SWAP + after) == "swap-ja"


@pytest.mark.parametrize("after", AFTER)
async def test_without_it_the_question_is_refused(
        store: Path, shared_engine: Engine, after: timedelta,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(extractive, "FIGURE_ACROSS", None)
    assert await refusal_of(store, shared_engine, ASKED, "en", SWAP + after) == "figure-not-given"


@pytest.mark.parametrize("after", AFTER)
async def test_no_report_counting_them_refuses(uncounted: Path, shared_engine: Engine,
                                               after: timedelta) -> None:
    answer = await ask_store(uncounted, shared_engine, ASKED, "en", SWAP + after)
    assert not answer.answerable, answer.text
