"""The question-side readings behind stop 31's answerability rules, one by one (issue 12):
which names a question joins ("Meloni and Putin"), which leaders are part of what a "how
many" question counts rather than of a clause that dates it, and whether a question asks
about the past. The end-to-end cases are in ``test_question_constraints.py`` and
``test_earlier_development.py``; these pin the edges those do not reach (the readings read
no clock), and one more end to end: a figure in the other language's report about another
leader's call, asked at a week, a year and two years.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.answer.engine import Engine
from bot.answer.support import _leaders_counted, _pairs, asks_past
from bot.answer.when import Window
from tests.answers.support import CLOCKS, made_up_store, other_talks, refusal_of
from tests.answers.support import made_up_report as report
from tests.answers.test_support_rules import indexed

REPORTS = ("Italian prime minister Giorgia Meloni met Vladimir Putin in Rome on Friday.",
           "Donald Trump spoke to Volodymyr Zelensky after his call with Putin.",
           "トランプ大統領はプーチン大統領との会談の後、ゼレンスキー大統領と電話で話した。")


@pytest.mark.parametrize(("question", "pairs"), [
    ("What did Meloni and Putin discuss in Rome?", [("meloni", "putin")]),
    # A name no report uses on either side joins nothing (it is refused elsewhere).
    ("What did Meloni and Zorbakov discuss in Rome?", []),
    ("What did Zorbakov and Putin discuss in Rome?", []),
    # The same person twice is no pair.
    ("What did Putin and Putin's aides say?", []),
])
def test_the_names_a_question_joins(shared_engine: Engine, question: str,
                                    pairs: list[tuple[str, str]]) -> None:
    engine = indexed(shared_engine, *REPORTS)
    found = _pairs(question, engine.concepts_for(question, Window()), engine)
    assert [(a.tokens[0], b.tokens[0]) for a, b in found] == pairs


@pytest.mark.parametrize(("question", "leaders"), [
    # The call with Putin only dates the count: the call counted is with Zelensky.
    ("How many minutes did Trump's call with Zelensky last after he spoke to Putin?",
     {"trump", "zelenski"}),
    ("プーチン大統領との会談の後に、トランプ大統領がゼレンスキー大統領と話した電話は何分だった?",
     {"トランプ", "ゼレンスキー"}),
    ("トランプ大統領とゼレンスキー大統領の電話は何分だった?", {"トランプ", "ゼレンスキー"}),
])
def test_the_leaders_of_what_is_counted(shared_engine: Engine, question: str,
                                        leaders: set[str]) -> None:
    engine = indexed(shared_engine, *REPORTS)
    counted = _leaders_counted(question, engine.concepts_for(question, Window()), engine)
    assert {c.tokens[0] for c in counted} == leaders


@pytest.mark.parametrize(("question", "past"), [
    ("What did Putin say after the call?", True),
    ("会談は何時間だった?", True),
    ("When will the next round be held?", False),
    # Neither past nor future: not a question about the past.
    ("Where are Trump and Putin meeting?", False),
])
def test_a_question_about_the_past(question: str, past: bool) -> None:
    assert asks_past(question) is past


CALL = datetime(2025, 10, 14, 15, tzinfo=UTC)
CALL_REPORTS = (
    report("call-en", "en", "Harbor Wire", "Trump and Putin speak by phone",
           "Donald Trump spoke to Vladimir Putin on Tuesday, and the call with Putin lasted "
           "90 minutes. Trump then phoned Volodymyr Zelensky to brief him on the talks.",
           CALL),
    *other_talks(CALL),
)


@pytest.fixture(scope="module")
def call_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return made_up_store(CALL_REPORTS, tmp_path_factory.mktemp("call"))


@pytest.mark.parametrize("after", CLOCKS)
async def test_a_translated_figure_about_another_leader_does_not_answer(
        call_store: Path, shared_engine: Engine, after: timedelta) -> None:
    """Asked in Japanese how long Trump's call with Zelensky was, the only figure is the
    English report's 90 minutes of the call with Putin: the figure's own sentence must
    name every leader of what is counted, in the other language's report too."""
    assert await refusal_of(call_store, shared_engine,
                            "トランプ氏とゼレンスキー氏の電話は何分だった?", "ja",
                            CALL + after) == "figure-not-given"
