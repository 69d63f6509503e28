"""The sentence right after the leading report's best-matching sentence is quoted: the
report restates the event in the question's words, then gives the asked detail in words of
its own (issue 12: "asked facts present").

Of the facts missing from answers whose leading report held them (``bench/factslot.py``),
most sat in the sentence right after the report's best-matching one ("Among them he listed
…", "Any such pullback would …"), ranked below sentences restating the event. That sentence
now scores ``NEXT_SENTENCE`` more in the report the answer leads with (not when the best
sentence is the report's first, nor for a question whose intent cues pick the sentences).

Reports written for this test (our own words, invented events), served as RSS from
127.0.0.1 and ingested by the bot's pipeline; asked as ``ceasefire-bot ask`` asks, at a
week, a year and two years after the reports.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.answer.engine import Engine
from bot.model import Lang
from tests.answers.support import CLOCKS, made_up_store, other_talks, quotes_first
from tests.answers.support import made_up_report as report

CORRIDOR = datetime(2025, 10, 14, 9, tzinfo=UTC)
FERRY = datetime(2025, 10, 20, 9, tzinfo=UTC)

REPORTS = (
    report("corridor-en", "en", "Baltic Courier", "Grain traders wait on Danube news",
           "Grain traders in Odesa waited on Tuesday for news from Romania.\n\n"
           "Romania and Ukraine held talks on Tuesday.\n\n"
           "The corridor has carried most of Ukraine's grain since the war began.\n\n"
           "Romanian officials said it was the first such meeting this year.\n\n"
           "At the Constanta talks, the envoys went over the Danube grain corridor for six "
           "hours.\n\n"
           "They chose to open it to night convoys from March.\n\n"
           "Drones have hit the corridor several times.\n\n"
           "Ukraine wants the route widened.",
           CORRIDOR),
    report("ferry-ja", "ja", "Kyokai Shimbun", "黒海の船主ら協議を注視",
           "オデーサの港では20日、船主らが協議の行方を見守った。\n\n"
           "ウクライナとジョージアは20日に協議した。\n\n"
           "フェリー航路は、戦争が始まってから止まっている。\n\n"
           "ジョージア政府は、今年初めての会合だと述べた。\n\n"
           "バトゥミでの協議で、両国の代表は黒海のフェリー航路について5時間話し合った。\n\n"
           "その結果、来春から週2便の運航を再開する。\n\n"
           "航路には無人機の脅威が残る。\n\n"
           "ウクライナは便数の拡大を望んでいる。",
           FERRY),
    *other_talks(CORRIDOR),
)

#: Question → (language, the detail the answer must quote, the report cited first).
ASKED: dict[str, tuple[Lang, str, str]] = {
    "What came of the envoys' talks on the Danube grain corridor in Constanta?":
        ("en", "night convoys", "corridor-en"),
    "バトゥミでの黒海のフェリー航路をめぐる両国の代表の協議はどうなった?":
        ("ja", "週2便", "ferry-ja"),
}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return made_up_store(REPORTS, tmp_path_factory.mktemp("after-best"))


@pytest.mark.parametrize("after", CLOCKS)
@pytest.mark.parametrize(("question", "expected"), list(ASKED.items()))
async def test_the_detail_after_the_best_sentence_is_quoted(
        store: Path, shared_engine: Engine, question: str, expected: tuple[Lang, str, str],
        after: timedelta) -> None:
    lang, fact, first = expected
    published = next(r.published for r in REPORTS if r.guid == first)
    await quotes_first(store, shared_engine, question, lang, published + after, fact, first)
