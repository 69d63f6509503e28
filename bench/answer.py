"""Answer latency, cold start and memory on a synthetic store (ja + en), against rank-bm25.

    python bench/answer.py [--docs 100000] [--queries 200] [--no-baseline]

Measures, on a SQLite store of ``--docs`` articles grouped into stories as the bot groups
real ones (``bench/synthetic_stories.py``: a story per synthetic development, its reports
in ja and en sharing a place, a figure and sentences):

- index build time (tokenise + bm25s segments + saving them), and indexing 100 new
  articles afterwards (incremental, vs a rebuild);
- p50/p95 of `answer_question` end to end in process (store, retrieval, sentence selection);
  and p95 of the deeper search a question attributed to an outlet ("according to X") adds
  when none of its first reports is that outlet's, and of the search a question quoting a
  report's words adds (its worst case: words no report holds), each against the ask p95;
- the same questions again with story ids and without (cleared in the store: the same
  articles and index), p50/p95 of each and their ratio, and how many answers cite both
  languages, with and without: answers in one language add the story's other-language
  report (``bot/answer/extractive.py``), which only runs where articles have stories;
- the first answer after a restart, each in a freshly started process: with the saved index
  (memory-mapped) and without it (rebuilt from the store); their ratio;
- peak RSS (VmHWM, Linux) of each restarted process after answering every question once:
  what the bot holds for this many articles;
- rank-bm25 (BM25Okapi) scoring the same questions as a baseline (skipped with
  ``--no-baseline``: it needs every token as a Python string, too much at 1M).

Prints a table, then one line of JSON.

    python bench/answer.py --fit 100000,200000,500000,1000000

Memory at scale, where tokenising every article would take hours on a small machine:
synthetic articles (five random demo sentences, a place, a figure; no stories), tokenised
per sentence once and combined, go straight into the index; for each size, one fresh
process builds and saves it (its peak RSS: a rebuild), another maps it back and ranks every
question (its peak RSS: a restarted bot answering). Prints a table and a linear fit, then
one line of JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, text  # noqa: E402
from sqlalchemy.ext.asyncio import AsyncSession  # noqa: E402

from bench.demo_store import demo_app  # noqa: E402
from bench.synthetic_stories import NOW, START, Demo, demo_corpus, developments  # noqa: E402
from bot.answer.engine import REFRESH_BATCH, Concept, Engine  # noqa: E402
from bot.answer.evaluation import load_questions  # noqa: E402
from bot.answer.extractive import _outlet_report, _quoted_report, answer_question  # noqa: E402
from bot.answer.index import DocMeta  # noqa: E402
from bot.answer.persist import IndexDir, Stamp  # noqa: E402
from bot.answer.when import Window, warm_up  # noqa: E402
from bot.model import Answer  # noqa: E402
from bot.store.db import SessionFactory, open_store  # noqa: E402
from bot.store.models import Article, Story  # noqa: E402
from bot.text.analyzer import Analyzer  # noqa: E402

ZONE = ZoneInfo("Asia/Tokyo")
CHUNK = 5000


#: Kept under its old name: the benches that run in two trees (``bench/ask_cost.py``,
#: ``bench/answer_identity.py``) and ``bench/refresh_check.py`` call it, then ``fill`` with
#: what it returns, each tree with its own pair.
demo_sentences = demo_corpus


def synthetic(start: int, n: int, demo: Demo, rng: random.Random
              ) -> Iterator[dict[str, object]]:
    """The articles ``fill`` stores (same seed, same articles), without their story rows:
    for an index built in memory (``bench/search_speed.py``)."""
    for _story, articles in developments(start, n, demo, rng):
        yield from articles


async def fill(sessions: SessionFactory, start: int, n: int, demo: Demo,
               rng: random.Random) -> None:
    """Articles ``start`` .. ``start + n - 1``, each development's story row first."""
    devs = developments(start, n, demo, rng)
    while chunk := [d for _, d in zip(range(CHUNK), devs, strict=False)]:
        async with sessions() as session, session.begin():
            await session.execute(insert(Story), [story for story, _ in chunk])
            await session.execute(insert(Article), [a for _, arts in chunk for a in arts])


