"""A segmented BM25 index (bm25s) that grows as articles arrive.

New articles go into a small new segment; the world is not rebuilt for each one. When there
are too many segments the small ones are merged (from the token ids kept in memory, without
re-tokenising). Each segment has its own bm25s matrix, whose scores carry the segment's own
IDF; query terms are re-weighted by the global IDF so scores compare across segments.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import bm25s
import numpy as np

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DocMeta:
    """What ranking needs about an article without loading it."""

    article_id: int
    published: float
    story_id: int
    lang: str


@dataclass
class Segment:
    docs: list[DocMeta]
    token_ids: list[np.ndarray]
    bm25: bm25s.BM25
    #: Document frequency per global token id (length = vocabulary size at build time).
    df: np.ndarray
    alive: np.ndarray
    published: np.ndarray = field(init=False)
    story: np.ndarray = field(init=False)
    ids: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.published = np.array([d.published for d in self.docs], dtype=np.float64)
        self.story = np.array([d.story_id for d in self.docs], dtype=np.int64)
        self.ids = np.array([d.article_id for d in self.docs], dtype=np.int64)

    @property
    def size(self) -> int:
        return len(self.docs)


def idf(n_docs: int, df: np.ndarray | float) -> np.ndarray | float:
    """The Lucene BM25 IDF that bm25s uses by default."""
    return np.log(1 + (n_docs - df + 0.5) / (df + 0.5))


class SearchIndex:
    """Token ids, segments and global statistics; one per process, refreshed incrementally."""

    def __init__(self, *, max_segments: int = 8, k1: float = 1.5, b: float = 0.75) -> None:
        self.vocab: dict[str, int] = {}
        self.segments: list[Segment] = []
        self.max_segments = max_segments
        self.k1, self.b = k1, b
        self.where: dict[int, tuple[int, int]] = {}
        self.merges = 0

    @property
    def n_docs(self) -> int:
        return len(self.where)

    def token_id(self, token: str) -> int | None:
        return self.vocab.get(token)

    def add(self, docs: Sequence[tuple[DocMeta, Sequence[str]]]) -> None:
        """Index ``docs`` as one new segment; an article indexed before is replaced."""
        if not docs:
            return
        metas: list[DocMeta] = []
        ids: list[np.ndarray] = []
        for meta, toks in docs:
            self._forget(meta.article_id)
            metas.append(meta)
            ids.append(np.fromiter((self.vocab.setdefault(t, len(self.vocab)) for t in toks),
                                   dtype=np.int32, count=len(toks)))
        self._append(self._build(metas, ids))
        if len(self.segments) > self.max_segments:
            self._merge_small()

    def _forget(self, article_id: int) -> None:
        place = self.where.pop(article_id, None)
        if place is not None:
            self.segments[place[0]].alive[place[1]] = False

    def _build(self, metas: list[DocMeta], ids: list[np.ndarray]) -> Segment:
        logging.getLogger("bm25s").setLevel(logging.WARNING)
        model = bm25s.BM25(k1=self.k1, b=self.b)
        vocab_ids = {i: i for i in range(len(self.vocab))}
        model.index(([list(map(int, x)) for x in ids], vocab_ids),
                    create_empty_token=False, show_progress=False)
        df = np.zeros(len(self.vocab), dtype=np.int32)
        for x in ids:
            df[np.unique(x)] += 1
        return Segment(metas, ids, model, df, np.ones(len(metas), dtype=bool))

    def _append(self, segment: Segment) -> None:
        n = len(self.segments)
        self.segments.append(segment)
        for pos, meta in enumerate(segment.docs):
            self.where[meta.article_id] = (n, pos)

    def _merge_small(self) -> None:
        """Merge every segment but the largest into one (cheap: tokens are kept as ids)."""
        largest = max(range(len(self.segments)), key=lambda i: self.segments[i].size)
        keep = [self.segments[largest]]
        rest = [s for i, s in enumerate(self.segments) if i != largest]
        metas = [m for s in rest for m, a in zip(s.docs, s.alive, strict=True) if a]
        ids = [x for s in rest for x, a in zip(s.token_ids, s.alive, strict=True) if a]
        merged = self._build(metas, ids)
        if merged.size > keep[0].size // 2:
            # The small ones have grown: fold everything into one segment.
            base = keep[0]
            metas = [m for m, a in zip(base.docs, base.alive, strict=True) if a] + metas
            ids = [x for x, a in zip(base.token_ids, base.alive, strict=True) if a] + ids
            keep, merged = [], self._build(metas, ids)
        self.segments, self.where = [], {}
        for segment in [*keep, merged]:
            self._append(segment)
        self.merges += 1
        log.debug("merged index into %d segments (%d docs)", len(self.segments), self.n_docs)

    def global_df(self, token_id: int) -> int:
        return int(sum(s.df[token_id] for s in self.segments if token_id < len(s.df)))

    def postings(self, token_id: int) -> list[tuple[int, np.ndarray, np.ndarray]]:
        """(segment number, doc positions, BM25 scores with the global IDF) of one token."""
        n = max(self.n_docs, 1)
        g_idf = float(idf(n, self.global_df(token_id)))
        out: list[tuple[int, np.ndarray, np.ndarray]] = []
        for number, seg in enumerate(self.segments):
            if token_id >= len(seg.df) or not seg.df[token_id]:
                continue
            scores = seg.bm25.scores
            lo, hi = scores["indptr"][token_id], scores["indptr"][token_id + 1]
            docs = scores["indices"][lo:hi]
            s_idf = float(idf(seg.size, float(seg.df[token_id])))
            values = scores["data"][lo:hi] * (g_idf / s_idf if s_idf > 0 else 0.0)
            out.append((number, docs, values))
        return out

    def concept_idf(self, token_ids: Sequence[int | None]) -> float:
        """The IDF of a query concept: its most common alternative (unknown = rarest)."""
        n = max(self.n_docs, 1)
        known = [self.global_df(t) for t in token_ids if t is not None]
        df = max(known) if known else 0
        return float(idf(n, df)) if df else math.log(1 + (n + 0.5) / 0.5)
