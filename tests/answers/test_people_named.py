"""A question asking which people filled a role ("Which Norwegian officials listened in on
the call?") is answered only when a sentence the answer quotes names two people the
question does not name (``bot/answer/support.py``: ``PEOPLE_NAMED``, read by
``bot/answer/extractive.py``'s ``answer_question``; refusal ``people-unnamed``).

A report of the call that names only the two on it held most of the question's words and
used to answer it with sentences about the call (fact_not_stated questions of the spent
fresh batches: "Which US officials listened in on Trump's June 4 call with Putin?"). A
report naming who travelled with the envoy answers its question, and "which countries'
foreign ministers" asks for countries, not people (refused on batch P's first read). The
check reads the quoted sentences only, so the answer is the same at every clock.

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

CALL = datetime(2025, 10, 14, 9, tzinfo=UTC)

REPORTS = (
    report("halvorsen-call-en", "en", "Harbour Wire",
           "Halvorsen and Petrenko discuss Black Sea truce by phone",
           "Norwegian mediator Lars Halvorsen spoke by phone with Ukrainian envoy Oleh Petrenko "
           "on Tuesday about a truce for the Black Sea ports. The call lasted about an hour, "
           "Halvorsen's office said. Petrenko called the call useful and said the ports "
           "should reopen before winter.", CALL),
    report("petrenko-trip-en", "en", "Meridian Daily",
           "Petrenko travels to Tromso for talks on prisoner swaps",
           "Ukrainian envoy Oleh Petrenko travelled to Tromso on Thursday for talks on prisoner "
           "swaps. Deputy minister Ivan Kovalchuk and adviser Maryna Sydorenko travelled with "
           "Petrenko to Tromso, his office said.", CALL + timedelta(days=2)),
    report("tromso-partners-en", "en", "Meridian Daily",
           "Four partner countries invited to Tromso port talks",
           "The foreign ministers of Norway, Finland, Iceland and Estonia were invited to a "
           "partner session of the Tromso talks on a Black Sea truce for Ukraine, the organisers "
           "said on Wednesday. No minister named a date for the ports to reopen.",
           CALL + timedelta(days=1)),
)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return made_up_store((*other_talks(CALL), *REPORTS), tmp_path_factory.mktemp("people"))


@pytest.mark.parametrize("after", CLOCKS)
async def test_a_report_naming_no_one_else_does_not_answer_which_officials(
        store: Path, shared_engine: Engine, after: timedelta) -> None:
    answer = await ask_store(
        store, shared_engine,
        "Which Norwegian officials listened in on Halvorsen's Black Sea call with Petrenko?",
        "en", CALL + timedelta(days=3) + after)
    answers_or_refuses(answer, "", "people-unnamed")


@pytest.mark.parametrize("after", CLOCKS)
async def test_a_report_naming_the_people_answers_which_officials(
        store: Path, shared_engine: Engine, after: timedelta) -> None:
    answer = await ask_store(store, shared_engine,
                             "Which Ukrainian officials travelled with Petrenko to Tromso?",
                             "en", CALL + timedelta(days=3) + after)
    answers_or_refuses(answer, "Kovalchuk", "")


@pytest.mark.parametrize("after", CLOCKS)
async def test_which_countries_ministers_asks_for_countries(
        store: Path, shared_engine: Engine, after: timedelta) -> None:
    answer = await ask_store(
        store, shared_engine,
        "Which countries' foreign ministers were invited to the partner session of the "
        "Tromso talks?", "en", CALL + timedelta(days=3) + after)
    answers_or_refuses(answer, "Finland", "")
