"""Answer latency on a synthetic store of 100,000 articles (ja + en), against rank-bm25.

    python bench/answer.py [--docs 100000] [--queries 200]

Measures: index build time (tokenise + bm25s segments), the cost of indexing 100 new
articles afterwards (incremental, vs a rebuild), p50/p95 of `answer_question` end to end in
process (SQLite store, retrieval, sentence selection), peak RSS, and the same queries' scoring
through rank-bm25 (BM25Okapi) as a ratio. Prints a table, then one line of JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import resource
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, select  # noqa: E402

from bench.demo_store import demo_app  # noqa: E402
from bot.answer.engine import Engine  # noqa: E402
from bot.answer.evaluation import load_questions  # noqa: E402
from bot.answer.extractive import answer_question  # noqa: E402
from bot.store.db import open_store  # noqa: E402
from bot.store.models import Article  # noqa: E402
from bot.text.sentences import split_sentences  # noqa: E402

START = datetime(2023, 1, 1, tzinfo=UTC)
NOW = datetime(2025, 9, 1, tzinfo=UTC)
SOURCES = ("Harbor Wire", "Meridian Daily", "Kyokai Shimbun", "Nami News")


async def demo_sentences() -> dict[str, list[str]]:
    with tempfile.TemporaryDirectory() as tmp:
        async with demo_app(Path(tmp)) as app, app.deps.sessions() as session:
            rows = (await session.scalars(select(Article))).all()
            pool: dict[str, list[str]] = {"ja": [], "en": []}
            for a in rows:
                pool["ja" if a.lang == "ja" else "en"] += split_sentences(a.text)
    return pool


def synthetic(n: int, pool: dict[str, list[str]], rng: random.Random) -> list[dict[str, object]]:
    """Articles recombined from demo sentences, each with its own made-up place and figure."""
    span = int((NOW - START).total_seconds())
    rows: list[dict[str, object]] = []
    for i in range(n):
        lang = "ja" if i % 2 else "en"
        picked = rng.sample(pool[lang], 5)
        place = f"Zone{rng.randrange(5000)}"
        figure = rng.randrange(10, 99999)
        extra = (f"{place}では{figure}人が避難した。" if lang == "ja"
                 else f"Officials in {place} said {figure} people were moved.")
        when = START + timedelta(seconds=rng.randrange(span))
        rows.append({"guid": f"syn-{i}", "url": f"https://synthetic.test/{i}",
                     "title": picked[0][:60], "text": " ".join([*picked, extra]),
                     "source": SOURCES[i % 4], "lang": lang, "published_at": when,
                     "fetched_at": when, "update_count": 0, "date_estimated": False})
    return rows


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def main(n_docs: int, n_queries: int) -> dict[str, float]:
    rng = random.Random(7)
    pool = await demo_sentences()
    questions = [q.text for q in load_questions(ROOT / "tests" / "data" / "qa_labelled.json")]
    queries = [questions[i % len(questions)] for i in range(n_queries)]
    zone = ZoneInfo("Asia/Tokyo")
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        async with open_store(url) as (_engine, sessions):
            rows = synthetic(n_docs + 100, pool, rng)
            async with sessions() as session, session.begin():
                for i in range(0, n_docs, 5000):
                    await session.execute(insert(Article), rows[i:i + 5000])
            engine = Engine()
            t0 = time.perf_counter()
            async with sessions() as session:
                await engine.refresh(session, force=True)
            build_s = time.perf_counter() - t0

            async with sessions() as session, session.begin():
                await session.execute(insert(Article), rows[n_docs:])
            t0 = time.perf_counter()
            async with sessions() as session:
                added = await engine.refresh(session, force=True)
            incremental_s = time.perf_counter() - t0
            assert added == 100

            latencies: list[float] = []
            slowest: list[tuple[float, str]] = []
            answered = 0
            for q in queries:
                t0 = time.perf_counter()
                async with sessions() as session:
                    answer = await answer_question(session, q, lang="en", now=NOW,
                                                   engine=engine, zone=zone)
                latencies.append((time.perf_counter() - t0) * 1000)
                slowest.append((latencies[-1], q))
                answered += answer.answerable
            peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

            # Baseline: rank-bm25 over the very same tokens (rebuilt from the index's ids).
            from rank_bm25 import BM25Okapi

            words = {i: w for w, i in engine.index.vocab.items()}
            corpus = [[words[int(t)] for t in ids] for seg in engine.index.segments
                      for ids in seg.token_ids]
            t0 = time.perf_counter()
            baseline = BM25Okapi(corpus)
            baseline_build_s = time.perf_counter() - t0
            del corpus
            base_lat: list[float] = []
            for q in queries[:10]:
                toks = engine.analyzer.tokens(q)
                t0 = time.perf_counter()
                scores = baseline.get_scores(toks)
                int(scores.argmax())
                base_lat.append((time.perf_counter() - t0) * 1000)
    ours_p50, ours_p95 = statistics.median(latencies), pct(latencies, 0.95)
    base_p50 = statistics.median(base_lat)
    figures = {
        "docs": n_docs, "queries": n_queries, "answered": answered,
        "build_s": round(build_s, 1), "incremental_100_s": round(incremental_s, 3),
        "segments": len(engine.index.segments),
        "ask_p50_ms": round(ours_p50, 1), "ask_p95_ms": round(ours_p95, 1),
        "peak_rss_mb": round(peak_rss_mb), "rank_bm25_build_s": round(baseline_build_s, 1),
        "rank_bm25_score_p50_ms": round(base_p50, 1),
        "speedup_vs_rank_bm25": round(base_p50 / ours_p50, 1),
    }
    print(f"synthetic store: {n_docs:,} articles (ja+en); {n_queries} questions\n")
    print(f"{'':34}{'ours (bm25s, segmented)':>26}{'rank-bm25':>12}")
    print(f"{'index build (s)':34}{build_s:>26.1f}{baseline_build_s:>12.1f}")
    print(f"{'100 new articles indexed (s)':34}{incremental_s:>26.3f}{'rebuild':>12}")
    print(f"{'ask end to end p50 (ms)':34}{ours_p50:>26.1f}{base_p50:>12.1f}  (scoring only)")
    print(f"{'ask end to end p95 (ms)':34}{ours_p95:>26.1f}{'':>12}  target <= 50")
    print(f"{'peak RSS before baseline (MB)':34}{peak_rss_mb:>26.0f}{'':>12}  target <= 1024")
    print(f"{'speed-up (p50)':34}{base_p50 / ours_p50:>26.1f}x")
    print("\nslowest questions:")
    for ms, q in sorted(slowest, reverse=True)[:5]:
        print(f"  {ms:7.1f} ms  {q}")
    print(json.dumps({"bench": "answer", **figures}))
    return figures


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--queries", type=int, default=200)
    args = ap.parse_args()
    asyncio.run(main(args.docs, args.queries))
