"""A question about a decision on an event asks what became of it, not what happened at it
(issue 12: answerable questions refused, found on ``tests/data/realnews_probe/probe4.json``).

"How did Putin frame Trump's decision on the Sopron meeting?" was refused as if it asked
what the leaders did at a meeting that was called off: the reports say the meeting was
called off, and that is what the question is about. A question about what was done at the
called-off meeting still refuses.

The reports are written for this test (our own words, an invented summit), served as RSS
from 127.0.0.1 and ingested by the bot's pipeline; questions are asked as
``ceasefire-bot ask`` asks them, at a week, a year and two years after the reports.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.answer.engine import Engine
from tests.answers.support import CLOCKS, ask_store, made_up_store, other_talks, refusal_of
from tests.answers.support import made_up_report as report

CALLED_OFF = datetime(2025, 11, 4, 9, tzinfo=UTC)

REPORTS = (
    report("sopron-en", "en", "Danube Wire", "Trump calls off Sopron summit with Putin",
           "President Trump said on Tuesday he had called off the summit with Vladimir Putin "
           "planned in Sopron, because the talks were going nowhere. His decision on the "
           "Sopron meeting would stand until Moscow moved on a ceasefire, he told reporters.",
           CALLED_OFF),
    report("sopron-ja", "ja", "Kyokai Shimbun", "プーチン氏、ショプロン会談は「延期」と主張",
           "プーチン大統領は5日、トランプ大統領がショプロンでの首脳会談を見送った決定について、"
           "中止ではなく延期だと主張した。",
           CALLED_OFF + timedelta(days=1)),
    *other_talks(CALLED_OFF),
)

DECISION = "How did Putin frame Trump's decision on the Sopron meeting?"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return made_up_store(REPORTS, tmp_path_factory.mktemp("decision-on-event"))


@pytest.mark.parametrize("after", CLOCKS)
async def test_a_decision_on_a_called_off_meeting_is_answered(
        store: Path, shared_engine: Engine, after: timedelta) -> None:
    answer = await ask_store(store, shared_engine, DECISION, "en", CALLED_OFF + after)
    assert answer.answerable, answer.text
    assert "Sopron" in answer.text


@pytest.mark.parametrize("after", CLOCKS)
async def test_what_was_done_at_the_called_off_meeting_still_refuses(
        store: Path, shared_engine: Engine, after: timedelta) -> None:
    asked = "What did Trump and Putin agree at the Sopron meeting?"
    assert await refusal_of(store, shared_engine, asked, "en",
                            CALLED_OFF + after) == "event-called-off"
