"""Follow-up decisions: which questions would inherit a thread's context.

Used by ``bench/quality.py --dev-misses``, ``--probe`` and ``--demo``. Every question is put
to ``bot.answer.followup.inherits`` as if asked in a thread: a labelled follow-up should
inherit, any other question should not (it names its own subject). On the real set, the
answerable questions are also asked in the thread of another development's story: what a
wrong inheritance costs, as hit@1.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bench.realset import Report
from bot.answer.engine import Engine
from bot.answer.evaluation import DEFAULT_ZONE, Asker, Question
from bot.answer.extractive import Scope
from bot.answer.followup import inherits
from bot.store.db import SessionFactory
from bot.store.models import Article


@dataclass
class FollowupFigures:
    followups: int = 0
    followups_inheriting: int = 0
    others: int = 0
    others_inheriting: int = 0
    #: (question id, lang, text) of every wrong decision.
    wrong: list[tuple[str, str, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, int]:
        return {"followups": self.followups, "followups_inheriting": self.followups_inheriting,
                "self_contained": self.others,
                "self_contained_not_inheriting": self.others - self.others_inheriting}

    def report(self, *, listed: bool = True) -> str:
        lines = ["follow-up decision (each question as if asked in a thread)",
                 f"  follow-ups that inherit the thread's context   "
                 f"{self.followups_inheriting:>4} of {self.followups}",
                 f"  self-contained questions that do not inherit   "
                 f"{self.others - self.others_inheriting:>4} of {self.others}"]
        if listed:
            lines += [f"  wrong: {qid} ({lang}) {text}" for qid, lang, text in self.wrong]
        return "\n".join(lines)


async def followup_figures(questions: Sequence[Question], sessions: SessionFactory,
                           engine: Engine, *, now: datetime) -> FollowupFigures:
    """Decide every question as ``answer_question`` would in a thread, at ``now``."""
    out = FollowupFigures()
    async with sessions() as session:
        await engine.refresh(session, force=True)
    for q in questions:
        when = q.asked_at or now
        zone = ZoneInfo("UTC") if q.asked_at is not None else DEFAULT_ZONE
        decided = inherits(q.text, engine, now=when, zone=zone)
        if q.kind == "followup":
            out.followups += 1
            out.followups_inheriting += decided
            if not decided:
                out.wrong.append((q.id, q.lang, q.text))
        else:
            out.others += 1
            out.others_inheriting += decided
            if decided:
                out.wrong.append((q.id, q.lang, q.text))
    return out


async def hit1_in_another_thread(questions: Sequence[Question], reports: Sequence[Report],
                                 sessions: SessionFactory, ask: Asker, *,
                                 now: datetime) -> tuple[int, int]:
    """(right report first, asked): each answerable question that is not a follow-up, asked
    in the thread of the next development's story, as a reader in the wrong thread would."""
    async with sessions() as session:
        story_of = dict((await session.execute(
            select(Article.guid, Article.story_id))).tuples().all())
    devs = sorted({r.development for r in reports})
    thread = {d: story_of.get(next(r.guid for r in reports if r.development == d))
              for d in devs}
    hits = asked = 0
    for q in questions:
        if q.kind in ("followup", "unanswerable") or q.development not in thread:
            continue
        other = devs[(devs.index(q.development) + 1) % len(devs)]
        when = q.asked_at or now
        zone = ZoneInfo("UTC") if q.asked_at is not None else DEFAULT_ZONE
        _answer, guids = await ask(q.text, q.lang, when, zone, Scope(thread[other]))
        asked += 1
        hits += bool(guids) and guids[0] in q.support
    return hits, asked
