"""Run the labelled questions (tests/data/qa_labelled.json) against a store of the demo
feeds: retrieval hit@1/hit@3, fact recall and "no source" precision/recall.

Shared by ``bench/quality.py`` (prints the table) and the quality-floor test.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.answer.engine import Engine
from bot.answer.extractive import Scope, answer_question
from bot.model import Answer, Lang
from bot.store.db import SessionFactory
from bot.store.models import Article
from bot.text.sentences import normalise

#: Questions without ``asked_at`` are asked after the last demo report.
DEFAULT_NOW = datetime(2025, 9, 1, tzinfo=UTC)
DEFAULT_ZONE = ZoneInfo("Asia/Tokyo")


@dataclass(frozen=True)
class Question:
    id: str
    lang: Lang
    text: str
    kind: str
    context: dict[str, str] | None
    support: tuple[str, ...]
    facts: tuple[str, ...]
    asked_at: datetime | None
    #: Real-coverage set only: the development it is about, its split, why unanswerable.
    development: str | None = None
    split: str | None = None
    unanswerable_kind: str | None = None


def load_questions(path: Path) -> list[Question]:
    rows = json.loads(path.read_text(encoding="utf-8"))
    return [Question(r["id"], r["lang"], r["question"], r["kind"], r["context"],
                     tuple(r["support"]), tuple(r["facts"]),
                     datetime.fromisoformat(r["asked_at"]) if r["asked_at"] else None)
            for r in rows]


@dataclass
class Scores:
    answerable: int = 0
    hit1: int = 0
    hit3: int = 0
    facts: int = 0
    facts_found: int = 0
    said_none: int = 0
    said_none_right: int = 0
    unanswerable: int = 0
    newer: int = 0
    newer_first: int = 0
    #: Answerable questions answered "no source found".
    refused_answerable: int = 0
    misses: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, float]:
        def ratio(a: int, b: int) -> float:
            return round(a / b, 3) if b else 0.0
        return {"hit@1": ratio(self.hit1, self.answerable),
                "hit@3": ratio(self.hit3, self.answerable),
                "fact_recall": ratio(self.facts_found, self.facts),
                "no_source_precision": ratio(self.said_none_right, self.said_none),
                "no_source_recall": ratio(self.said_none_right, self.unanswerable),
                "newer_report_first": ratio(self.newer_first, self.newer),
                "answerable_refused": ratio(self.refused_answerable, self.answerable)}


#: ``(question, now, zone, scope) -> (answer, guids of cited articles in order)``
Asker = Callable[[str, Lang, datetime, ZoneInfo, Scope | None],
                 Awaitable[tuple[Answer, list[str]]]]


def system_asker(sessions: SessionFactory, engine: Engine) -> Asker:
    async def ask(text: str, lang: Lang, now: datetime, zone: ZoneInfo,
                  scope: Scope | None) -> tuple[Answer, list[str]]:
        async with sessions() as session:
            answer = await answer_question(session, text, lang=lang, now=now, engine=engine,
                                           zone=zone, scope=scope)
            guids = await cited_guids(sessions, answer)
        return answer, guids
    return ask


async def cited_guids(sessions: SessionFactory, answer: Answer) -> list[str]:
    """The reports an answer cites, in the order the reader sees them ([1] first): "the
    right report cited first" is judged on what is shown, not on the ranking behind it."""
    urls = [c.url for c in sorted(answer.citations, key=lambda c: c.n)]
    async with sessions() as session:
        rows = dict((await session.execute(
            select(Article.url, Article.guid).where(Article.url.in_(urls)))).tuples().all())
    return [rows[u] for u in urls if u in rows]


#: Called with each question, its answer and the cited guids (for error analysis).
Observer = Callable[[Question, Answer, list[str]], None]


