"""The question-side readings behind stop 31's answerability rules, one by one (issue 12):
which names a question joins ("Meloni and Putin"), which leaders are part of what a "how
many" question counts rather than of a clause that dates it, and whether a question asks
about the past. The end-to-end cases are in ``test_question_constraints.py`` and
``test_earlier_development.py``; these pin the edges those do not reach. No clock is read.
"""

from __future__ import annotations

import pytest

from bot.answer.engine import Engine
from bot.answer.support import _leaders_counted, _pairs, asks_past
from bot.answer.when import Window
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