#: One deeper search an answer may add: (session, question, its concepts) -> awaitable.
Search = Callable[[AsyncSession, str, list[Concept]], Awaitable[object]]


async def timed_searches(sessions: SessionFactory, engine: Engine, queries: list[str],
                         search: Search) -> list[float]:
    """Milliseconds of ``search`` for each question (its concepts read before the clock)."""
    out: list[float] = []
    for q in queries:
        async with sessions() as session:
            concepts = engine.concepts_for(q, Window())
            t0 = time.perf_counter()
            await search(session, q, concepts)
        out.append((time.perf_counter() - t0) * 1000)
    return out


async def outlet_searches(sessions: SessionFactory, engine: Engine,
                          queries: list[str]) -> list[float]:
    """Milliseconds of the deeper search an answer attributed to an outlet adds when none of
    its first reports is the outlet's (``extractive._outlet_report``, its worst case: an
    outlet no synthetic report is from, so every one of the search's best 100 is read)."""
    return await timed_searches(sessions, engine, queries, lambda s, q, c: _outlet_report(
        s, engine, q, c, {"Fjord Courier"}, now=NOW, window=Window()))


async def quote_searches(sessions: SessionFactory, engine: Engine,
                         queries: list[str]) -> list[float]:
    """Milliseconds of the search a question quoting a report's words adds
    (``extractive._quoted_report``, its worst case: words no synthetic report holds, so
    every one of the search's best 100 is loaded and read)."""
    return await timed_searches(sessions, engine, queries, lambda s, _q, c: _quoted_report(
        s, engine, c, ("words nobody wrote",), [], now=NOW, window=Window()))


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def questions(n: int) -> list[str]:
    texts = [q.text for q in load_questions(ROOT / "tests" / "data" / "qa_labelled.json")]
    return [texts[i % len(texts)] for i in range(n)]


async def ask_all(sessions: SessionFactory, engine: Engine,
                  queries: list[str]) -> tuple[list[float], list[Answer]]:
    latencies: list[float] = []
    answers: list[Answer] = []
    for q in queries:
        t0 = time.perf_counter()
        async with sessions() as session:
            answer = await answer_question(session, q, lang="en", now=NOW, engine=engine,
                                           zone=ZONE)
        latencies.append((time.perf_counter() - t0) * 1000)
        answers.append(answer)
    return latencies, answers


async def keep_story_ids(sessions: SessionFactory) -> None:
    """A copy of every article's story id, so they can be cleared and put back."""
    async with sessions() as session, session.begin():
        await session.execute(text(
            "CREATE TABLE bench_story_ids (id INTEGER PRIMARY KEY, story_id INTEGER)"))
        await session.execute(text(
            "INSERT INTO bench_story_ids SELECT id, story_id FROM articles"))


async def set_story_ids(sessions: SessionFactory, *, on: bool) -> None:
    """Story ids as built (``on``) or none at all: the answer code reads them from the
    store, the index does not, so the same index serves both."""
    async with sessions() as session, session.begin():
        await session.execute(text(
            "UPDATE articles SET story_id = (SELECT story_id FROM bench_story_ids s "
            "WHERE s.id = articles.id)" if on else "UPDATE articles SET story_id = NULL"))


def both_languages(answer: Answer) -> bool:
    return len({c.lang for c in answer.citations}) == 2


