""""What did Putin tell Tusk when the two leaders spoke by phone?" joins the two people as
"Putin and Tusk spoke" does (``bot/answer/support.py``: ``_TOLD_EN``): a report must write
them together ("Tusk spoke with Putin"), not only name both ("Tusk said Putin's drones…"),
or the question refuses ``pair-unjoined``.

In the spent fresh batches, questions of this shape about calls that never happened (Putin
and Tusk over the drones, Putin and Lindsey Graham over the sanctions bill) were answered
from reports that name the two in one sentence and have them talk to nobody but others.

Invented calls, written for this test, go through the real pipeline (RSS over loopback,
ingest); each question is asked the way ``ceasefire-bot ask`` asks it, a week, a year and
two years later.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.answer.engine import Engine
from bot.answer.support import _TOLD_EN
from tests.answers.support import CLOCKS, ask_store, made_up_store, other_talks, refusal_of
from tests.answers.support import made_up_report as report

DRONES = datetime(2025, 9, 10, 8, tzinfo=UTC)
LAST = DRONES + timedelta(days=2)

REPORTS = (
    report("drones-1", "en", "Vistula Wire", "Tusk: drones were a provocation",
           "Tusk said Putin's drones had crossed into Polish airspace overnight in a "
           "provocation aimed at the ceasefire talks.\n\nThe Polish prime minister spoke by "
           "phone with Zelensky and NATO's secretary general on Wednesday.", DRONES),
    report("drones-2", "en", "Harbour Wire", "Poland shoots down drones",
           "Poland shot down several drones overnight. Tusk said in parliament that Putin was "
           "testing NATO while the ceasefire talks stalled.", DRONES + timedelta(hours=3)),
    report("macron-call", "en", "Seine Daily", "Macron and Putin speak by phone",
           "Macron spoke by phone with Putin on Thursday for two hours. Putin told Macron that "
           "the ceasefire talks in Istanbul should go on.", DRONES + timedelta(days=1)),
)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return made_up_store((*other_talks(DRONES), *REPORTS), tmp_path_factory.mktemp("told"))


NEVER = "What did Putin tell Tusk when the two leaders spoke by phone about the drones?"


@pytest.mark.parametrize("after", CLOCKS)
@pytest.mark.parametrize(("gate_off", "refusal"), [("", "pair-unjoined"), ("pair-unjoined", None)],
                         ids=["check-on", "check-off"])
async def test_a_call_no_report_writes_is_refused(
        store: Path, shared_engine: Engine, after: timedelta, gate_off: str,
        refusal: str | None, monkeypatch: pytest.MonkeyPatch) -> None:
    """With the check off, it is answered."""
    monkeypatch.setenv("CEASEFIRE_GATE_OFF", gate_off)
    assert await refusal_of(store, shared_engine, NEVER, "en", LAST + after) == refusal


@pytest.mark.parametrize("after", CLOCKS)
async def test_a_call_a_report_writes_is_answered(
        store: Path, shared_engine: Engine, after: timedelta) -> None:
    question = "What did Putin tell Macron when the two spoke by phone?"
    answer = await ask_store(store, shared_engine, question, "en", LAST + after)
    assert answer.answerable, answer.refusal
    assert "should go on" in answer.text


@pytest.mark.parametrize(("question", "pair"), [
    (NEVER, [("Putin", "Tusk")]),
    ("What did Putin tell Graham when they spoke by phone about the bill?", [("Putin", "Graham")]),
    ("What did Putin tell Trump after the two met in Alaska?", [("Putin", "Trump")]),
    # No "the two" talking: one told the other something, perhaps in public.
    ("What did Trump tell Zelensky about the Patriots?", []),
    ("What did Trump tell reporters when they asked about Putin?", []),
])
def test_which_questions_join_a_pair(question: str, pair: list[tuple[str, str]]) -> None:
    assert [m.groups() for m in _TOLD_EN.finditer(question)] == pair
