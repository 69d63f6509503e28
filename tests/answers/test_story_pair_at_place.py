"""Two people a question places somewhere ("What did Halvorsen and Petrenko agree when
they met in Bergen?") must be written together with that place in one sentence
(``bot/answer/support.py``: ``PAIR_AT_PLACE``, refusal ``pair-not-there``).

A report writing the two acting together elsewhere ("agreed in Oslo") and naming the
place on its own ("had flown in from Bergen") used to answer the question of a meeting
there that never happened (issue 12, point 5).

Reports written for this test (our own words, invented envoys and talks), served as RSS
from 127.0.0.1 and ingested by the bot's pipeline; asked as ``ceasefire-bot ask`` asks, at
a week, a year and two years after the reports.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.answer.engine import Engine
from tests.answers.support import CLOCKS, answers_or_refuses, ask_store, made_up_store, other_talks
from tests.answers.support import made_up_report as report

TALKS = datetime(2025, 10, 14, 9, tzinfo=UTC)

REPORTS = (
    report("oslo-en", "en", "Harbour Wire",
           "Halvorsen and Petrenko agree a prisoner hotline in Oslo",
           "At ceasefire talks between Russia and Ukraine, Norwegian mediator Halvorsen and "
           "Ukrainian envoy Petrenko agreed in Oslo on Tuesday to open a hotline for prisoner "
           "exchanges. Halvorsen had flown in from Bergen, where he opened a shipping fair on "
           "Monday. The hotline is to run from the first of November.", TALKS),
    report("oslo2-en", "en", "Meridian Daily",
           "Oslo talks yield a hotline for prisoner swaps",
           "The hotline for prisoner exchanges agreed by Halvorsen and Petrenko at the "
           "Russia-Ukraine ceasefire talks in Oslo will be staffed around the clock. Petrenko "
           "is to visit Bergen next spring for a separate conference on shipping.",
           TALKS + timedelta(hours=3)),
)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return made_up_store((*other_talks(TALKS), *REPORTS), tmp_path_factory.mktemp("place"))


@pytest.mark.parametrize("after", CLOCKS)
async def test_a_pair_written_at_the_place_is_answered(
        store: Path, shared_engine: Engine, after: timedelta) -> None:
    answer = await ask_store(store, shared_engine,
                             "What did Halvorsen and Petrenko agree when they met in Oslo?",
                             "en", TALKS + timedelta(days=1) + after)
    answers_or_refuses(answer, "hotline", "")


@pytest.mark.parametrize("after", CLOCKS)
async def test_a_pair_never_written_at_the_place_is_no_source(
        store: Path, shared_engine: Engine, after: timedelta) -> None:
    answer = await ask_store(store, shared_engine,
                             "What did Halvorsen and Petrenko agree when they met in Bergen?",
                             "en", TALKS + timedelta(days=1) + after)
    answers_or_refuses(answer, "", "pair-not-there")