async def with_and_without(sessions: SessionFactory, engine: Engine,
                           queries: list[str]) -> dict[str, float]:
    """The same questions with story ids and without, on the same store and index, in
    passes ordered with, without, without, with (neither side gets the warmer passes);
    p50/p95 of each side, and what the stories changed in the answers."""
    await keep_story_ids(sessions)
    latencies: dict[bool, list[float]] = {True: [], False: []}
    answers: dict[bool, list[Answer]] = {}
    for on in (True, False, False, True):
        await set_story_ids(sessions, on=on)
        lat, answers[on] = await ask_all(sessions, engine, queries)
        latencies[on] += lat
    pairs = [(w, o) for w, o in zip(answers[True], answers[False], strict=True)
             if w.answerable]
    return {
        "p50_ms": statistics.median(latencies[True]), "p95_ms": pct(latencies[True], 0.95),
        "none_p50_ms": statistics.median(latencies[False]),
        "none_p95_ms": pct(latencies[False], 0.95),
        "answered": len(pairs),
        "both_langs": sum(both_languages(w) for w, _ in pairs),
        "none_both_langs": sum(both_languages(o) for _, o in pairs),
        "added_other_lang": sum(both_languages(w) and not both_languages(o) for w, o in pairs),
        "changed": sum(w.article_ids != o.article_ids for w, o in pairs),
    }


async def demo_reference(queries: list[str]) -> dict[str, float]:
    """The same questions on the demo store, whose stories the bot grouped itself: how
    often real grouping adds an other-language report (the synthetic share's yardstick)."""
    with tempfile.TemporaryDirectory() as tmp:
        async with demo_app(Path(tmp)) as app:
            return await with_and_without(app.deps.sessions, Engine(), queries)


def vm_hwm_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def restarted(db: Path, index_dir: Path, n_queries: int) -> dict[str, float]:
    """In a fresh process: the first answer (loading or rebuilding the index), then every
    question once more; the process's peak RSS."""
    queries = questions(n_queries)
    async with open_store(f"sqlite:///{db}") as (_engine, sessions):
        t0 = time.perf_counter()
        engine = Engine(index_dir=index_dir)
        await ask_all(sessions, engine, queries[:1])
        first_s = time.perf_counter() - t0
        latencies, _ = await ask_all(sessions, engine, queries)
    return {"first_answer_s": first_s, "p95_ms": pct(latencies, 0.95),
            "peak_rss_mb": vm_hwm_mb(), "docs": engine.index.n_docs}


def in_child(db: Path, index_dir: Path, n_queries: int) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", str(db), "--index-dir", str(index_dir),
         "--queries", str(n_queries)], check=True, capture_output=True, text=True).stdout
    result: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    return result


