"""`Engine.search` alone: the current code against the algorithm it replaced, on the same
index and questions in one run, so their ratio does not depend on the host's load
(``bench/answer.py`` measures `ask` end to end).

    python bench/search_speed.py [--docs 100000] [--queries 200] [--index-dir DIR]

Indexes ``--docs`` synthetic articles as ``bench/answer.py`` stores them (its generator and
seed, tokenised as the bot does, in the bot's batches; no store), or maps them back from
``--index-dir`` when they were saved there before. Each question is searched as `ask`
searches it (its concepts; the whole time range and, if it names one, its own window;
30 hits), by each algorithm in turn; their hits must be equal. Prints a table, then one
line of JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import random
import statistics
import sys
import time
from collections.abc import Callable, Collection, Sequence
from datetime import datetime
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.answer import NOW, ZONE, demo_sentences, pct, questions, synthetic  # noqa: E402
from bot.answer.engine import (  # noqa: E402
    COMMON_SHARE,
    LEAD_SENTENCES,
    REFRESH_BATCH,
    SENTENCE_END,
    Concept,
    Engine,
    Hit,
)
from bot.answer.index import DocMeta, SearchIndex, idf  # noqa: E402
from bot.answer.persist import IndexDir, Stamp  # noqa: E402
from bot.answer.when import Window, parse_window  # noqa: E402

STAMP = Stamp(0, "", 0, "", "")


def reference_search(engine: Engine, concepts: Sequence[Concept], *, now: datetime,
                     window: Window, scope: Collection[int] | None = None,
                     limit: int = 10) -> list[Hit]:
    """``Engine.search`` as it was before issue 12: whole-segment passes per concept."""
    total_idf = sum(c.weight for c in concepts)
    if not concepts or total_idf <= 0:
        return []
    found: list[tuple[Hit, int, int]] = []
    lo = window.start.timestamp() if window.start else -np.inf
    hi = min(window.end.timestamp() if window.end else np.inf, now.timestamp() + 1)
    n_docs = max(engine.index.n_docs, 1)
    common = [c.df_max / n_docs > COMMON_SHARE for c in concepts]
    always = sum(c.weight for c, is_common in zip(concepts, common, strict=True) if is_common)
    by_segment: list[list[list[tuple[np.ndarray, np.ndarray]]]] = [
        [[] for _ in concepts] for _ in engine.index.segments]
    for i, concept in enumerate(concepts):
        for token_id in concept.ids:
            if common[i] or token_id is None:
                continue
            for seg_no, docs, values in reference_postings(engine.index, token_id):
                by_segment[seg_no][i].append((docs, values))
    # The question's own words (each concept's first token) over whole segments.
    own = [np.zeros(seg.size, dtype=np.float64) for seg in engine.index.segments]
    held = [np.zeros(seg.size, dtype=np.float64) for seg in engine.index.segments]
    own_total = 0.0
    for i, concept in enumerate(concepts):
        if not common[i] and concept.ids[0] is not None:
            own_total += concept.weight
            for seg_no, docs, values in reference_postings(engine.index, concept.ids[0]):
                own[seg_no][docs] += values
                held[seg_no][docs] += concept.weight
    scope_ids = np.fromiter(scope, np.int64) if scope is not None else None
    for number, seg in enumerate(engine.index.segments):
        allowed = seg.alive & (seg.published >= lo) & (seg.published < hi)
        if scope_ids is not None:
            allowed &= np.isin(seg.ids, scope_ids)
        if not allowed.any():
            continue
        score = np.zeros(seg.size, dtype=np.float32)
        covered = np.full(seg.size, always, dtype=np.float32)
        best = np.zeros(seg.size, dtype=np.float32)
        for concept, plist in zip(concepts, by_segment[number], strict=True):
            if not plist:
                continue
            best.fill(0)
            for k, (docs, values) in enumerate(plist):
                best[docs] = values if k == 0 else np.maximum(best[docs], values)
            score += best
            np.add(covered, concept.weight, out=covered, where=best > 0)
        score[~allowed] = 0
        candidates = np.flatnonzero(score > 0)
        if candidates.size > limit:
            candidates = candidates[np.argpartition(-score[candidates], limit)[:limit]]
        for pos in candidates:
            doc = seg.docs[int(pos)]
            found.append((Hit(doc.article_id, float(score[pos]),
                              float(covered[pos]) / total_idf, doc.published,
                              doc.story_id, own=float(own[number][pos]),
                              own_share=float(held[number][pos]) / own_total
                              if own_total > 0 else 0.0), number, int(pos)))
    found.sort(key=lambda f: (f[0].score, f[0].published), reverse=True)
    out: list[Hit] = []
    for hit, seg_no, at in found[:limit]:
        passage, lead = reference_passage(
            engine, engine.index.segments[seg_no].token_ids(at), concepts, total_idf)
        out.append(dataclasses.replace(hit, passage=passage, lead=lead))
    return out


def reference_postings(index: SearchIndex, token_id: int
                       ) -> list[tuple[int, np.ndarray, np.ndarray]]:
    """``SearchIndex.postings`` as it was before issue 12 (memory maps read value by value)."""
    g_idf = float(idf(max(index.n_docs, 1), int(sum(
        s.df[token_id] for s in index.segments if token_id < len(s.df)))))
    out: list[tuple[int, np.ndarray, np.ndarray]] = []
    for number, seg in enumerate(index.segments):
        if token_id >= len(seg.df) or not seg.df[token_id]:
            continue
        lo, hi = seg.scores["indptr"][token_id], seg.scores["indptr"][token_id + 1]
        s_idf = float(idf(seg.size, float(seg.df[token_id])))
        values = seg.scores["data"][lo:hi] * (g_idf / s_idf if s_idf > 0 else 0.0)
        out.append((number, seg.scores["indices"][lo:hi], values))
    return out


def reference_passage(engine: Engine, token_ids: np.ndarray, concepts: Sequence[Concept],
                      total: float) -> tuple[float, float]:
    """``Engine._passage`` as it was before issue 12, with its arguments made here."""
    rows_of: dict[int, list[int]] = {}
    for row, concept in enumerate(concepts):
        for token_id in concept.ids:
            if token_id is not None:
                rows_of.setdefault(token_id, []).append(row)
    keys = np.fromiter(rows_of, dtype=np.int64, count=len(rows_of))
    weights = np.array([c.weight for c in concepts], dtype=np.float64)
    events = np.array([engine.is_event_name(c) and not engine.is_calendar(c)
                       for c in concepts], dtype=bool)
    end = engine.index.token_id(SENTENCE_END)
    if end is None or total <= 0 or not token_ids.size or not keys.size:
        return 0.0, 1.0
    sentence = np.cumsum(token_ids == end)
    present = np.zeros((len(weights), int(sentence[-1]) + 2), dtype=bool)
    hits = np.flatnonzero(np.isin(token_ids, keys))
    if hits.size:
        order = np.argsort(keys)
        which = order[np.searchsorted(keys, token_ids[hits], sorter=order)]
        where = sentence[hits]
        rows = list(rows_of.values())
        for k in np.unique(which).tolist():
            present[np.ix_(rows[k], where[which == k])] = True
    pairs = present[:, :-1] | present[:, 1:]
    named = int(events.sum())
    lead = (float(present[events, :LEAD_SENTENCES + 1].any(axis=1).sum()) / named if named else 1.0)
    return min(float((weights @ pairs).max()) / total, 1.0), lead


def build(n_docs: int, engine: Engine) -> None:
    """The articles ``bench/answer.py`` stores (same seed), indexed in the bot's batches."""
    pool = asyncio.run(demo_sentences())
    rows = list(synthetic(0, n_docs + 100, pool, random.Random(7)))
    docs = [(DocMeta(i + 1, row["published_at"].timestamp(), 0, str(row["lang"])),  # type: ignore[attr-defined]
             engine.doc_tokens(str(row["title"]), str(row["text"])))
            for i, row in enumerate(rows)]
    # The bench's store: the first refresh in batches, then 100 new articles.
    for start in range(0, n_docs, REFRESH_BATCH):
        engine.index.add(docs[start:min(start + REFRESH_BATCH, n_docs)])
    engine.index.add(docs[n_docs:])


