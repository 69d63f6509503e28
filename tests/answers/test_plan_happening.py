"""A question about where or when planned talks will happen is answered from the report
that plans them, however it says that they happen (issue 12, answerable questions refused
on unseen wording): "take place" and "be held" say only that an event happens, so the
sentence with the plan need not repeat them (reports write "negotiators will meet in
Valletta"). The check still asks for what was asked: no report says *when* the talks will
be, so "when" is refused ("No source found").

The reports are written for this test (our own words, an invented venue), served as RSS
from 127.0.0.1 and ingested by the bot's pipeline; the questions are asked as
``ceasefire-bot ask`` asks them, at several clocks after the reports.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.answer.engine import Engine
from tests.answers.support import (
    CLOCKS,
    ask_store,
    first_cited,
    made_up_store,
    other_talks,
    refusal_of,
)
from tests.answers.support import made_up_report as report

CALL = datetime(2025, 9, 16, 18, tzinfo=UTC)

REPORTS = (
    report("call", "en", "Harbor Wire", "Follow-up negotiations after a port truce",
           "Putin and Trump agreed on Tuesday that Russia and Ukraine would stop striking "
           "each other's ports for 30 days. According to the White House, negotiators "
           "will meet in Valletta without delay to discuss a wider truce at sea.\n\n"
           "Both sides will also free 120 prisoners each.", CALL),
    # Other news that uses the question's frame words, as a real store does: "take" and
    # "place" are then rare words of the question (not missing ones, which are left out).
    report("exchange", "en", "Meridian Daily", "A prisoner exchange at the border",
           "The prisoner exchange between Russia and Ukraine is taking place at the "
           "border crossing, officials said. Buses were in place by morning.",
           CALL - timedelta(days=9)),
    report("parade", "en", "Meridian Daily", "Kyiv marks a holiday",
           "Crowds gathered in the main square in Kyiv to call for peace talks with Russia; "
           "the rally is taking place in the rain.", CALL - timedelta(days=12)),
    *other_talks(CALL),
)
WHERE = "Where will the follow-up negotiations take place?"
#: No report says when the negotiators meet: only that they will, and where.
WHEN = "When will the follow-up negotiations take place?"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return made_up_store(REPORTS, tmp_path_factory.mktemp("plan"))


@pytest.mark.parametrize("after", CLOCKS)
async def test_where_planned_talks_will_take_place_is_answered_with_the_place(
        store: Path, shared_engine: Engine, after: timedelta) -> None:
    assert await first_cited(store, shared_engine, WHERE, "en", CALL + after) == "call"
    answer = await ask_store(store, shared_engine, WHERE, "en", CALL + after)
    assert "Valletta" in answer.text


@pytest.mark.parametrize("after", CLOCKS)
async def test_when_no_report_says_when_the_plan_check_still_refuses(
        store: Path, shared_engine: Engine, after: timedelta) -> None:
    assert await refusal_of(store, shared_engine, WHEN, "en", CALL + after) == "plan-not-given"