async def main(n_docs: int, n_queries: int, *, baseline: bool) -> dict[str, float]:
    rng = random.Random(7)
    demo = await demo_corpus()
    queries = questions(n_queries)
    loads = [os.getloadavg()]  # the host is shared: its load at start, build, asks, end
    with tempfile.TemporaryDirectory() as tmp:
        db, saved = Path(tmp) / "bench.db", Path(tmp) / "bench.db.index"
        async with open_store(f"sqlite:///{db}") as (_engine, sessions):
            t0 = time.perf_counter()
            await fill(sessions, 0, n_docs, demo, rng)
            fill_s = time.perf_counter() - t0
            engine = Engine(index_dir=saved)
            t0 = time.perf_counter()
            async with sessions() as session:
                await engine.refresh(session, force=True)
            build_s = time.perf_counter() - t0
            loads.append(os.getloadavg())

            await fill(sessions, n_docs, 100, demo, rng)
            t0 = time.perf_counter()
            async with sessions() as session:
                added = await engine.refresh(session, force=True)
            incremental_s = time.perf_counter() - t0
            assert added == 100
            warm_up()  # as `ceasefire-bot run` does at start-up (the date parsers)
            latencies, answers = await ask_all(sessions, engine, queries)
            attributed = await outlet_searches(sessions, engine, queries)
            quoting = await quote_searches(sessions, engine, queries)
            stories = await with_and_without(sessions, engine, queries)
            loads.append(os.getloadavg())
            segments = len(engine.index.segments)

            base_build_s = base_p50 = float("nan")
            if baseline:
                base_build_s, base_p50 = rank_bm25_baseline(engine, queries[:10])
            del engine
        cold = in_child(db, saved, n_queries)
        rebuild = in_child(db, Path(tmp) / "no-index-yet", n_queries)
    demo_share = await demo_reference(queries)
    loads.append(os.getloadavg())
    load = [max(sample) for sample in zip(*loads, strict=True)]
    p50, p95 = statistics.median(latencies), pct(latencies, 0.95)
    answered = stories["answered"]
    figures = {
        "docs": n_docs, "queries": n_queries,
        "answered": sum(a.answerable for a in answers), "segments": segments,
        "fill_s": round(fill_s, 1),
        "build_and_save_s": round(build_s, 1), "incremental_100_s": round(incremental_s, 3),
        "ask_p50_ms": round(p50, 1), "ask_p95_ms": round(p95, 1),
        "outlet_search_p95_ms": round(pct(attributed, 0.95), 1),
        "outlet_search_vs_ask_p95": round(pct(attributed, 0.95) / p95, 2),
        "quote_search_p95_ms": round(pct(quoting, 0.95), 1),
        "quote_search_vs_ask_p95": round(pct(quoting, 0.95) / p95, 2),
        "stories_p50_ms": round(stories["p50_ms"], 1),
        "stories_p95_ms": round(stories["p95_ms"], 1),
        "no_stories_p50_ms": round(stories["none_p50_ms"], 1),
        "no_stories_p95_ms": round(stories["none_p95_ms"], 1),
        "stories_vs_none_p50": round(stories["p50_ms"] / stories["none_p50_ms"], 2),
        "stories_vs_none_p95": round(stories["p95_ms"] / stories["none_p95_ms"], 2),
        "both_langs": stories["both_langs"], "no_stories_both_langs": stories["none_both_langs"],
        "added_other_lang": stories["added_other_lang"],
        "added_other_lang_share": round(stories["added_other_lang"] / max(answered, 1), 3),
        "changed_by_stories": stories["changed"],
        "demo_both_langs": demo_share["both_langs"],
        "demo_no_stories_both_langs": demo_share["none_both_langs"],
        "demo_added_other_lang_share": round(
            demo_share["added_other_lang"] / max(demo_share["answered"], 1), 3),
        "cold_first_answer_s": round(cold["first_answer_s"], 2),
        "rebuild_first_answer_s": round(rebuild["first_answer_s"], 1),
        "cold_vs_rebuild": round(rebuild["first_answer_s"] / cold["first_answer_s"], 1),
        "cold_ask_p95_ms": round(cold["p95_ms"], 1),
        "peak_rss_loaded_mb": round(cold["peak_rss_mb"]),
        "peak_rss_rebuilt_mb": round(rebuild["peak_rss_mb"]),
        "rank_bm25_build_s": round(base_build_s, 1),
        "rank_bm25_score_p50_ms": round(base_p50, 1),
        "speedup_vs_rank_bm25": round(base_p50 / p50, 1),
        "load_avg_1m_max": round(load[0], 2), "load_avg_5m_max": round(load[1], 2),
    }
    print(f"synthetic store: {n_docs:,} articles (ja+en) in {figures['segments']} segments, "
          f"grouped into stories; {n_queries} questions; load average (1/5/15 min, "
          f"highest of four samples) {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}\n")
    rows = [
        ("store filled (s)", f"{fill_s:.1f}", ""),
        ("index build + save (s)", f"{build_s:.1f}", f"rank-bm25 build {base_build_s:.1f}"),
        ("100 new articles indexed (s)", f"{incremental_s:.3f}", "rank-bm25: rebuild"),
        ("ask end to end p50 (ms)", f"{p50:.1f}", f"rank-bm25 scoring only {base_p50:.1f}"),
        ("ask end to end p95 (ms)", f"{p95:.1f}", "target <= 50; first pass"),
        ("  + an attributed outlet's search, p95 (ms)",
         f"{figures['outlet_search_p95_ms']:.1f}",
         f"added when the outlet is not cited: {figures['outlet_search_vs_ask_p95']}x ask p95"),
        ("  + a quoted phrase's search, p95 (ms)",
         f"{figures['quote_search_p95_ms']:.1f}",
         f"added when a question quotes: {figures['quote_search_vs_ask_p95']}x ask p95"),
        ("  warm p50, stories / none (ms)",
         f"{stories['p50_ms']:.1f}", f"{stories['none_p50_ms']:.1f} without story ids: "
         f"{figures['stories_vs_none_p50']}x"),
        ("  warm p95, stories / none (ms)",
         f"{stories['p95_ms']:.1f}", f"{stories['none_p95_ms']:.1f} without story ids: "
         f"{figures['stories_vs_none_p95']}x"),
        ("answers citing both languages", f"{stories['both_langs']}",
         f"of {answered} answered; {stories['none_both_langs']} without story ids"),
        ("  added an other-language report", f"{stories['added_other_lang']}",
         f"{figures['added_other_lang_share']:.1%} of answered; "
         f"{stories['changed']} answers changed by stories"),
        ("demo store (the bot's own stories): both", f"{demo_share['both_langs']}",
         f"of {demo_share['answered']} answered; {demo_share['none_both_langs']} without "
         "story ids"),
        ("  added an other-language report", f"{demo_share['added_other_lang']}",
         f"{figures['demo_added_other_lang_share']:.1%} of answered"),
        ("restart: first answer, saved index (s)", f"{cold['first_answer_s']:.2f}",
         "target <= 2"),
        ("restart: first answer, rebuilt (s)", f"{rebuild['first_answer_s']:.1f}",
         f"{figures['cold_vs_rebuild']}x the saved index's"),
        ("restart: ask p95 after loading (ms)", f"{cold['p95_ms']:.1f}", ""),
        ("restart: peak RSS, saved index (MB)", f"{cold['peak_rss_mb']:.0f}", ""),
        ("restart: peak RSS, rebuilt (MB)", f"{rebuild['peak_rss_mb']:.0f}", ""),
    ]
    for name, value, note in rows:
        print(f"{name:42}{value:>10}  {note}")
    print(json.dumps({"bench": "answer", **figures}))
    return figures


