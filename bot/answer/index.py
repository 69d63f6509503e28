"""A segmented BM25 index (bm25s) that grows as articles arrive.

New articles go into a small new segment; the world is not rebuilt for each one. When there
are too many segments the small ones are merged (from the token ids each segment keeps,
without re-tokenising). Each segment has its own bm25s score matrix, whose scores carry the
segment's own IDF; query terms are re-weighted by the global IDF so scores compare across
segments. Segments hold only numpy arrays (no Python object per article), so they can be
saved and memory-mapped back (``bot.answer.persist``) instead of rebuilt after a restart.
"""

from __future__ import annotations

import functools
import logging
import math
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import overload

import bm25s
import numpy as np
from bm25s.tokenization import Tokenized

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DocMeta:
    """What ranking needs about an article without loading it."""

    article_id: int
    published: float
    story_id: int
    lang: str


class DocTable:
    """A segment's articles as columns, read back as ``DocMeta`` by position."""

    def __init__(self, ids: np.ndarray, published: np.ndarray, story: np.ndarray,
                 lang: np.ndarray) -> None:
        self.ids, self.published, self.story, self.lang = ids, published, story, lang

    @classmethod
    def of(cls, metas: Sequence[DocMeta]) -> DocTable:
        return cls(np.array([m.article_id for m in metas], dtype=np.int64),
                   np.array([m.published for m in metas], dtype=np.float64),
                   np.array([m.story_id for m in metas], dtype=np.int64),
                   np.array([m.lang for m in metas], dtype="<U8"))

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, pos: int) -> DocMeta:
        return DocMeta(int(self.ids[pos]), float(self.published[pos]), int(self.story[pos]),
                       str(self.lang[pos]))

    def __iter__(self) -> Iterator[DocMeta]:
        return (self[i] for i in range(len(self)))

    def take(self, positions: np.ndarray) -> DocTable:
        return DocTable(self.ids[positions], self.published[positions],
                        self.story[positions], self.lang[positions])

    @staticmethod
    def concat(tables: Sequence[DocTable]) -> DocTable:
        return DocTable(*(np.concatenate([getattr(t, name) for t in tables])
                          for name in ("ids", "published", "story", "lang")))


@dataclass
class Segment:
    docs: DocTable
    #: Every article's token ids, end to end; article ``i`` is ``tokens[offsets[i]:offsets[i+1]]``.
    tokens: np.ndarray
    offsets: np.ndarray
    #: The bm25s score matrix (CSC: ``data``, ``indices``, ``indptr``, one column per token id).
    scores: Mapping[str, np.ndarray]
    #: Document frequency per global token id (length = vocabulary size at build time).
    df: np.ndarray
    alive: np.ndarray
    #: Extra per-article arrays aligned with ``docs`` (e.g. dense vectors, one row each):
    #: kept through merges and saved with the segment.
    columns: dict[str, np.ndarray] = field(default_factory=dict)
    #: Names the segment on disk; a segment never changes once built (only ``alive``).
    name: str = field(default_factory=lambda: uuid.uuid4().hex)

    @property
    def size(self) -> int:
        return len(self.docs)

    @property
    def published(self) -> np.ndarray:
        return self.docs.published

    @property
    def story(self) -> np.ndarray:
        return self.docs.story

    @property
    def ids(self) -> np.ndarray:
        return self.docs.ids

    @functools.cached_property
    def latest(self) -> float:
        """The newest publication time (NaN if one is unknown; -inf if empty): a search up
        to a later time need not read each article's."""
        return float(self.published.max()) if self.size else -math.inf

    @functools.cached_property
    def plain(self) -> dict[str, np.ndarray]:
        """The arrays a search reads, as plain views: reading one value of a memory map
        (``bot.answer.persist``) goes through Python and costs microseconds."""
        return {"tokens": np.asarray(self.tokens), "offsets": np.asarray(self.offsets),
                "df": np.asarray(self.df),
                **{k: np.asarray(v) for k, v in self.scores.items()}}

    def token_ids(self, pos: int) -> np.ndarray:
        offsets = self.plain["offsets"]
        return self.plain["tokens"][offsets[pos]:offsets[pos + 1]]

    def iter_token_ids(self) -> Iterator[np.ndarray]:
        return (self.token_ids(i) for i in range(self.size))


