"""Which step after retrieval moves a right report into or out of first place (spent fresh).

    python bench/leadsteps.py [--json OUT.json]

For every answerable, self-contained question of the spent fresh batches
(``freshmiss.SPENT``; follow-ups are left out), asked as ``bench/freshmiss.py`` asks it (a
week after the last report): the report each step of ``answer_question`` puts first, from
the retrieval's lead on (``STEPS``; a step called inside another step is not counted
apart). Per step: how often it put a right report (one of the question's ``support``)
first where the report before it was not (gained), and the other way round (lost); the
baseline is the retrieval's own lead, right first against the final answer's (a question
refused after retrieval has no final lead). Ends with one line of JSON.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import json
import sys
import tempfile
from collections import Counter
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import bot.answer.extractive as ex  # noqa: E402
from bench.bm25lead import json_arg  # noqa: E402
from bench.dev_side import AnswerLog, _ours  # noqa: E402
from bench.freshmiss import SPENT, spent_fresh  # noqa: E402
from bench.quality import CLOCKS  # noqa: E402
from bench.realset import build_store, load_realset  # noqa: E402
from bot.answer.evaluation import evaluate  # noqa: E402
from bot.answer.extractive import Scope  # noqa: E402
from bot.model import Answer, Lang  # noqa: E402
from bot.store.db import open_store  # noqa: E402
from bot.store.models import Article  # noqa: E402
from bot.text.analyzer import Analyzer  # noqa: E402

#: The steps of ``answer_question`` that return the reports in order, as it calls them.
STEPS = ("_retrieve", "_put_first", "support", "_figure_across", "_spare_third",
         "_story_over_strays", "_slot_lead", "_lead_across", "_view_adding_most",
         "_answering_lead", "_answering_story", "_distinct_lead", "_across_fill",
         "_fact_in_story", "_lead_with")


def _first_id(out: Any) -> int | None:
    """The article id an ordered result puts first (a hit's or an article's)."""
    if isinstance(out, tuple) and out and isinstance(out[0], list):
        out = out[0]  # (hits, scoped) or (ranked, why)
    if not isinstance(out, list) or not out:
        return None
    first = out[0]
    return getattr(first, "article_id", None) or getattr(first, "id", None)


class StepLog:
    """The first report after each outermost step call, for one question at a time."""

    def __init__(self) -> None:
        self.steps: list[tuple[str, int]] = []
        self._depth = 0

    def wrap(self, name: str, step: Callable[..., Any]) -> Callable[..., Any]:
        log = self
        if inspect.iscoroutinefunction(step):
            @functools.wraps(step)
            async def outer(*args: Any, **kwargs: Any) -> Any:
                log._depth += 1
                try:
                    out = await step(*args, **kwargs)
                finally:
                    log._depth -= 1
                log._note(name, out)
                return out
            return outer

        @functools.wraps(step)
        def inner(*args: Any, **kwargs: Any) -> Any:
            log._depth += 1
            try:
                out = step(*args, **kwargs)
            finally:
                log._depth -= 1
            log._note(name, out)
            return out
        return inner

    def _note(self, name: str, out: Any) -> None:
        first = _first_id(out)
        if self._depth == 0 and first is not None:
            self.steps.append((name, first))


def tally(rows: list[dict[str, Any]]) -> tuple[Counter[tuple[str, str]], int, int, int]:
    """(per step and way, gained / lost first places; retrieval right first; the answer's;
    refused with a right report retrieved first)."""
    moves: Counter[tuple[str, str]] = Counter()
    retrieved = final = refused = 0
    for row in rows:
        support = set(row["support"])
        leads = [guid for _name, guid in row["steps"]]
        retrieved += bool(leads) and leads[0] in support
        final += row["final"] in support
        refused += row["final"] is None and bool(leads) and leads[0] in support
        for (_a, before), (name, after) in zip(row["steps"], row["steps"][1:], strict=False):
            if (before in support) != (after in support):
                moves[(name, "gained" if after in support else "lost")] += 1
    return moves, retrieved, final, refused


async def run(out: Path | None) -> dict[str, object]:
    realset = spent_fresh(load_realset())
    questions = [q for q in realset.questions if q.split == "fresh"
                 and q.kind not in ("unanswerable", "followup")]
    log = StepLog()
    steps_of: dict[str, list[tuple[str, int]]] = {}
    answers = AnswerLog()
    originals = {name: getattr(ex, name) for name in STEPS}
    try:
        for name, step in originals.items():
            setattr(ex, name, log.wrap(name, step))
        with tempfile.TemporaryDirectory() as tmp:
            db = await build_store(realset, Path(tmp))
            async with open_store(f"sqlite:///{db}") as (_engine, sessions):
                async with sessions() as session:
                    guid_of = dict((await session.execute(
                        select(Article.id, Article.guid))).tuples().all())
                ours = _ours(sessions, Analyzer())

                async def ask(text: str, lang: Lang, now: datetime, zone: ZoneInfo,
                              scope: Scope | None) -> tuple[Answer, list[str]]:
                    log.steps.clear()
                    answered = await ours(text, lang, now, zone, scope)
                    steps_of[text] = list(log.steps)
                    return answered

                await evaluate(questions, sessions, ask,
                               default_now=realset.last_report + CLOCKS["week"],
                               observe=answers)
    finally:
        for name, step in originals.items():
            setattr(ex, name, step)
    rows: list[dict[str, Any]] = [
        {"id": q.id, "kind": q.kind, "support": list(q.support),
         "final": (list(answers.rows[q.id]["cited"]) or [None])[0],  # type: ignore[call-overload]
         "steps": [(n, guid_of.get(i)) for n, i in steps_of.get(q.text, [])]}
        for q in questions]
    moves, retrieved, final, refused = tally(rows)
    print(f"{len(rows)} answerable self-contained questions of {SPENT[0]}-{SPENT[-1]}, "
          "a week after the last report")
    print(f"{'step':<22}{'gained':>8}{'lost':>8}")
    for name in STEPS[1:]:
        print(f"{name:<22}{moves[(name, 'gained')]:>8}{moves[(name, 'lost')]:>8}")
    print(f"right first: the retrieval's lead {retrieved}, the answer's {final}; refused with "
          f"a right report retrieved first {refused}")
    if out is not None:
        await asyncio.to_thread(out.write_text, json.dumps(rows, ensure_ascii=False,
                                                           indent=1), "utf-8")
    figures = {"bench": "leadsteps", "questions": len(rows), "retrieval_right_first": retrieved,
               "answer_right_first": final, "refused_right_retrieved": refused,
               "steps": {name: [moves[(name, "gained")], moves[(name, "lost")]]
                         for name in STEPS[1:]}}
    print(json.dumps(figures))
    return figures


def main(argv: list[str] | None = None) -> None:
    asyncio.run(run(json_arg(argv, __doc__ or "")))


if __name__ == "__main__":
    main()
