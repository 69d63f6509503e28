"""Two of the sides' leaders a question places at an event ("Trump and Putin … in Tallinn")
must be named with the event in one sentence of the first two reports found, the ones an
answer quotes: every report names the leaders, so naming them, or one of them at the place,
says nothing of their meeting there (issue 12: "What did Trump and Putin agree when they
met face to face in Sochi?" was answered from Putin speaking in Sochi about a phone call).
A pair that is not two leaders, or a pair placed nowhere, is not held to it."""

from __future__ import annotations

import pytest

from bot.answer.engine import Engine
from tests.answers.test_gate_switch import refusal as gate_refusal

APART = "Putin arrived in Tallinn on Thursday. Trump said Putin wanted a ceasefire."
TOGETHER = "Trump and Putin met in Tallinn on Thursday and agreed a prisoner swap."
OTHER = "Delegations met in Tallinn again for a second round."


def refusal(question: str, found: tuple[str, ...], shared_engine: Engine) -> str:
    return gate_refusal((question, found, ()), shared_engine)


@pytest.mark.parametrize(("question", "found", "expected"), [
    ("What did Trump and Putin agree in Tallinn?", (APART,), "pair-unplaced"),
    ("What did Trump and Putin agree in Tallinn?", (TOGETHER,), ""),
    ("What did Trump and Putin agree in Tallinn?", (APART, TOGETHER), ""),
    # Only the first two reports are quoted: a third naming them there does not count.
    ("What did Trump and Putin agree in Tallinn?", (APART, OTHER, TOGETHER), "pair-unplaced"),
    # Placed nowhere: the pair named together is enough (the pair-apart check).
    ("What did Trump and Putin agree?", (APART,), ""),
    # One leader and someone else: not held to it.
    ("What did Trump and Costa agree in Tallinn?",
     ("Costa arrived in Tallinn on Thursday. Trump said Costa wanted a ceasefire.",), ""),
])
def test_two_leaders_placed_at_an_event_are_named_there_together(
        question: str, found: tuple[str, ...], expected: str, shared_engine: Engine,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CEASEFIRE_GATE_OFF", raising=False)
    assert refusal(question, found, shared_engine) == expected