class _AsLists(Sequence[list[int]]):
    """Token ids as the lists bm25s reads, one article at a time: a merge of a million
    articles would otherwise hold every token as a Python int at once (gigabytes)."""

    def __init__(self, arrays: Sequence[np.ndarray]) -> None:
        self.arrays = arrays

    def __len__(self) -> int:
        return len(self.arrays)

    @overload
    def __getitem__(self, i: int) -> list[int]: ...
    @overload
    def __getitem__(self, i: slice) -> list[list[int]]: ...

    def __getitem__(self, i: int | slice) -> list[int] | list[list[int]]:
        if isinstance(i, slice):
            return [a.tolist() for a in self.arrays[i]]
        return self.arrays[i].tolist()

    def __iter__(self) -> Iterator[list[int]]:
        return (a.tolist() for a in self.arrays)


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
        self.merges = 0
        self._n_docs = 0

    @property
    def n_docs(self) -> int:
        """Articles indexed (live ones: an updated article counts once)."""
        return self._n_docs

    def token_id(self, token: str) -> int | None:
        return self.vocab.get(token)

    def add(self, docs: Sequence[tuple[DocMeta, Sequence[str]]], *,
            columns: Mapping[str, np.ndarray] | None = None) -> None:
        """Index ``docs`` as one new segment; an article indexed before is replaced.

        ``columns``: per-article arrays (one row per doc, in order) kept with the segment.
        """
        if not docs:
            return
        # An article given twice in one batch: its last version wins.
        last = {meta.article_id: i for i, (meta, _toks) in enumerate(docs)}
        keep = sorted(last.values())
        metas = [docs[i][0] for i in keep]
        self._forget(np.array([m.article_id for m in metas], dtype=np.int64))
        ids: list[np.ndarray] = []
        for i in keep:
            toks = docs[i][1]
            ids.append(np.fromiter((self.vocab.setdefault(t, len(self.vocab)) for t in toks),
                                   dtype=np.int32, count=len(toks)))
        extra = {k: np.asarray(v)[keep] for k, v in (columns or {}).items()}
        self._append(self._build(DocTable.of(metas), ids, extra))
        if len(self.segments) > self.max_segments:
            self._merge_small()

    def _forget(self, article_ids: np.ndarray) -> None:
        for seg in self.segments:
            gone = seg.alive & np.isin(seg.ids, article_ids)
            if gone.any():
                if not seg.alive.flags.writeable:
                    seg.alive = seg.alive.copy()
                seg.alive[gone] = False
                self._n_docs -= int(gone.sum())

    def _build(self, docs: DocTable, ids: Sequence[np.ndarray],
               columns: dict[str, np.ndarray]) -> Segment:
        logging.getLogger("bm25s").setLevel(logging.WARNING)
        model = bm25s.BM25(k1=self.k1, b=self.b)
        vocab_ids = {i: i for i in range(len(self.vocab))}
        model.index(Tokenized(ids=_AsLists(ids), vocab=vocab_ids),
                    create_empty_token=False, show_progress=False)
        df = np.zeros(len(self.vocab), dtype=np.int32)
        for x in ids:
            df[np.unique(x)] += 1
        lengths = np.fromiter((len(x) for x in ids), dtype=np.int64, count=len(ids))
        offsets = np.zeros(len(ids) + 1, dtype=np.int64)
        np.cumsum(lengths, out=offsets[1:])
        tokens = np.concatenate(ids) if ids else np.zeros(0, dtype=np.int32)
        # Only the score matrix is kept: the model's own vocabulary maps (one entry per
        # token id) would cost more memory than the matrix.
        scores = {k: model.scores[k] for k in ("data", "indices", "indptr")}
        return Segment(docs, tokens.astype(np.int32, copy=False), offsets, scores, df,
                       np.ones(len(docs), dtype=bool), columns)

    def _append(self, segment: Segment) -> None:
        self.segments.append(segment)
        self._n_docs += int(segment.alive.sum())

    def _merge_small(self) -> None:
        """Merge every segment but the largest into one (cheap: tokens are kept as ids)."""
        largest = max(range(len(self.segments)), key=lambda i: self.segments[i].size)
        keep = [self.segments[largest]]
        rest = [s for i, s in enumerate(self.segments) if i != largest]
        merged = self._merge(rest)
        if merged.size > keep[0].size // 2:
            # The small ones have grown: fold everything into one segment.
            keep, merged = [], self._merge([keep[0], merged])
        self.segments, self._n_docs = [], 0
        for segment in [*keep, merged]:
            self._append(segment)
        self.merges += 1
        log.debug("merged index into %d segments (%d docs)", len(self.segments), self.n_docs)

    def _merge(self, segments: Sequence[Segment]) -> Segment:
        """One segment of the live articles of ``segments``."""
        tables, ids = [], []
        names = set.intersection(*(set(s.columns) for s in segments)) if segments else set()
        columns: dict[str, list[np.ndarray]] = {k: [] for k in names}
        for seg in segments:
            live = np.flatnonzero(seg.alive)
            tables.append(seg.docs.take(live))
            ids += [seg.token_ids(int(p)) for p in live]
            for k in names:
                columns[k].append(seg.columns[k][live])
        return self._build(DocTable.concat(tables), ids,
                           {k: np.concatenate(v) for k, v in columns.items()})

    def global_df(self, token_id: int) -> int:
        return int(sum(s.plain["df"][token_id] for s in self.segments
                       if token_id < len(s.df)))

    def postings(self, token_id: int) -> list[tuple[int, np.ndarray, np.ndarray]]:
        """(segment number, doc positions, BM25 scores with the global IDF) of one token."""
        n = max(self.n_docs, 1)
        g_idf = float(idf(n, self.global_df(token_id)))
        out: list[tuple[int, np.ndarray, np.ndarray]] = []
        for number, seg in enumerate(self.segments):
            plain = seg.plain
            if token_id >= len(plain["df"]) or not plain["df"][token_id]:
                continue
            lo, hi = plain["indptr"][token_id], plain["indptr"][token_id + 1]
            docs = plain["indices"][lo:hi]
            s_idf = float(idf(seg.size, float(plain["df"][token_id])))
            values = plain["data"][lo:hi] * (g_idf / s_idf if s_idf > 0 else 0.0)
            out.append((number, docs, values))
        return out

    def concept_idf(self, token_ids: Sequence[int | None]) -> float:
        """The IDF of a query concept: its most common alternative (unknown = rarest)."""
        n = max(self.n_docs, 1)
        known = [self.global_df(t) for t in token_ids if t is not None]
        df = max(known) if known else 0
        return float(idf(n, df)) if df else math.log(1 + (n + 0.5) / 0.5)