async def evaluate(questions: Sequence[Question], sessions: SessionFactory,
                   ask: Asker, *, default_now: datetime = DEFAULT_NOW,
                   observe: Observer | None = None) -> Scores:
    """Ask every question the way a reader would (follow-ups after their context)."""
    async with sessions() as session:
        rows = (await session.execute(
            select(Article.guid, Article.story_id, Article.url))).tuples().all()
    by_guid = {g: s for g, s, _u in rows}
    urls = {g: (u,) for g, _s, u in rows}
    scores = Scores()
    for q in questions:
        now = q.asked_at.astimezone(UTC) if q.asked_at else default_now
        zone = ZoneInfo("UTC") if q.asked_at is None else _zone_of(q.asked_at)
        zone = DEFAULT_ZONE if q.asked_at is None else zone
        scope: Scope | None = None
        if q.context and "previous_question" in q.context:
            prev, _ = await ask(q.context["previous_question"], q.lang, now, zone, None)
            if prev.answerable:
                scope = Scope(prev.story_id, prev.article_ids)
        elif q.context and "story_hint" in q.context:
            scope = Scope(by_guid.get(q.context["story_hint"]))
        answer, guids = await ask(q.text, q.lang, now, zone, scope)
        score_one(scores, q, answer, guids, urls)
        if observe is not None:
            observe(q, answer, guids)
    return scores


def _zone_of(when: datetime) -> ZoneInfo:
    offset = when.utcoffset()
    hours = int(offset.total_seconds() // 3600) if offset is not None else 0
    # Etc/GMT signs are inverted: Etc/GMT-9 is UTC+9.
    return ZoneInfo(f"Etc/GMT{-hours:+d}" if hours else "UTC")


def score_one(scores: Scores, q: Question, answer: Answer, guids: Sequence[str],
              cited_urls: Mapping[str, tuple[str, ...]]) -> None:
    if q.kind == "unanswerable":
        scores.unanswerable += 1
        if not answer.answerable:
            scores.said_none += 1
            scores.said_none_right += 1
        else:
            scores.misses.append(f"{q.id}: answered an unanswerable question")
        return
    scores.answerable += 1
    if not answer.answerable:
        scores.said_none += 1
        scores.refused_answerable += 1
        scores.facts += len(q.facts)
        scores.misses.append(f"{q.id}: said no source")
        return
    support = set(q.support)
    if q.kind == "newer_wins":
        scores.newer += 1
        first = next((c for c in answer.citations if c.n == 1), None)
        scores.newer_first += bool(first and guids and first.url in cited_urls.get(
            q.support[0], ()))
    scores.hit1 += bool(guids[:1] and guids[0] in support)
    scores.hit3 += bool(support.intersection(guids[:3]))
    text = normalise(answer.text)
    found = [f for f in q.facts if normalise(f) in text]
    scores.facts += len(q.facts)
    scores.facts_found += len(found)
    if len(found) < len(q.facts) or not guids or guids[0] not in support:
        scores.misses.append(f"{q.id}: facts {len(found)}/{len(q.facts)}, top "
                             f"{'ok' if guids and guids[0] in support else 'wrong'}")


async def story_pairwise_f1(sessions: SessionFactory, development_of: Mapping[str, str]
                            ) -> float:
    """Pairwise F1 of the stored story grouping against the labelled developments.

    Every pair of stored labelled reports counts: "same story" is the prediction, "same
    development" the truth.
    """
    async with sessions() as session:
        rows = [(g, s) for g, s in (await session.execute(
            select(Article.guid, Article.story_id))).tuples().all() if g in development_of]
    both = predicted = actual = 0
    for i, (guid_a, story_a) in enumerate(rows):
        for guid_b, story_b in rows[i + 1:]:
            same_story = story_a is not None and story_a == story_b
            same_dev = development_of[guid_a] == development_of[guid_b]
            predicted += same_story
            actual += same_dev
            both += same_story and same_dev
    if not both:
        return 0.0
    precision, recall = both / predicted, both / actual
    return round(2 * precision * recall / (precision + recall), 3)
