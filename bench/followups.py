"""Follow-up decisions: which questions would inherit a thread's context.

Used by ``bench/quality.py --dev-misses``, ``--probe`` and ``--demo``. Every question is put
to ``bot.answer.followup.inherits`` as if asked in a thread: a labelled follow-up should
inherit, any other question should not (it names its own subject).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.answer.engine import Engine
from bot.answer.evaluation import DEFAULT_ZONE, Question
from bot.answer.followup import inherits
from bot.store.db import SessionFactory


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
