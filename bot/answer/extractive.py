"""A query-focused extractive answer: the best 1–3 articles, the sentences that match the
question best, each cited. Below a minimum match it says "no source found" instead."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.brief.labels import label
from bot.model import Answer, Citation, Lang, Sentence
from bot.store.models import Article
from bot.text.sentences import normalise, split_sentences
from bot.text.tokens import tokens

MIN_SCORE = 0.18
LATEST_WORDS = ("latest", "newest", "most recent", "最新", "直近")


async def answer_question(session: AsyncSession, question: str, *, lang: Lang,
                          now: datetime, story_id: int | None = None) -> Answer:
    articles = list((await session.scalars(select(Article))).all())
    return answer_from(articles, question, lang=lang, story_id=story_id)


def answer_from(articles: Sequence[Article], question: str, *, lang: Lang,
                story_id: int | None = None) -> Answer:
    q_tokens = set(tokens(question))
    wants_latest = any(w in normalise(question) for w in LATEST_WORDS)
    scored = sorted(
        ((_score(q_tokens, a, story_id), a) for a in articles),
        key=lambda pair: (pair[0], pair[1].published_at.timestamp() if wants_latest else 0),
        reverse=True,
    )
    if wants_latest and articles:
        newest = max(articles, key=lambda a: a.published_at)
        scored.insert(0, (1.0, newest))
    best = [a for s, a in scored if s >= MIN_SCORE]
    best = list(dict.fromkeys(best))[:3]
    if not best:
        return no_source(question, lang, articles)
    best.sort(key=lambda a: a.published_at, reverse=True)
    citations = tuple(
        Citation(n, a.title, a.url, a.source, a.published_at, "ja" if a.lang == "ja" else "en")
        for n, a in enumerate(best, start=1))
    sentences: list[Sentence] = []
    for n, article in enumerate(best, start=1):
        for sentence in _best_sentences(q_tokens, article, 2 if n == 1 else 1):
            sentences.append(Sentence(sentence, (n,), article.published_at))
    return Answer(question, True, tuple(sentences), citations, lang)


def no_source(question: str, lang: Lang, articles: Sequence[Article]) -> Answer:
    if articles:
        first = min(a.published_at for a in articles).date().isoformat()
        last = max(a.published_at for a in articles).date().isoformat()
        cover = (f"{len(articles)} 件の記事({first}〜{last})に該当する記述はありません。"
                 if lang == "ja" else
                 f"Nothing in the {len(articles)} stored reports ({first} to {last}) "
                 "supports an answer.")
    else:
        cover = "記事がまだありません。" if lang == "ja" else "No reports are stored yet."
    return Answer(question, False, (), (), lang, note=f"{label('no_source', lang)}: {cover}")


def _score(q_tokens: set[str], article: Article, story_id: int | None) -> float:
    if not q_tokens:
        return 0.0
    doc = Counter(tokens(f"{article.title} {article.title} {article.text}"))
    hit = sum(1 + math.log(doc[t]) for t in q_tokens if doc[t])
    score = hit / (len(q_tokens) + 1)
    if story_id is not None and article.story_id == story_id:
        score += 0.25
    return score


def _best_sentences(q_tokens: set[str], article: Article, count: int) -> list[str]:
    sentences = split_sentences(article.text) or [article.title]
    ranked = sorted(sentences, key=lambda s: len(q_tokens & set(tokens(s))), reverse=True)
    keep = set(ranked[:count])
    return [s for s in sentences if s in keep]
