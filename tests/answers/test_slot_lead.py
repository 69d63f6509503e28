"""Which report of the leading story leads: the one whose sentence holds the asked kind.

A report that restates an event in the question's own words (its headline and lead name
the event and the thing asked about) outranks, on its words, a report of the same story
that gives the asked detail further down: the figure for "how many", the new name for
"who". The one whose sentence of the asked kind holds the question's detail words leads
(``SLOT_LEAD``); on the dev-side sets the restating report led six times
(docs/quality.md, stop 33).

The reports are written for this test (our own words, invented talks), served as RSS from
127.0.0.1 and ingested by the bot's pipeline; questions are asked as ``ceasefire-bot ask``
asks them, at a week, a year and two years after the reports.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.answer.engine import Engine
from bot.model import Lang
from tests.answers.support import CLOCKS, made_up_store, other_talks, quotes_first
from tests.answers.support import made_up_report as report

TALKS = datetime(2025, 11, 17, 9, tzinfo=UTC)

COUNTED = (
    report("remains-restated", "en", "Harbour Post",
           "Valletta talks: Russia to hand back the remains of fallen soldiers",
           "Russia will hand back the remains of fallen soldiers after the Valletta talks, "
           "the Maltese hosts said on Monday. The handover of the remains is to follow the "
           "talks in Valletta within days, envoys said. Kyiv welcomed the promise to hand "
           "back the remains of its soldiers.",
           TALKS),
    report("remains-figure", "en", "Island Courier", "Envoys end a round in Valletta",
           "Envoys of Russia and Ukraine ended a round of talks in Valletta on Monday. "
           "Moscow said it would hand back the remains of 4,000 soldiers next week. "
           "The envoys did not agree on a truce.",
           TALKS + timedelta(hours=2)),
    *other_talks(TALKS),
)

NAMED = (
    report("leader-restated", "ja", "港新聞", "バレッタ協議　ロシア代表団を率いる人物が発言",
           "バレッタで17日に開かれた停戦協議で、ロシア代表団を率いる人物が冒頭に発言した。"
           "ロシア代表団は協議の延長を求めた。"
           "バレッタの協議はロシア代表団の提案で夜まで続いた。",
           TALKS),
    report("leader-named", "ja", "島日報", "停戦協議が終了",
           "ロシアとウクライナによる停戦協議が17日、バレッタで終わった。"
           "ロシア側を率いたのはオルロフ氏で、捕虜の交換を提案した。"
           "停戦での合意はなかった。",
           TALKS + timedelta(hours=2)),
    *other_talks(TALKS),
)

#: Store → (the question, its language, a fact of the answer, the report cited first).
CASES: dict[str, tuple[str, Lang, str, str]] = {
    "counted": ("How many soldiers' remains will Russia hand back after the Valletta talks?",
                "en", "4,000", "remains-figure"),
    "named": ("バレッタの協議でロシア代表団を率いたのはだれ?", "ja", "オルロフ", "leader-named"),
}


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return {"counted": made_up_store(COUNTED, tmp_path_factory.mktemp("slot-counted")),
            "named": made_up_store(NAMED, tmp_path_factory.mktemp("slot-named"))}


@pytest.mark.parametrize("after", CLOCKS)
@pytest.mark.parametrize("case", list(CASES))
async def test_the_report_with_the_asked_kind_leads(stores: dict[str, Path],
                                                    shared_engine: Engine, case: str,
                                                    after: timedelta) -> None:
    """"counted": the figure's report leads the one restating the handover; "named": the
    report naming who led leads the one saying only that someone did."""
    question, lang, fact, first = CASES[case]
    await quotes_first(stores[case], shared_engine, question, lang, TALKS + after, fact, first)
