""""What did Polish PM Donald Tusk say": the office's abbreviation need not be written
where he speaks (``bot/answer/support.py``: ``SPEAKER_ABBREVIATIONS``).

In blind batch S, a question naming "Polish PM Donald Tusk" was refused
``speaker-silent`` beside "Polish Prime Minister Donald Tusk said after the talks…": every
word of the speaker's run of names was required in the sentence where he speaks, "PM"
too, and reports write the office out. The run's other words are still required: the
same question about the Dutch PM of that name is refused.

Reports written for this test (our own words, invented people and talks), served as RSS
from 127.0.0.1 and ingested by the bot's pipeline; asked as ``ceasefire-bot ask`` asks, at
a week, a year and two years after the reports.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.answer import support
from bot.answer.engine import Engine
from tests.answers.support import CLOCKS, answers_or_refuses, ask_store, made_up_store, other_talks
from tests.answers.support import made_up_report as report

MEETING = datetime(2025, 2, 17, 18, tzinfo=UTC)
QUESTION = ("After the Copenhagen meeting on Ukraine, what did Danish PM Mette Halvorsen say "
            "the alliance had entered?")

REPORTS = (
    report("copenhagen-en", "en", "Baltic Ledger", "European leaders meet in Copenhagen",
           "European leaders met in Copenhagen on Monday to discuss the ceasefire talks on "
           "Ukraine. Danish Prime Minister Mette Halvorsen said after the talks that the "
           "alliance had entered a new era and that Europe must spend more on defence.",
           MEETING + timedelta(hours=2)),
    report("copenhagen-ja", "ja", "北洋通信", "コペンハーゲンで欧州首脳会合",
           "欧州の首脳が17日、コペンハーゲンに集まり、ウクライナの停戦協議について話し合った。",
           MEETING + timedelta(hours=3)),
    # Other news names the PM's abbreviation, as a real store's does.
    report("pm-en", "en", "Outlet 9", "PM visits Kyiv",
           "The Dutch PM visited Kyiv on Friday and met envoys preparing the ceasefire talks.",
           MEETING - timedelta(days=3)),
)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return made_up_store((*other_talks(MEETING), *REPORTS), tmp_path_factory.mktemp("pm"))


@pytest.mark.parametrize("after", CLOCKS)
async def test_the_office_written_out_is_the_abbreviations(
        store: Path, shared_engine: Engine, after: timedelta) -> None:
    answer = await ask_store(store, shared_engine, QUESTION, "en",
                             MEETING + timedelta(days=1) + after)
    answers_or_refuses(answer, "new era", "")


@pytest.mark.parametrize("after", CLOCKS)
async def test_without_the_switch_the_abbreviation_must_be_written(
        store: Path, shared_engine: Engine, after: timedelta,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(support, "SPEAKER_ABBREVIATIONS", False)
    answer = await ask_store(store, shared_engine, QUESTION, "en",
                             MEETING + timedelta(days=1) + after)
    answers_or_refuses(answer, "", "speaker-silent")


@pytest.mark.parametrize("after", CLOCKS)
async def test_the_other_words_of_the_run_are_still_required(
        store: Path, shared_engine: Engine, after: timedelta) -> None:
    answer = await ask_store(store, shared_engine,
                             "After the Copenhagen meeting on Ukraine, what did Dutch PM Mette "
                             "Halvorsen say the alliance had entered?", "en",
                             MEETING + timedelta(days=1) + after)
    assert not answer.answerable
