"""A rebuild in bounded batches (issue 12 item 8): spilled to disk, merged a chunk at a time,
and still the very index, and the very ranking, that one batch gives."""

from __future__ import annotations

import os
import random
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from bot.answer.engine import SENTENCE_END, Concept, Engine
from bot.answer.index import DocMeta, SearchIndex, Segment
from bot.answer.merge import merge_segments
from bot.answer.persist import STALE_BUILD_S, IndexDir, Stamp
from bot.answer.when import Window

WORDS = [f"w{i}" for i in range(300)]
NOW = datetime(2030, 1, 1, tzinfo=UTC)
Doc = tuple[DocMeta, list[str]]


def article(rng: random.Random, article_id: int) -> Doc:
    """Zipf-like words in sentences, so common and rare terms both occur."""
    tokens: list[str] = []
    for _ in range(rng.randint(1, 6)):
        tokens += rng.choices(WORDS, weights=[1 / (r + 1) for r in range(len(WORDS))],
                              k=rng.randint(1, 30))
        tokens.append(SENTENCE_END)
    return DocMeta(article_id, float(rng.randrange(10**9)), rng.randint(0, 9), "en"), tokens


def batches(rng: random.Random, n_batches: int, size: int) -> list[list[Doc]]:
    """Batches of new articles, each also sending some earlier ones again (updated)."""
    out: list[list[Doc]] = []
    next_id = 1
    for _ in range(n_batches):
        again = rng.sample(range(1, next_id), min(next_id - 1, size // 5))
        out.append([article(rng, i) for i in [*range(next_id, next_id + size), *again]])
        next_id += size
    return out


def assert_same_arrays(got: Segment, want: Segment) -> None:
    for name in ("tokens", "offsets", "df"):
        a, b = np.asarray(getattr(got, name)), np.asarray(getattr(want, name))
        assert a.dtype == b.dtype and np.array_equal(a, b), name
    for key in ("data", "indices", "indptr"):
        a, b = np.asarray(got.scores[key]), np.asarray(want.scores[key])
        assert a.dtype == b.dtype and np.array_equal(a, b), key
    for name in ("ids", "published", "story", "lang"):
        assert np.array_equal(getattr(got.docs, name), getattr(want.docs, name)), name


def live_docs(index: SearchIndex) -> list[Doc]:
    """The index's current articles, in its order, as the tokens they were indexed with."""
    words = {i: w for w, i in index.vocab.items()}
    return [(seg.docs[int(p)], [words[int(t)] for t in seg.token_ids(int(p))])
            for seg in index.segments for p in np.flatnonzero(seg.alive)]


@pytest.mark.parametrize("on_disk", [False, True], ids=["memory", "disk"])
def test_a_merge_a_chunk_at_a_time_is_what_bm25s_builds_in_one(tmp_path: Path,
                                                                on_disk: bool) -> None:
    rng = random.Random(8)
    index = SearchIndex(max_segments=100)
    for batch in batches(rng, 6, 60):
        index.add(batch)
    assert sum(int((~s.alive).sum()) for s in index.segments) > 40  # replaced articles
    # Chunks of a few articles and score ranges of a few columns: many of each.
    merged = merge_segments(index.segments, n_vocab=len(index.vocab), k1=index.k1, b=index.b,
                            folder=tmp_path / "seg-m" if on_disk else None,
                            chunk_tokens=300, budget=700)
    one = SearchIndex()
    one.vocab = dict(index.vocab)  # the same token ids
    one.add(live_docs(index))
    assert merged.size == one.n_docs == index.n_docs
    assert len(merged.scores["data"]) > 10 * 700
    assert_same_arrays(merged, one.segments[0])
    if on_disk:
        assert isinstance(merged.tokens, np.memmap)


def concepts_in(index: SearchIndex, question: list[tuple[str, ...]]) -> list[Concept]:
    """The question's terms as ``Engine.concepts`` makes them, with this index's ids."""
    out = []
    for n, tokens in enumerate(question):
        ids = tuple(index.token_id(t) for t in tokens)
        dfs = [index.global_df(i) for i in ids if i is not None]
        out.append(Concept(tokens, ids, index.concept_idf(ids), name=n % 2 == 0,
                           df=sum(dfs), df_max=max(dfs, default=0)))
    return out


def test_a_rebuild_in_bounded_batches_ranks_as_one_batch(shared_engine: Engine,
                                                         tmp_path: Path) -> None:
    rng = random.Random(9)
    sent = batches(rng, 5, 50)
    saved = IndexDir(tmp_path / "ix")
    spilled = SearchIndex(max_segments=2, spill=saved.spill_dir)
    in_memory = SearchIndex(max_segments=2)
    for batch in sent:
        spilled.add(batch)
        in_memory.add(batch)
    # The merges folded everything into one segment, whose files alone are left.
    assert spilled.merges == 2 and len(spilled.segments) == 1
    assert [p.name for p in saved.spill_dir.iterdir()] == [f"seg-{spilled.segments[0].name}"]
    assert_same_arrays(spilled.segments[0], in_memory.segments[0])
    one = SearchIndex()
    one.add([doc for batch in sent for doc in batch])
    saved.save(spilled, key="k", stamp=Stamp(1, "", 1, "a", "b"))
    assert not saved.spill_dir.exists()  # its segment moved into the saved index
    loaded = IndexDir(tmp_path / "ix").load("k", Stamp(1, "", 1, "a", "b"))
    assert loaded is not None
    engines = [Engine(analyzer=shared_engine.analyzer, index=ix)
               for ix in (one, spilled, loaded)]
    hits = 0
    for _ in range(60):
        question = [tuple(rng.sample(WORDS[:200], rng.choice([1, 1, 2])))
                    for _ in range(rng.randint(1, 4))]
        results = [e.search(concepts_in(e.index, question), now=NOW, window=Window(),
                            limit=10) for e in engines]
        assert results[1] == results[0] and results[2] == results[0]
        hits += len(results[0])
    assert hits > 300


def test_a_build_under_way_is_kept_by_a_save_and_a_crashed_one_removed(
        tmp_path: Path) -> None:
    where = tmp_path / "ix"
    other = IndexDir(where).spill_dir / "seg-x"
    crashed = where / "building-crashed" / "seg-y"
    for folder in (other, crashed):
        folder.mkdir(parents=True)
    old = os.stat(crashed.parent).st_mtime - STALE_BUILD_S - 60
    os.utime(crashed.parent, (old, old))
    index = SearchIndex()
    index.add([article(random.Random(1), 1)])
    IndexDir(where).save(index, key="k", stamp=Stamp(1, "", 1, "a", "a"))
    assert other.is_dir()
    assert not crashed.parent.exists()
