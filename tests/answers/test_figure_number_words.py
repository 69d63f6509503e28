"""A count written in words past ten ("killing twelve people", "some forty drones") is a
count of what a "how many" question asks (``support.FIGURE_NUMBER_WORDS``). Without it, the
gate read only "two" to "ten", "dozens", "hundreds" and digits next to the thing counted, and
refused "how many people were injured" over a report saying "killing twelve people" (f43,
issue 12). A report that gives no count of the people still refuses.

The reports are written for this test (our own words), served as RSS from 127.0.0.1 and
ingested by the bot's pipeline; the questions are asked as ``ceasefire-bot ask`` asks them,
a day, a week and a year after the reports.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.answer import support
from bot.answer.engine import Engine
from tests.answers.support import ask_store, made_up_store, other_talks, refusal_of
from tests.answers.support import made_up_report as report

STRIKE = datetime(2025, 11, 4, 6, tzinfo=UTC)
AFTER = (timedelta(days=1), timedelta(days=7), timedelta(days=365))

COUNTED = (
    report("odesa-en", "en", "Harbor Wire", "Drones hit Odesa port after ceasefire talks",
           "Russian drones struck the port of Odesa overnight, killing twelve people, hours "
           "after envoys of Russia and Ukraine ended ceasefire talks in Istanbul, the "
           "regional governor said.", STRIKE),
    *other_talks(STRIKE),
)
UNCOUNTED = (
    report("odesa-en", "en", "Harbor Wire", "Drones hit Odesa port after ceasefire talks",
           "Russian drones struck the port of Odesa overnight, killing several people, hours "
           "after envoys of Russia and Ukraine ended ceasefire talks in Istanbul, the "
           "regional governor said.", STRIKE),
    *other_talks(STRIKE),
)
ASKED = "How many people were killed when drones struck the port of Odesa?"


@pytest.fixture(scope="module")
def counted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return made_up_store(COUNTED, tmp_path_factory.mktemp("counted"))


@pytest.fixture(scope="module")
def uncounted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return made_up_store(UNCOUNTED, tmp_path_factory.mktemp("uncounted"))


@pytest.mark.parametrize("after", AFTER)
async def test_a_count_in_words_answers(counted: Path, shared_engine: Engine,
                                        after: timedelta) -> None:
    answer = await ask_store(counted, shared_engine, ASKED, "en", STRIKE + after)
    assert answer.answerable and "twelve people" in answer.text, (answer.refusal, answer.text)


@pytest.mark.parametrize("after", AFTER)
async def test_read_only_up_to_ten_it_refuses(counted: Path, shared_engine: Engine,
                                              after: timedelta,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(support, "FIGURE_NUMBER_WORDS", False)
    assert await refusal_of(counted, shared_engine, ASKED, "en",
                            STRIKE + after) == "figure-not-given"


@pytest.mark.parametrize("after", AFTER)
async def test_no_count_still_refuses(uncounted: Path, shared_engine: Engine,
                                      after: timedelta) -> None:
    assert await refusal_of(uncounted, shared_engine, ASKED, "en",
                            STRIKE + after) == "figure-not-given"