def open_index(n_docs: int, where: Path | None) -> Engine:
    engine = Engine()
    key = f"search-speed-{n_docs}"
    index = IndexDir(where).load(key, STAMP) if where is not None else None
    if index is not None:
        engine.index = index
        return engine
    build(n_docs, engine)
    if where is not None:
        IndexDir(where).save(engine.index, key=key, stamp=STAMP)
    return engine


Search = Callable[..., list[Hit]]


def ask(search: Search, concepts: Sequence[Concept], window: Window) -> list[list[Hit]]:
    """The searches `ask` makes for a question without a follow-up scope."""
    out = [search(concepts, now=NOW, window=Window(), limit=30)]
    if window.start is not None:
        out.append(search(concepts, now=NOW, window=window, limit=30))
    return out


def main(n_docs: int, n_queries: int, where: Path | None) -> None:
    engine = open_index(n_docs, where)
    _count, _first, last = engine.span()
    asked = []
    for q in questions(n_queries):
        window = parse_window(q, now=NOW, zone=ZONE, covered_until=min(last, NOW) if last else None)
        asked.append((engine.concepts_for(q, window), window))

    def old(concepts: Sequence[Concept], **kw: object) -> list[Hit]:
        return reference_search(engine, concepts, **kw)  # type: ignore[arg-type]

    timings: dict[str, list[float]] = {"old": [], "new": []}
    differ = 0
    for concepts, window in asked:
        got = {}
        for name, search in (("old", old), ("new", engine.search)):
            t0 = time.perf_counter()
            got[name] = ask(search, concepts, window)
            timings[name].append((time.perf_counter() - t0) * 1000)
        differ += got["old"] != got["new"]
    figures: dict[str, float] = {"docs": engine.index.n_docs, "queries": n_queries,
                                 "segments": len(engine.index.segments), "differ": differ}
    print(f"{engine.index.n_docs:,} articles in {len(engine.index.segments)} segments; "
          f"{n_queries} questions, each searched as `ask` does\n")
    print(f"{'search per question (ms)':28}{'p50':>8}{'p95':>8}{'mean':>8}")
    for name, values in timings.items():
        figures |= {f"{name}_p50_ms": round(statistics.median(values), 2),
                    f"{name}_p95_ms": round(pct(values, 0.95), 2),
                    f"{name}_mean_ms": round(statistics.fmean(values), 2)}
        print(f"{name:28}{figures[f'{name}_p50_ms']:>8}{figures[f'{name}_p95_ms']:>8}"
              f"{figures[f'{name}_mean_ms']:>8}")
    figures["old_over_new"] = round(sum(timings["old"]) / sum(timings["new"]), 2)
    print(f"\nold / new, all questions: {figures['old_over_new']}x; "
          f"questions whose hits differ: {differ}")
    print(json.dumps({"bench": "search_speed", **figures}))


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--index-dir", type=Path, help="save the index here, or map it back")
    args = ap.parse_args()
    main(args.docs, args.queries, args.index_dir)
