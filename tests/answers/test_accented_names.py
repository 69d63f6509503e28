"""A name spelled with diacritics in the question and without them in a report (or the
reverse) is one name.

Outlets differ: one writes "Erdoğan" and "Türkiye", another "Erdogan" and "Turkiye". The
English tokeniser knew only a–z, so "Türkiye" became "t" + "rkiye" and the name matched
nothing, and a report restating the question's other words led instead of the one about
the named person. Now Latin letters are folded to their bare forms for matching (the
quoted text keeps the outlet's spelling).

The reports are written for this test (our own words, invented events), served as RSS from
127.0.0.1 and ingested by the bot's pipeline; questions are asked as ``ceasefire-bot ask``
asks them, at a week, a year and two years after the reports.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.answer.engine import Engine
from tests.answers.support import CLOCKS, ask_store, first_cited, made_up_store, other_talks
from tests.answers.support import made_up_report as report

OFFER = datetime(2025, 10, 14, 9, tzinfo=UTC)

REPORTS = (
    report("bare-spelling", "en", "Bosphorus Wire",
           "Erdogan says Turkiye is ready to host a prisoner summit",
           "President Recep Tayyip Erdogan said on Tuesday that Turkiye was ready to host a "
           "summit on prisoner exchanges between Russia and Ukraine in Antalya. He spoke after "
           "calls with both leaders.",
           OFFER),
    report("accented-spelling", "en", "Aegean Daily",
           "Erdoğan: Türkiye will send observers to the Black Sea talks",
           "President Erdoğan said Türkiye would send two naval observers to the next round "
           "of Russia–Ukraine talks on Black Sea shipping. The date of the round was not given.",
           OFFER + timedelta(hours=3)),
    report("restates", "en", "Harbour Post", "Kyiv ready to host a summit on prisoners",
           "Kyiv is ready to host a summit on prisoner exchanges, a presidential adviser "
           "said on Tuesday. The adviser said the summit could be held in Lviv in November.",
           OFFER + timedelta(hours=1)),
    *other_talks(OFFER),
)

#: (question, a fact of the answer, the report cited first).
CASES = {
    "accented question, bare report": (
        "Where did Erdoğan say Türkiye was ready to host the summit?", "Antalya",
        "bare-spelling"),
    "bare question, accented report": (
        "How many observers did Erdogan say Turkiye would send?", "two naval observers",
        "accented-spelling"),
}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return made_up_store(REPORTS, tmp_path_factory.mktemp("accents"))


@pytest.mark.parametrize("after", CLOCKS)
@pytest.mark.parametrize("case", list(CASES))
async def test_a_name_with_or_without_diacritics(store: Path, shared_engine: Engine, case: str,
                                                 after: timedelta) -> None:
    question, fact, first = CASES[case]
    now = OFFER + after
    answer = await ask_store(store, shared_engine, question, "en", now)
    assert answer.answerable and fact in answer.text, answer.text
    assert await first_cited(store, shared_engine, question, "en", now) == first
