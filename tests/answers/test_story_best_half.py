"""A swap reported in English from several angles (the swap, its mediator, the families,
the Kremlin's view) and then in Japanese is one story (``bot/news/stories.py``:
``linked``, ``LINK_SHARE``).

A report used to be compared with every report of a story and the similarities
averaged: the Japanese reports share the place, the mediator and the figures with the
English reports on the swap and its mediator, but nothing with those on the families or
the Kremlin's view, so they started a story of their own. They are now compared with the
half of the story's reports they resemble best.

Reports written for this test (our own words, an invented swap at Narva), served as RSS
from 127.0.0.1 and ingested by the bot's pipeline; asked as ``ceasefire-bot ask`` asks,
at a week, a year and two years after the reports (the answer is the same with either
way of comparing: the grouping is what this test holds).
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

SWAP = datetime(2025, 11, 3, 9, tzinfo=UTC)

REPORTS = (
    report("swap-en", "en", "Harbour Wire",
           "Russia and Ukraine swap 412 prisoners at Narva crossing",
           "Russia and Ukraine exchanged 412 prisoners of war at the Narva border crossing "
           "on Monday, in a prisoner swap brokered from Tallinn by mediator Kadri Saar; "
           "many of the soldiers come from Chernihiv.", SWAP),
    report("mediator-en", "en", "Meridian Daily",
           "Saar says the Narva exchange could be repeated",
           "Kadri Saar, who brokered Monday's prisoner exchange of 412 Russian and "
           "Ukrainian soldiers at Narva, said further swaps could follow; Dmitry Peskov "
           "agreed.", SWAP + timedelta(hours=2)),
    report("families-en", "en", "Baltic Ledger",
           "Families wait at the border for freed soldiers",
           "Relatives gathered in Chernihiv hoping to see their sons among the soldiers "
           "Russia freed on Monday after talks; Zelensky thanked Tallinn.",
           SWAP + timedelta(hours=3)),
    report("kremlin-en", "en", "Northern Courier",
           "Kremlin says the swap shows talks can work",
           "Kremlin spokesman Dmitry Peskov said the exchange, brokered from Tallinn, "
           "showed that talks with Kyiv could bring results; most of those freed on the "
           "Russian side come from Kursk, as those of Ukraine come from Chernihiv.",
           SWAP + timedelta(hours=4)),
    report("envoys-en", "en", "Eastern Gazette",
           "Tallinn hosts envoys after the swap",
           "Envoys of Russia and Ukraine stayed on in Tallinn for talks on Tuesday, Dmitry "
           "Peskov said; officials in Kursk and Chernihiv asked for another round.",
           SWAP + timedelta(hours=5)),
    report("governors-en", "en", "Steppe Times",
           "Kursk and Chernihiv governors welcome the swap",
           "The governors of Kursk and Chernihiv welcomed soldiers freed in the exchange "
           "brokered from Tallinn, which Peskov called a result of talks with Kyiv.",
           SWAP + timedelta(hours=6)),
    report("swap-ja", "ja", "朝夕新聞",
           "ロシアとウクライナ、ナルバで捕虜412人を交換",
           "ロシアとウクライナは3日、エストニア国境のナルバで捕虜交換を行い、計412人が帰還した。"
           "仲介したサール氏によると、このうち負傷兵は57人だった。",
           SWAP + timedelta(hours=10)),
    report("swap2-ja", "ja", "北浜日報",
           "ナルバで捕虜交換　412人が帰還",
           "エストニアのサール氏の仲介で、ロシアとウクライナの412人の捕虜交換がナルバで行われた。"
           "負傷兵57人が含まれている。", SWAP + timedelta(hours=12)),
)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return made_up_store((*other_talks(SWAP), *REPORTS), tmp_path_factory.mktemp("best_half"))


def test_the_japanese_reports_join_the_english_story_told_from_several_angles(
        store: Path) -> None:
    # the other talks, days earlier, stay stories of their own
    assert_one_story_of_its_own(store, REPORTS)


@pytest.mark.parametrize("after", CLOCKS)
async def test_a_japanese_question_gets_the_figure_the_japanese_reports_give(
        store: Path, shared_engine: Engine, after: timedelta) -> None:
    answer = await ask_store(store, shared_engine, "ナルバで交換された捕虜のうち負傷兵は何人？",
                             "ja", SWAP + timedelta(days=1) + after)
    answers_or_refuses(answer, "57", "")
