"""Two people a question has doing one thing together ("What did Petrenko and Voss agree
when they met?") must be written together in a report: joined by a word ("Halvorsen and
Petrenko agreed", "met with", "told") within a few words (``bot/answer/support.py``:
``pair-unjoined``).

A report naming both in one sentence used to be enough, even when it tells of each on
his own ("Petrenko spoke to reporters in Oslo on Tuesday, hours before Voss flew home
from Berlin"): the question of a meeting that never happened was answered from it.

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
           "exchanges. Petrenko spoke to reporters in "
           "Oslo on Tuesday, hours before Voss flew home from Berlin. The hotline is to run "
           "from the first of November.", TALKS),
    report("oslo2-en", "en", "Meridian Daily",
           "Oslo talks yield a hotline for prisoner swaps",
           "The hotline for prisoner exchanges agreed at the Russia-Ukraine ceasefire talks in "
           "Oslo will be staffed around the clock, Halvorsen said. German adviser Voss was in "
           "Berlin all week.",
           TALKS + timedelta(hours=3)),
)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return made_up_store((*other_talks(TALKS), *REPORTS), tmp_path_factory.mktemp("pair"))


@pytest.mark.parametrize("after", CLOCKS)
async def test_a_pair_written_together_is_answered(
        store: Path, shared_engine: Engine, after: timedelta) -> None:
    answer = await ask_store(store, shared_engine,
                             "What did Halvorsen and Petrenko agree when they met in Oslo?",
                             "en", TALKS + timedelta(days=1) + after)
    answers_or_refuses(answer, "hotline", "")


@pytest.mark.parametrize("after", CLOCKS)
async def test_a_pair_only_named_apart_is_no_source(
        store: Path, shared_engine: Engine, after: timedelta) -> None:
    answer = await ask_store(store, shared_engine,
                             "What did Petrenko and Voss agree when they met in Oslo?",
                             "en", TALKS + timedelta(days=1) + after)
    answers_or_refuses(answer, "", "pair-unjoined")