def rank_bm25_baseline(engine: Engine, queries: list[str]) -> tuple[float, float]:
    """rank-bm25 over the very same tokens (rebuilt from the index's ids): build seconds and
    the median milliseconds to score one question."""
    from rank_bm25 import BM25Okapi

    words = {i: w for w, i in engine.index.vocab.items()}
    corpus = [[words[int(t)] for t in ids] for seg in engine.index.segments
              for ids in seg.iter_token_ids()]
    t0 = time.perf_counter()
    model = BM25Okapi(corpus)
    build_s = time.perf_counter() - t0
    del corpus
    lat: list[float] = []
    for q in queries:
        toks = engine.analyzer.tokens(q)
        t0 = time.perf_counter()
        int(model.get_scores(toks).argmax())
        lat.append((time.perf_counter() - t0) * 1000)
    return build_s, statistics.median(lat)


def fit_tokens(n: int, analyzer: Analyzer, pool: dict[str, list[str]],
               rng: random.Random) -> Iterator[tuple[DocMeta, list[str]]]:
    """Synthetic articles as index tokens (sentences tokenised once, then combined): five
    random demo sentences, a place and a figure each, without stories (the index keeps
    no story but its id)."""
    toks = {lang: [analyzer.tokens(s) for s in sents] for lang, sents in pool.items()}
    span = int((NOW - START).total_seconds())
    for i in range(n):
        lang = "ja" if i % 2 else "en"
        picked = rng.sample(range(len(toks[lang])), 5)
        title = toks[lang][picked[0]]
        body = [t for k in picked for t in toks[lang][k]]
        extra = [f"zone{rng.randrange(5000)}", str(rng.randrange(10, 99999))]
        when = (START + timedelta(seconds=rng.randrange(span))).timestamp()
        yield DocMeta(i + 1, when, 0, lang), title + title + body + extra


def fit_build(n: int, where: Path) -> dict[str, float]:
    """In a fresh process: build the index of ``n`` articles and save it, as the engine
    rebuilds with an index directory (merged segments spilled to it)."""
    pool = asyncio.run(demo_corpus()).pool
    engine = Engine()
    saved = IndexDir(where)
    engine.index.spill = saved.spill_dir
    rng = random.Random(7)
    t0 = time.perf_counter()
    docs = fit_tokens(n, engine.analyzer, pool, rng)
    while batch := [d for _, d in zip(range(REFRESH_BATCH), docs, strict=False)]:
        engine.index.add(batch)
    build_s = time.perf_counter() - t0
    saved.save(engine.index, key="fit", stamp=FIT_STAMP)
    return {"build_s": build_s, "peak_rss_mb": vm_hwm_mb()}


