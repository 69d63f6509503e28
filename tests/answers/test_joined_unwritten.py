"""A person the question has join a call or a meeting that no report has them take part in
refuses ``joined-unwritten`` (``bot/answer/clause.py``: ``joined_unwritten``).

In the spent fresh batches, "What did Zelensky say when he joined the June 4 Trump–Putin
phone call as a third participant?" and eighteen questions like it (a leader "joining" a
call, a lunch or a summit he was never at) were all unanswerable; ten of them were answered
from reports of the call that name him only as someone who spoke about it. Who took part in
a call or a meeting is what its reports tell, so a participant none of them writes taking
part in anything was not there. One who is written taking part is answered.

Invented calls, written for this test, go through the real pipeline (RSS over loopback,
ingest); each question is asked the way ``ceasefire-bot ask`` asks it, a week, a year and
two years later.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.answer.engine import Engine
from tests.answers.support import CLOCKS, ask_store, made_up_store, other_talks, refusal_of
from tests.answers.support import made_up_report as report

CALL = datetime(2025, 7, 8, 15, tzinfo=UTC)
VIDEO = CALL + timedelta(days=3)
LAST = VIDEO + timedelta(hours=4)

REPORTS = (
    report("call-1", "en", "Harbour Wire", "Trump and Putin talk for two hours",
           "Trump and Putin spoke by phone for two hours on Tuesday about a ceasefire in "
           "Ukraine, the Kremlin said.\n\nZelensky said afterwards that he hoped the phone "
           "call would bring the ceasefire closer.", CALL),
    report("call-2", "en", "Lakeside Times", "No breakthrough in Trump-Putin phone call",
           "The Trump-Putin phone call on Tuesday brought no breakthrough on a ceasefire, "
           "aides said. Zelensky told reporters in Kyiv he would wait for the results.",
           CALL + timedelta(hours=3)),
    report("video-1", "en", "Fjord Wire", "Macron joins leaders' video call on air defence",
           "Macron joined the European leaders' video call on Friday and said Ukraine "
           "needed ten more air defence systems to protect the ceasefire talks.", VIDEO),
)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return made_up_store((*other_talks(CALL), *REPORTS), tmp_path_factory.mktemp("joined"))


UNANSWERABLE = "What did Zelensky say when he joined the Trump-Putin phone call?"


@pytest.mark.parametrize("after", CLOCKS)
@pytest.mark.parametrize(("gate_off", "refusal"),
                         [("", "joined-unwritten"), ("joined-unwritten", None)],
                         ids=["check-on", "check-off"])
async def test_a_leader_no_report_has_on_the_call_is_refused(
        store: Path, shared_engine: Engine, after: timedelta, gate_off: str,
        refusal: str | None, monkeypatch: pytest.MonkeyPatch) -> None:
    """With the check off, the reports of the call answer it."""
    monkeypatch.setenv("CEASEFIRE_GATE_OFF", gate_off)
    assert await refusal_of(store, shared_engine, UNANSWERABLE, "en", LAST + after) == refusal


@pytest.mark.parametrize("after", CLOCKS)
async def test_a_leader_written_taking_part_is_answered(
        store: Path, shared_engine: Engine, after: timedelta) -> None:
    question = "What did Macron say when he joined the leaders' video call?"
    answer = await ask_store(store, shared_engine, question, "en", LAST + after)
    assert answer.answerable, answer.refusal
    assert "ten more air defence systems" in answer.text
