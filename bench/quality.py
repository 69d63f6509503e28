"""Answer quality on the labelled demo questions: our system vs plain BM25 + lead-3.

    python bench/quality.py

Prints a table, then one line of JSON with the figures.
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import bm25s
from sqlalchemy import select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.demo_store import demo_app  # noqa: E402
from bot.answer.evaluation import Asker, evaluate, load_questions, system_asker  # noqa: E402
from bot.answer.extractive import Scope  # noqa: E402
from bot.model import Answer, Citation, Lang, Sentence  # noqa: E402
from bot.store.db import SessionFactory  # noqa: E402
from bot.store.models import Article  # noqa: E402
from bot.text.analyzer import Analyzer  # noqa: E402
from bot.text.sentences import split_sentences  # noqa: E402

QA = ROOT / "tests" / "data" / "qa_labelled.json"


async def baseline_asker(sessions: SessionFactory, analyzer: Analyzer) -> Asker:
    """Plain BM25 over the same tokens, the top article's first three sentences; no time,
    no translation, no follow-up scope, never "no source" while any word matches."""
    async with sessions() as session:
        articles = list((await session.scalars(select(Article).order_by(Article.id))).all())
    model = bm25s.BM25()
    model.index([analyzer.tokens(f"{a.title} {a.text}") or [""] for a in articles],
                show_progress=False)

    async def ask(text: str, lang: Lang, now: datetime, zone: ZoneInfo,
                  scope: Scope | None) -> tuple[Answer, list[str]]:
        toks = [t for t in analyzer.tokens(text) if t in model.vocab_dict]
        if not toks:
            return Answer(text, False, (), (), lang), []
        scores = model.get_scores(toks)
        order = [int(i) for i in scores.argsort()[::-1][:3] if scores[i] > 0]
        if not order:
            return Answer(text, False, (), (), lang), []
        top = articles[order[0]]
        sentences = tuple(Sentence(s, (1,)) for s in split_sentences(top.text)[:3])
        cites = (Citation(1, top.title, top.url, top.source),)
        return (Answer(text, True, sentences, cites, lang, article_ids=(top.id,)),
                [articles[i].guid for i in order])
    return ask


async def main() -> dict[str, dict[str, float]]:
    questions = load_questions(QA)
    with tempfile.TemporaryDirectory() as tmp:
        async with demo_app(Path(tmp)) as app:
            sessions = app.deps.sessions
            ours = await evaluate(questions, sessions, system_asker(sessions, app.deps.engine))
            base = await evaluate(questions, sessions,
                                  await baseline_asker(sessions, app.deps.engine.analyzer))
    figures = {"system": ours.as_dict(), "baseline_bm25_lead3": base.as_dict()}
    print(f"{len(questions)} labelled questions ({ours.answerable} answerable, "
          f"{ours.unanswerable} unanswerable)\n")
    print(f"{'metric':<22}{'system':>10}{'bm25+lead3':>12}")
    for key in figures["system"]:
        print(f"{key:<22}{figures['system'][key]:>10.3f}"
              f"{figures['baseline_bm25_lead3'][key]:>12.3f}")
    if "-v" in sys.argv:
        print("\nmisses:", *ours.misses, sep="\n  ")
    print(json.dumps({"bench": "quality", **figures}))
    return figures


if __name__ == "__main__":
    asyncio.run(main())