def fit_answer(where: Path, n_queries: int) -> dict[str, float]:
    """In a fresh process: map the saved index back and rank every question."""
    engine = Engine()
    engine.concepts("warm up the analysers")
    base = vm_hwm_mb()
    t0 = time.perf_counter()
    index = IndexDir(where).load("fit", FIT_STAMP)
    assert index is not None
    engine.index = index
    load_s = time.perf_counter() - t0
    latencies = []
    for q in questions(n_queries):
        t0 = time.perf_counter()
        engine.search(engine.concepts(q), now=NOW, window=Window())
        latencies.append((time.perf_counter() - t0) * 1000)
    return {"load_s": load_s, "rank_p95_ms": pct(latencies, 0.95), "base_rss_mb": base,
            "peak_rss_mb": vm_hwm_mb(), "docs": index.n_docs}


FIT_STAMP = Stamp(0, "", 0, "", "")


def run_child(*args: str) -> dict[str, float]:
    out = subprocess.run([sys.executable, __file__, *args], check=True, capture_output=True,
                         text=True).stdout
    result: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    return result


def fit_main(sizes: list[int], n_queries: int) -> None:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            where = Path(tmp) / f"fit-{n}"
            built = run_child("--fit-build", str(n), "--index-dir", str(where))
            answered = run_child("--fit-answer", "--index-dir", str(where),
                                 "--queries", str(n_queries))
            rows.append({"docs": n, "build_s": round(built["build_s"], 1),
                         "build_peak_rss_mb": round(built["peak_rss_mb"]),
                         "load_s": round(answered["load_s"], 3),
                         "rank_p95_ms": round(answered["rank_p95_ms"], 1),
                         "base_rss_mb": round(answered["base_rss_mb"]),
                         "answer_peak_rss_mb": round(answered["peak_rss_mb"])})
            shutil.rmtree(where)
    print(f"{'articles':>10}{'build s':>9}{'build RSS':>11}{'load s':>8}{'rank p95':>10}"
          f"{'answer RSS':>12}  (MB; RSS of the process before loading: analysers)")
    for r in rows:
        print(f"{r['docs']:>10,}{r['build_s']:>9}{r['build_peak_rss_mb']:>11}{r['load_s']:>8}"
              f"{r['rank_p95_ms']:>10}{r['answer_peak_rss_mb']:>12}  ({r['base_rss_mb']})")
    fits = {}
    if len(rows) > 1:
        for name in ("build_peak_rss_mb", "answer_peak_rss_mb"):
            xs, ys = [r["docs"] for r in rows], [r[name] for r in rows]
            slope, icpt = statistics.linear_regression(xs, ys)
            fits[name] = {"mb_per_100k": round(slope * 100_000, 1), "at_1m": round(
                icpt + slope * 1_000_000)}
            print(f"linear fit {name}: {slope * 100_000:.1f} MB per 100k articles; "
                  f"{icpt + slope * 1_000_000:.0f} MB at 1,000,000 (target <= 2048)")
    print(json.dumps({"bench": "answer-fit", "rows": rows, "fit": fits}))


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--no-baseline", action="store_true")
    ap.add_argument("--fit", help="comma-separated sizes: memory at scale (see above)")
    ap.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--index-dir", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--fit-build", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--fit-answer", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.fit:
        fit_main([int(x) for x in args.fit.split(",")], args.queries)
    elif args.fit_build:
        print(json.dumps(fit_build(args.fit_build, args.index_dir)))
    elif args.fit_answer:
        print(json.dumps(fit_answer(args.index_dir, args.queries)))
    elif args.child:
        print(json.dumps(asyncio.run(restarted(args.child, args.index_dir, args.queries))))
    else:
        asyncio.run(main(args.docs, args.queries, baseline=not args.no_baseline))
