"""An index segment's data: its articles as columns, token ids and bm25s score matrix.

Only numpy arrays, no Python object per article: a segment can live in memory or be
memory-mapped from its files (``bot.answer.segfiles``) with the same code reading it.
"""

from __future__ import annotations

import functools
import math
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np


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
    #: Where its files are (None: in memory only).
    folder: Path | None = None

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
