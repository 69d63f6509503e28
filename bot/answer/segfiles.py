"""One index segment as files in a folder: written once, memory-mapped back.

Shared by the saved index (``bot.answer.persist``) and by a build that spills its segments
to disk as it goes (``SearchIndex.spill``): a mapped segment costs resident memory only for
the pages a search reads, so a large rebuild does not hold every segment in RAM. The score
matrix keeps bm25s's own file names (``BM25.load_scores`` reads them).
"""

from __future__ import annotations

import mmap
import os
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

import numpy as np

from bot.answer.segment import DocTable, Segment

DOC_COLUMNS = ("ids", "published", "story", "lang")
SCORE_FILES = {"data": "data.csc.index.npy", "indices": "indices.csc.index.npy",
               "indptr": "indptr.csc.index.npy"}


def write_segment(seg: Segment, folder: Path) -> None:
    """Write ``seg`` (in memory or mapped) to ``folder``, atomically (a temporary name first)."""
    tmp = folder.with_name(f"tmp-{folder.name}")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    for key, file in SCORE_FILES.items():
        np.save(tmp / file, seg.scores[key])
    for name in DOC_COLUMNS:
        np.save(tmp / f"{name}.npy", getattr(seg.docs, name))
    np.save(tmp / "tokens.npy", seg.tokens)
    np.save(tmp / "offsets.npy", seg.offsets)
    np.save(tmp / "df.npy", seg.df)
    for name, values in seg.columns.items():
        np.save(tmp / f"{name}.col.npy", values)
    os.replace(tmp, folder)


def read_segment(folder: Path, *, name: str, alive: np.ndarray,
                 columns: Sequence[str]) -> Segment:
    """The segment in ``folder``, its arrays memory-mapped (``alive`` is kept in memory)."""

    def column(file: str) -> np.ndarray:
        return np.load(folder / file, mmap_mode="r")

    docs = DocTable(*(column(f"{n}.npy") for n in DOC_COLUMNS))
    return Segment(docs, column("tokens.npy"), column("offsets.npy"),
                   {key: column(file) for key, file in SCORE_FILES.items()},
                   column("df.npy"), alive, {n: column(f"{n}.col.npy") for n in columns},
                   name=name, folder=folder)


def release(values: np.ndarray) -> None:
    """Drop the pages of a memory-mapped array from this process's resident set (the page
    cache keeps them): reading a large mapped segment end to end would otherwise count the
    whole file in RSS. A no-op for an array in memory."""
    base: object = values
    while base is not None:
        mapped = getattr(base, "_mmap", None)
        if isinstance(mapped, mmap.mmap):
            mapped.madvise(mmap.MADV_DONTNEED)
            return
        base = getattr(base, "base", None)


class NpyWriter:
    """A 1-d ``.npy`` file of known length written chunk by chunk (never whole in memory)."""

    def __init__(self, path: Path, dtype: np.dtype, length: int) -> None:
        self.path, self.dtype, self.length, self.written = path, np.dtype(dtype), length, 0
        self._file: BinaryIO = open(path, "wb")  # closed by close()
        np.lib.format.write_array_header_1_0(self._file, {
            "descr": np.lib.format.dtype_to_descr(self.dtype), "fortran_order": False,
            "shape": (length,)})

    def write(self, chunk: np.ndarray) -> None:
        self._file.write(np.ascontiguousarray(chunk, dtype=self.dtype).tobytes())
        self.written += len(chunk)

    def close(self) -> None:
        self._file.close()
        if self.written != self.length:
            raise ValueError(f"{self.path.name}: wrote {self.written} of {self.length} values")
