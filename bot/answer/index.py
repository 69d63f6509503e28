"""A segmented BM25 index (bm25s) that grows as articles arrive.

New articles go into a small new segment; the world is not rebuilt for each one. When there
are too many segments the small ones are merged (from the token ids each segment keeps,
without re-tokenising). Each segment has its own bm25s score matrix, whose scores carry the
segment's own IDF; query terms are re-weighted by the global IDF so scores compare across
segments. Segments hold only numpy arrays (no Python object per article), so they can be
saved and memory-mapped back (``bot.answer.persist``) instead of rebuilt after a restart.
With a ``spill`` folder a merge streams its output to a file there and maps it back
(``bot.answer.merge``): a rebuild of a million articles then holds the small segments
(at most ``max_segments`` batches) and one merge chunk in memory, not the whole index.
New batches stay in memory: searching mapped pages for the first time is slower.
"""

from __future__ import annotations

import logging
import math
import shutil
import uuid
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import overload

import numpy as np

from bot.answer.merge import merge_segments
from bot.answer.segment import DocMeta, DocTable, Segment

__all__ = ["DocMeta", "DocTable", "SearchIndex", "Segment", "idf"]

log = logging.getLogger(__name__)


class _AsLists(Sequence[list[int]]):
    """Token ids as the lists bm25s reads, one article at a time: a batch's tokens are
    never all Python ints at once (merges do not use bm25s: ``bot.answer.merge``)."""

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


def _span(seg: Segment, token_id: int) -> slice | None:
    """Where the token's postings lie in the segment's arrays; None when it holds none."""
    plain = seg.plain
    if token_id >= len(plain["df"]) or not plain["df"][token_id]:
        return None
    return slice(int(plain["indptr"][token_id]), int(plain["indptr"][token_id + 1]))


class SearchIndex:
    """Token ids, segments and global statistics; one per process, refreshed incrementally."""

    def __init__(self, *, max_segments: int = 8, k1: float = 1.5, b: float = 0.75,
                 spill: Path | None = None) -> None:
        self.vocab: dict[str, int] = {}
        #: Where merged segments are written and mapped from (None: kept in memory).
        self.spill = spill
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
        del ids  # not held through a merge
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
        # Imported here, the only place that scores with bm25s: it pulls in scipy.sparse
        # (~0.2 s), which a process that only loads and queries saved segments never needs.
        import bm25s
        from bm25s.tokenization import Tokenized

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

    def _discard(self, segment: Segment) -> None:
        """Delete a merged-away segment's files if this build spilled them (a saved one's
        go when the next save no longer names them; a process mapping them keeps them)."""
        if (self.spill is not None and segment.folder is not None
                and segment.folder.parent == self.spill):
            shutil.rmtree(segment.folder, ignore_errors=True)

    def _append(self, segment: Segment) -> None:
        self.segments.append(segment)
        self._n_docs += int(segment.alive.sum())

    def _merge_small(self) -> None:
        """Merge every segment but the largest into one (cheap: tokens are kept as ids)."""
        largest = max(range(len(self.segments)), key=lambda i: self.segments[i].size)
        keep = [self.segments[largest]]
        rest = [s for i, s in enumerate(self.segments) if i != largest]
        merged = self._merge(rest)
        for segment in rest:
            self._discard(segment)
        if merged.size > keep[0].size // 2:
            # The small ones have grown: fold everything into one segment.
            folded = self._merge([keep[0], merged])
            for segment in (keep[0], merged):
                self._discard(segment)
            keep, merged = [], folded
        self.segments, self._n_docs = [], 0
        for segment in [*keep, merged]:
            self._append(segment)
        self.merges += 1
        log.debug("merged index into %d segments (%d docs)", len(self.segments), self.n_docs)

    def _merge(self, segments: Sequence[Segment]) -> Segment:
        """One segment of the live articles of ``segments`` (in the spill folder if any)."""
        folder = self.spill / f"seg-{uuid.uuid4().hex}" if self.spill is not None else None
        return merge_segments(segments, n_vocab=len(self.vocab), k1=self.k1, b=self.b,
                              folder=folder)

    def global_df(self, token_id: int) -> int:
        return int(sum(s.plain["df"][token_id] for s in self.segments
                       if token_id < len(s.df)))

    def postings(self, token_id: int) -> list[tuple[int, np.ndarray, np.ndarray]]:
        """(segment number, doc positions, BM25 scores with the global IDF) of one token."""
        n = max(self.n_docs, 1)
        g_idf = float(idf(n, self.global_df(token_id)))
        out: list[tuple[int, np.ndarray, np.ndarray]] = []
        for number, seg in enumerate(self.segments):
            span = _span(seg, token_id)
            if span is None:
                continue
            plain = seg.plain
            s_idf = float(idf(seg.size, float(plain["df"][token_id])))
            values = plain["data"][span] * (g_idf / s_idf if s_idf > 0 else 0.0)
            out.append((number, plain["indices"][span], values))
        return out

    def written_in(self, token_id: int, lang: str) -> bool:
        """Some stored article in ``lang`` holds the token (a name's sound key: whether any
        report in that language writes the name)."""
        return any(np.any(seg.docs.lang[seg.plain["indices"][span]] == lang)
                   for seg in self.segments if (span := _span(seg, token_id)) is not None)

    def values_at(self, token_id: int, positions: Mapping[int, np.ndarray]
                  ) -> list[tuple[int, np.ndarray, np.ndarray]]:
        """One token's BM25 values (with the global IDF, as ``postings``) at the articles
        ``positions`` gives per segment number: (segment number, which of its positions
        hold the token, their values). Only those articles' entries are read."""
        g_idf = float(idf(max(self.n_docs, 1), self.global_df(token_id)))
        out: list[tuple[int, np.ndarray, np.ndarray]] = []
        for number, wanted in positions.items():
            plain = self.segments[number].plain
            if token_id >= len(plain["df"]) or not plain["df"][token_id]:
                continue
            lo, hi = int(plain["indptr"][token_id]), int(plain["indptr"][token_id + 1])
            docs = plain["indices"][lo:hi]
            where = np.minimum(np.searchsorted(docs, wanted), docs.size - 1)
            found = np.flatnonzero(docs[where] == wanted)
            s_idf = float(idf(self.segments[number].size, float(plain["df"][token_id])))
            scale = g_idf / s_idf if s_idf > 0 else 0.0
            out.append((number, found, plain["data"][lo + where[found]] * scale))
        return out

    def concept_idf(self, token_ids: Sequence[int | None]) -> float:
        """The IDF of a query concept: its most common alternative (unknown = rarest)."""
        n = max(self.n_docs, 1)
        known = [self.global_df(t) for t in token_ids if t is not None]
        df = max(known) if known else 0
        return float(idf(n, df)) if df else math.log(1 + (n + 0.5) / 0.5)
