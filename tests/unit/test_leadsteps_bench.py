"""``bench/leadsteps.py``: which step after retrieval moves a right report into or out of
first place. Its counts come from the steps' own outputs, so these check the counting: a
step's move is counted once, at the outermost call, and every step it names is one that
``answer_question`` calls (a renamed step would silently count nothing)."""

from __future__ import annotations

import asyncio
import inspect
from dataclasses import dataclass

from bench.leadsteps import STEPS, StepLog, tally
from bot.answer import extractive


@dataclass
class _Article:
    id: int


def test_every_step_is_one_answer_question_calls() -> None:
    source = inspect.getsource(extractive.answer_question)
    for name in STEPS:
        assert callable(getattr(extractive, name)), name
        assert f"{name}(" in source, name


def test_a_step_nested_in_another_is_not_counted_apart() -> None:
    log = StepLog()

    def inner(ranked: list[_Article]) -> list[_Article]:
        return ranked[::-1]

    wrapped_inner = log.wrap("inner", inner)

    async def outer(ranked: list[_Article]) -> list[_Article]:
        return wrapped_inner(ranked)[:1] + ranked

    wrapped_outer = log.wrap("outer", outer)
    asyncio.run(wrapped_outer([_Article(1), _Article(2)]))
    assert log.steps == [("outer", 2)]
    assert wrapped_inner([_Article(3), _Article(4)]) and log.steps[-1] == ("inner", 4)


def test_moves_in_and_out_of_first_place_are_counted_per_step() -> None:
    rows = [
        # retrieval wrong, support right, _lead_across wrong again
        {"support": ["a"], "final": "b",
         "steps": [("_retrieve", "b"), ("support", "a"), ("_lead_across", "b")]},
        # retrieval right, a step between two right reports moves nothing
        {"support": ["a", "c"], "final": "c",
         "steps": [("_retrieve", "a"), ("_distinct_lead", "c")]},
        # nothing cited after retrieval
        {"support": ["a"], "final": None, "steps": []},
    ]
    moves, retrieved, final, refused = tally(rows)
    assert moves == {("support", "gained"): 1, ("_lead_across", "lost"): 1}
    assert (retrieved, final, refused) == (1, 1, 0)
    refused_row = {"support": ["a"], "final": None, "steps": [("_retrieve", "a")]}
    assert tally([refused_row])[1:] == (1, 0, 1)
