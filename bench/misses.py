"""Error analysis on the dev split: every miss with its cause, bucketed by question kind.

Used by ``python bench/quality.py --dev-misses``. A miss is put in one bucket by what went
wrong first: an unanswerable question answered, an answerable one refused, no right report
in the first three (retrieval), a right report but not first (ranking), or the right report
first without the asked fact quoted (the fact is in a cited report but another sentence was
chosen, or no cited report states it: it is only in reports not cited).
"""

from __future__ import annotations

import re
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
    #: Asked facts present / asked, by what the question asks for (answerable only).
    facts_found: Counter[str] = field(default_factory=Counter)
    facts_asked: Counter[str] = field(default_factory=Counter)
    #: Refusals by the check that refused and the question's kind.
    refusals: Counter[tuple[str, str]] = field(default_factory=Counter)
    #: Per half of dev's developments: [answerable, answerable refused, unanswerable,
    #: unanswerable refused, facts asked, facts present] (two-fold cross-validation).
    halves: dict[str, list[int]] = field(default_factory=dict)
    #: The follow-up decision's figures (``bench.followups``), printed with the misses.
    followups: str = ""

    def __post_init__(self) -> None:
        self._text = {r.guid: normalise(f"{r.title}\n{r.text}\n"
                                        f"{(r.update or {}).get('text', '')}")
                      for r in self.realset.reports}

    def __call__(self, q: Question, answer: Answer, guids: list[str]) -> None:
        self.asked[kind_of(q)] += 1
        if not answer.answerable:
            self.refusals[(getattr(answer, "refusal", "") or "?", kind_of(q))] += 1
        row = self.halves.setdefault(half_of(q), [0] * 6)
        present = 0
        if q.kind != "unanswerable":
            text = normalise(answer.text) if answer.answerable else ""
            for key in (f"kind {q.kind}", f"asks {slot_of(q.text)}"):
                self.facts_asked[key] += len(q.facts)
                self.facts_found[key] += sum(normalise(f) in text for f in q.facts)
            present = sum(normalise(f) in text for f in q.facts)
        unanswerable = q.kind == "unanswerable"
        row[2 * unanswerable] += 1
        row[2 * unanswerable + 1] += not answer.answerable
        if not unanswerable:
            row[4] += len(q.facts)
            row[5] += present
        cause = self.cause(q, answer, guids)
        if cause is not None:
            shown = answer.text.replace("\n", " ")[:220]
            why = f" refusal={getattr(answer, 'refusal', '')}" if not answer.answerable else ""
            self.misses.append(Miss(q, cause, f"top={guids[:3]}{why} answer={shown!r}"))

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
        lines += ["", "asked facts present, by question kind and by what it asks for",
                  f"{'bucket':<30}{'present':>8}{'asked':>7}{'missing':>9}{'share':>7}"]
        for key, n in sorted(self.facts_asked.items(),
                             key=lambda kv: self.facts_found[kv[0]] - kv[1]):
            got = self.facts_found[key]
            lines.append(f"{key:<30}{got:>8}{n:>7}{n - got:>9}{got / n if n else 0:>7.2f}")
        lines += ["", "refusals by the check that refused",
                  f"{'check':<24}{'kind':<34}{'n':>4}"]
        lines += [f"{why:<24}{kind:<34}{n:>4}" for (why, kind), n in sorted(self.refusals.items())]
        lines += ["", "two halves of dev (cross-validation): answerable refused, unanswerable "
                  "refused (recall), facts present",
                  f"{'half':<6}{'ans':>5}{'refused':>9}{'unans':>7}{'refused':>9}{'facts':>7}"
                  f"{'share':>7}"]
        for half, (a, ar, u, ur, fa, fp) in sorted(self.halves.items()):
            lines.append(f"{half:<6}{a:>5}{ar:>9}{u:>7}{ur:>9}{fa:>7}{fp / fa if fa else 0:>7.3f}")
        lines += ["", self.followups] if self.followups else []
        lines.append("")
        for m in sorted(self.misses, key=lambda m: (m.cause, kind_of(m.question))):
            q = m.question
            lines.append(f"[{m.cause}] {q.id} ({kind_of(q)}, {q.lang}) {q.text}")
            lines.append(f"    facts={list(q.facts)} support={list(q.support)[:4]}")
            lines.append(f"    {m.detail}")
        return "\n".join(lines)


#: Dev's developments in two halves (odd and even positions in date order); misc
#: questions by the parity of their number.
_HALF_A = frozenset({"d01", "d05", "d09", "d13", "d17", "d21"})


def half_of(q: Question) -> str:
    """Which half of dev a question belongs to (for two-fold cross-validation)."""
    dev = q.id.split("-")[0]
    if dev == "misc":
        return "A" if int(q.id.rsplit("q", 1)[-1]) % 2 else "B"
    return "A" if dev in _HALF_A else "B"


def kind_of(q: Question) -> str:
    """The question's kind, with an unanswerable one's reason."""
    if q.kind == "unanswerable":
        return f"unanswerable/{q.unanswerable_kind or '?'}"
    return q.kind


#: What a question asks for, by its question word (first match wins).
_SLOTS = (("how many", re.compile(r"how many|how much|何人|何件|何回|何カ国|いくつ|人数")),
          ("how long", re.compile(r"how long|何時間|何日間|何分|どのくらい|どれくらい")),
          ("when", re.compile(r"\bwhen\b|by when|what date|いつ|何日")),
          ("where", re.compile(r"\bwhere\b|which (?:city|base|palace|country)|どこ")),
          ("who", re.compile(r"\bwho\b|which \w* ?(?:leader|minister|official|envoy)|誰|だれ")),
          ("what was said", re.compile(r"\b(?:say|said|tell|told|call|describe|respond)\b"
                                       r"|何と|どう(?:語|述|表現)")),
          ("what was agreed / yes-no", re.compile(r"agree|deal|sign|合意|決ま|まとま|署名|"
                                                  r"^(?:was|were|did|is|are|has|have)\b|の\?$")))


def slot_of(question: str) -> str:
    """The kind of answer a question asks for (for bucketing misses)."""
    text = question.lower().strip()
    return next((name for name, pattern in _SLOTS if pattern.search(text)), "what / other")
