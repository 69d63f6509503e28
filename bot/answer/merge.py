"""Merge index segments in bounded memory: the bm25s score matrix rebuilt in column ranges.

bm25s builds a matrix from every article's tokens at once (about 40 bytes per token while
it sorts); merging a million articles that way needs gigabytes. Here the live articles'
token ids are read a chunk at a time (twice: once for lengths and document frequencies,
then once per range of token ids whose scores fit in ``budget`` entries) and each array is
written as it is made, to files when a folder is given (then mapped back), else to memory.
Every score is computed with the very operations bm25s uses (Lucene BM25: float64
arithmetic, a float32 IDF, a float32 result), so a merged segment is bit-identical to one
bm25s would build from the same articles (``tests/answers/test_index_merge.py``).
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from bot.answer.segfiles import DOC_COLUMNS, SCORE_FILES, NpyWriter, read_segment, release
from bot.answer.segment import DocTable, Segment

#: Token ids read from a segment at once (each costs ~40 bytes while its chunk is counted).
CHUNK_TOKENS = 2_000_000
#: Score entries (8 bytes each) held at once while the matrix is filled.
BUDGET = 16_000_000


class _Writer(Protocol):
    def write(self, chunk: np.ndarray) -> None: ...
    def close(self) -> None: ...


class _MemWriter:
    """``NpyWriter``'s interface, filling an array in memory (an index without a folder)."""

    def __init__(self, dtype: np.dtype, length: int) -> None:
        self.values, self.written = np.empty(length, dtype=dtype), 0

    def write(self, chunk: np.ndarray) -> None:
        self.values[self.written:self.written + len(chunk)] = chunk
        self.written += len(chunk)

    def close(self) -> None:
        assert self.written == len(self.values)


def _chunks(segments: Sequence[Segment], chunk_tokens: int
            ) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """(lengths, token ids end to end) of the live articles, in order, a chunk at a time;
    the mapped pages read are dropped from the resident set after each chunk."""
    for seg in segments:
        offsets = np.array(seg.offsets, dtype=np.int64)
        alive = np.asarray(seg.alive, dtype=bool)
        start = 0
        while start < seg.size:
            stop = int(np.searchsorted(offsets, offsets[start] + chunk_tokens, side="right")) - 1
            stop = min(max(stop, start + 1), seg.size)
            tokens = np.array(seg.tokens[offsets[start]:offsets[stop]], dtype=np.int32)
            release(seg.tokens)
            lengths = np.diff(offsets[start:stop + 1])
            live = alive[start:stop]
            if not live.all():
                tokens, lengths = tokens[np.repeat(live, lengths)], lengths[live]
            start = stop
            if len(lengths):
                yield lengths, tokens
        release(seg.offsets)


