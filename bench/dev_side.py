"""Every dev-side set in one run: the dev split and the probes written over dev developments
(never the test split, the held-out probe2 or the latest blind probe), at a week after the
last report, ours and plain BM25 on one store. This is what a round of tuning reads.

    python bench/quality.py --dev-side [--answers OUT.json]

Counts, not ratios, per set: a change is judged question by question (``--answers`` writes
each question's answer, cited guids and facts found, to compare two runs).
"""

from __future__ import annotations

import asyncio
import json
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from bench.realset import RealSet, build_store, load_realset
from bot.answer.engine import Engine
from bot.answer.evaluation import Asker, Question, Scores, evaluate, system_asker
from bot.model import Answer
from bot.store.db import SessionFactory, open_store
from bot.text.analyzer import Analyzer
from bot.text.sentences import normalise

#: The probes a round may tune on; ``probe2`` is held out and the newest probe is run
#: blind once at the end of its round before it joins this list.
DEV_SIDE_PROBES = ("probe", "probe3", "probe4", "probe5", "probe6", "probe7", "probe8")
#: ``(sessions, analyzer) -> asker``: the plain-BM25 baseline of ``bench/quality.py``.
Baseline = Callable[[SessionFactory, Analyzer], Awaitable[Asker]]


@dataclass
class AnswerLog:
    """Each question's answer as ``evaluate`` observes it."""

    rows: dict[str, dict[str, object]] = field(default_factory=dict)

    def __call__(self, q: Question, answer: Answer, guids: list[str]) -> None:
        text = normalise(answer.text)
        self.rows[q.id] = {"question": q.text, "kind": q.kind, "answered": answer.answerable,
                           "refusal": answer.refusal, "cited": guids[:3],
                           "support": list(q.support),
                           "facts_found": [f for f in q.facts if normalise(f) in text],
                           "facts": list(q.facts), "text": answer.text}


def counts(scores: Scores) -> dict[str, int]:
    return {"answerable": scores.answerable, "hit@1": scores.hit1, "hit@3": scores.hit3,
            "facts": scores.facts, "facts_present": scores.facts_found,
            "answerable_refused": scores.refused_answerable,
            "unanswerable": scores.unanswerable,
            "unanswerable_refused": scores.said_none_right}


def dev_side_sets(realset: RealSet, probe_dir: Path) -> dict[str, list[Question]]:
    """The dev split's questions and each dev-side probe's, by set name."""
    sets: dict[str, list[Question]] = {"dev": realset.questions_of("dev")}
    for name in DEV_SIDE_PROBES:
        sets[name] = list(load_realset(only=probe_dir / f"{name}.json").questions)
    return sets


async def dev_side(realset: RealSet, probe_dir: Path, make_baseline: Baseline, *,
                   now: datetime, answers: Path | None = None) -> dict[str, object]:
    """Figures per dev-side set, asked at ``now``, for ours and the baseline."""
    analyzer = Analyzer()
    sets = dev_side_sets(realset, probe_dir)
    out: dict[str, object] = {}
    logs: dict[str, dict[str, dict[str, object]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        db = await build_store(realset, Path(tmp))
        async with open_store(f"sqlite:///{db}") as (_engine, sessions):
            plain = await make_baseline(sessions, analyzer)
            for name, questions in sets.items():
                log = AnswerLog()
                ours = await evaluate(questions, sessions, _ours(sessions, analyzer),
                                      default_now=now, observe=log)
                base = await evaluate(questions, sessions, plain, default_now=now)
                out[name] = {"ours": counts(ours), "bm25": counts(base)}
                logs[name] = log.rows
    if answers is not None:
        await asyncio.to_thread(answers.write_text,
                                json.dumps(logs, ensure_ascii=False, indent=1), "utf-8")
    return out


def _ours(sessions: SessionFactory, analyzer: Analyzer) -> Asker:
    return system_asker(sessions, Engine(analyzer=analyzer))


def print_table(figures: dict[str, object]) -> None:
    print(f"\ndev-side sets at a week after the last report (ours / plain BM25)\n"
          f"{'set':<8}{'answerable':>11}{'hit@1':>10}{'hit@3':>10}{'facts':>12}"
          f"{'ans. refused':>14}{'unans. refused':>16}")
    for name, per in figures.items():
        assert isinstance(per, dict)
        o, b = per["ours"], per["bm25"]
        print(f"{name:<8}{o['answerable']:>11}{o['hit@1']:>6} /{b['hit@1']:>3}"
              f"{o['hit@3']:>6} /{b['hit@3']:>3}{o['facts_present']:>8} /{o['facts']:>3}"
              f"{o['answerable_refused']:>14}"
              f"{o['unanswerable_refused']:>12} /{o['unanswerable']:>3}")
