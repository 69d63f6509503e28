"""Error analysis on the dev split: every miss with its cause, bucketed by question kind.

Used by ``python bench/quality.py --dev-misses``. A miss is put in one bucket by what went
wrong first: an unanswerable question answered, an answerable one refused, no right report
in the first three (retrieval), a right report but not first (ranking), or the right report
first without the asked fact quoted (the fact is in a cited report but another sentence was
chosen, or no cited report states it: it is only in reports not cited).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from bench.realset import RealSet
from bot.answer.evaluation import Question
from bot.model import Answer
from bot.text.sentences import normalise


@dataclass
class Miss:
    question: Question
    cause: str
    detail: str


@dataclass
class MissLog:
    """Collects misses as ``evaluate`` observes each answer."""

    realset: RealSet
    misses: list[Miss] = field(default_factory=list)
    asked: Counter[str] = field(default_factory=Counter)

    def __post_init__(self) -> None:
        self._text = {r.guid: normalise(f"{r.title}\n{r.text}\n"
                                        f"{(r.update or {}).get('text', '')}")
                      for r in self.realset.reports}

    def __call__(self, q: Question, answer: Answer, guids: list[str]) -> None:
        self.asked[kind_of(q)] += 1
        cause = self.cause(q, answer, guids)
        if cause is not None:
            shown = answer.text.replace("\n", " ")[:220]
            self.misses.append(Miss(q, cause, f"top={guids[:3]} answer={shown!r}"))

    def cause(self, q: Question, answer: Answer, guids: list[str]) -> str | None:
        if q.kind == "unanswerable":
            return "wrongly answered" if answer.answerable else None
        if not answer.answerable:
            return "wrongly refused"
        support = set(q.support)
        text = normalise(answer.text)
        missing = [f for f in q.facts if normalise(f) not in text]
        if not support.intersection(guids[:3]):
            return "retrieval miss"
        if guids[0] not in support:
            return "ranking miss"
        if not missing:
            return None
        cited = [self._text.get(g, "") for g in guids]
        if all(any(normalise(f) in t for t in cited) for f in missing):
            return "wrong sentence"
        return "fact only in uncited reports"

    def report(self) -> str:
        buckets = Counter((m.cause, kind_of(m.question)) for m in self.misses)
        lines = [f"dev misses: {len(self.misses)} of {sum(self.asked.values())} questions",
                 f"{'cause':<30}{'kind':<28}{'n':>4}"]
        lines += [f"{cause:<30}{kind:<28}{n:>4}" for (cause, kind), n in buckets.most_common()]
        lines.append("")
        for m in sorted(self.misses, key=lambda m: (m.cause, kind_of(m.question))):
            q = m.question
            lines.append(f"[{m.cause}] {q.id} ({kind_of(q)}, {q.lang}) {q.text}")
            lines.append(f"    facts={list(q.facts)} support={list(q.support)[:4]}")
            lines.append(f"    {m.detail}")
        return "\n".join(lines)


def kind_of(q: Question) -> str:
    """The question's kind, with an unanswerable one's reason."""
    if q.kind == "unanswerable":
        return f"unanswerable/{q.unanswerable_kind or '?'}"
    return q.kind