def _pairs(lengths: np.ndarray, tokens: np.ndarray, n_vocab: int, keep: np.ndarray | None
           ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(article within the chunk, token id, count) of each distinct token of each article,
    by article then token id; only tokens where ``keep`` is true (None: all)."""
    doc = np.repeat(np.arange(len(lengths), dtype=np.int64), lengths)
    if keep is not None:
        doc, tokens = doc[keep], tokens[keep]
    keys, counts = np.unique(doc * n_vocab + tokens, return_counts=True)
    return keys // n_vocab, keys % n_vocab, counts


def merge_segments(segments: Sequence[Segment], *, n_vocab: int, k1: float, b: float,
                   folder: Path | None = None, chunk_tokens: int = CHUNK_TOKENS,
                   budget: int = BUDGET) -> Segment:
    """One segment of the live articles of ``segments``, written to ``folder`` and mapped
    back (None: kept in memory). Peak memory is bounded by ``chunk_tokens`` and ``budget``,
    not by the number of articles (the per-article columns and offsets excepted)."""
    name = folder.name.removeprefix("seg-") if folder is not None else uuid.uuid4().hex
    if folder is not None:
        folder.mkdir(parents=True)

    def writer(file: str, dtype: type, length: int) -> _Writer:
        if folder is None:
            return _MemWriter(np.dtype(dtype), length)
        return NpyWriter(folder / file, np.dtype(dtype), length)

    n_tokens = sum(int(np.diff(np.asarray(s.offsets))[np.asarray(s.alive)].sum())
                   for s in segments)
    tokens_out = writer("tokens.npy", np.int32, n_tokens)
    df = np.zeros(n_vocab, dtype=np.int64)
    parts: list[np.ndarray] = []
    for lengths, tokens in _chunks(segments, chunk_tokens):
        tokens_out.write(tokens)
        parts.append(lengths)
        df += np.bincount(_pairs(lengths, tokens, n_vocab, None)[1], minlength=n_vocab)
    tokens_out.close()
    lengths = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
    del parts
    n_docs = len(lengths)
    # As bm25s: the mean of an int64 array of lengths, the IDF with math.log into float32.
    avg = lengths.mean() if n_docs else np.float64(1.0)
    idf32 = np.zeros(n_vocab, dtype=np.float32)
    for token, count in zip(np.flatnonzero(df).tolist(), df[df > 0].tolist(), strict=True):
        idf32[token] = math.log(1 + (n_docs - count + 0.5) / (count + 0.5))
    indptr = np.zeros(n_vocab + 1, dtype=np.int64)
    np.cumsum(df, out=indptr[1:])
    nnz = int(indptr[-1])
    data_out = writer(SCORE_FILES["data"], np.float32, nnz)
    indices_out = writer(SCORE_FILES["indices"], np.int32, nnz)
    lo = 0
    while lo < n_vocab:
        hi = int(np.searchsorted(indptr, indptr[lo] + budget, side="right")) - 1
        hi = min(max(hi, lo + 1), n_vocab)
        data, indices = _fill(segments, lo, hi, indptr=indptr, idf32=idf32, avg=avg,
                              k1=k1, b=b, n_vocab=n_vocab, chunk_tokens=chunk_tokens)
        data_out.write(data)
        indices_out.write(indices)
        del data, indices
        lo = hi
    data_out.close()
    indices_out.close()

    offsets = np.zeros(n_docs + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    live = [np.flatnonzero(s.alive) for s in segments]
    docs = DocTable.concat([s.docs.take(p) for s, p in zip(segments, live, strict=True)]) \
        if segments else DocTable.of([])
    names = set.intersection(*(set(s.columns) for s in segments)) if segments else set()
    columns = {k: np.concatenate([np.asarray(s.columns[k])[p]
                                  for s, p in zip(segments, live, strict=True)])
               for k in sorted(names)}
    df32 = df.astype(np.int32)
    if folder is None:
        assert isinstance(tokens_out, _MemWriter) and isinstance(data_out, _MemWriter)
        assert isinstance(indices_out, _MemWriter)
        return Segment(docs, tokens_out.values, offsets,
                       {"data": data_out.values, "indices": indices_out.values,
                        "indptr": indptr}, df32, np.ones(n_docs, dtype=bool), columns,
                       name=name)
    np.save(folder / SCORE_FILES["indptr"], indptr)
    np.save(folder / "offsets.npy", offsets)
    np.save(folder / "df.npy", df32)
    for column in DOC_COLUMNS:
        np.save(folder / f"{column}.npy", getattr(docs, column))
    for k, values in columns.items():
        np.save(folder / f"{k}.col.npy", values)
    return read_segment(folder, name=name, alive=np.ones(n_docs, dtype=bool),
                        columns=sorted(columns))


def _fill(segments: Sequence[Segment], lo: int, hi: int, *, indptr: np.ndarray,
          idf32: np.ndarray, avg: np.float64, k1: float, b: float, n_vocab: int,
          chunk_tokens: int) -> tuple[np.ndarray, np.ndarray]:
    """The score matrix's columns ``lo``..``hi``: (scores, article of each), by column and
    then article, as bm25s orders them."""
    base = int(indptr[lo])
    data = np.empty(int(indptr[hi]) - base, dtype=np.float32)
    indices = np.empty(len(data), dtype=np.int32)
    heads = indptr[lo:hi] - base
    first_doc = 0
    for lengths, tokens in _chunks(segments, chunk_tokens):
        doc, token, tf = _pairs(lengths, tokens, n_vocab, (tokens >= lo) & (tokens < hi))
        # bm25s's tfc, in the same order of float64 operations, then idf * tfc as float32.
        tf64 = tf.astype(np.float64)
        tfc = tf64 / (k1 * ((1 - b) + b * lengths[doc] / avg) + tf64)
        scores = (idf32[token].astype(np.float64) * tfc).astype(np.float32)
        order = np.argsort(token, kind="stable")
        column = token[order] - lo
        counts = np.bincount(column, minlength=hi - lo)
        rank = np.arange(len(order)) - (np.cumsum(counts) - counts)[column]
        at = heads[column] + rank
        data[at] = scores[order]
        indices[at] = (doc[order] + first_doc).astype(np.int32)
        heads += counts
        first_doc += len(lengths)
    return data, indices
