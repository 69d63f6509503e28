"""Near-duplicate detection: MinHash LSH over shingles (datasketch's scheme, numpy only).

Word 3-grams for English and character 5-grams for Japanese; a Jaccard threshold of 0.5
catches syndicated copies with light edits and keeps distinct reports of the same event
apart. Signatures are stored with the article (``Article.minhash``) so the index can be
rebuilt after a restart without re-reading old texts.
"""

from __future__ import annotations

import functools
import re
import zlib
from collections.abc import Hashable, Iterable
from typing import Any

import numpy as np

from bot.news.minhash import lsh_params, min_hashes, permutations
from bot.text.sentences import normalise

NUM_PERM = 128
THRESHOLD = 0.5
#: Stored signatures are only comparable within one permutation scheme.
SCHEME = "affine32"
_WORD = re.compile(r"\w+")
_SPACE = re.compile(r"\s+")


#: Stable across processes (unlike hash()), cheap, and 32 bits like datasketch's default.
#: The C function itself, not a Python wrapper: it runs once per shingle.
_hash = zlib.crc32


def shingles(text: str, lang: str) -> set[bytes]:
    """Word 3-grams (en) or character 5-grams (ja) of the normalised text."""
    norm = normalise(text)
    if lang == "ja":
        flat = _SPACE.sub("", norm)
        if len(flat) < 5:
            return {flat.encode()} if flat else set()
        return {flat[i:i + 5].encode() for i in range(len(flat) - 4)}
    words = _WORD.findall(norm)
    if len(words) < 3:
        return {" ".join(words).encode()} if words else set()
    return {" ".join(words[i:i + 3]).encode() for i in range(len(words) - 2)}


@functools.cache
def _permutations(num_perm: int) -> Any:
    """datasketch's permutations for the default seed: the same in every process, so
    signatures computed in parse workers match the stored ones."""
    return permutations(num_perm)


def signature(text: str, lang: str, *, num_perm: int = NUM_PERM) -> np.ndarray:
    """The MinHash values of the text's shingles: 32-bit (the affine32 scheme), stored
    as 64-bit values (``to_bytes``) like every signature before them."""
    return min_hashes(map(_hash, shingles(text, lang)), _permutations(num_perm))


#: Band digests wait in a small unsorted buffer before being merged into the sorted array.
_BUFFER = 1024
#: Signatures per block of stored values (2 MB at 128 permutations).
_BLOCK = 4096


class NearDuplicates:
    """An LSH index of article signatures for one poll (no module-level state).

    The banding is datasketch's (same bands and rows, a candidate shares every value of
    at least one band with the query), but held in numpy arrays rather than a dict of
    sets per band: a seeding poll indexes tens of thousands of signatures, and
    ``MinHashLSH`` spends about 9 KB of Python objects on each. Band values are looked up
    by a 64-bit digest and every candidate is then checked band by band, so a digest
    collision cannot add a candidate that datasketch would not have returned."""

    def __init__(self, *, threshold: float = THRESHOLD, num_perm: int = NUM_PERM) -> None:
        self.num_perm = num_perm
        self._bands, self._rows = lsh_params(threshold, num_perm)
        self._mix = np.random.default_rng(0x5EED).integers(
            1, 2**63, size=self._rows, dtype=np.uint64) | np.uint64(1)
        self._keys: list[tuple[Hashable, int]] = []
        #: Signature values in fixed blocks of rows (growing never copies them).
        self._blocks: list[np.ndarray] = []
        self._sorted = np.empty(0, dtype=np.uint64)
        self._sorted_rows = np.empty(0, dtype=np.int64)
        self._buffer = np.empty((_BUFFER, self._bands), dtype=np.uint64)
        self._buffered = 0
        self._versions: dict[Hashable, list[tuple[Hashable, int]]] = {}

    def get_signature(self, text: str, lang: str) -> np.ndarray:
        return signature(text, lang, num_perm=self.num_perm)

    @staticmethod
    def to_bytes(sig: np.ndarray) -> bytes:
        return np.asarray(sig, dtype=np.uint64).tobytes()

    def add(self, article: Hashable, sig: np.ndarray) -> None:
        """Index another version of an article (its earlier versions stay indexed, so a
        copy of the original is still recognised after the article was updated).

        ``article`` is its id, or any hashable stand-in while it has none yet."""
        self._add_values(article, sig)

    def _add_values(self, article: Hashable, hashvalues: Any) -> None:
        key = (article, len(self._versions.get(article, ())))
        self._versions.setdefault(article, []).append(key)
        row = len(self._keys)
        if row % _BLOCK == 0:
            # The affine32 scheme's values fit in 32 bits (stored as 64: older rows).
            self._blocks.append(np.empty((_BLOCK, self.num_perm), dtype=np.uint32))
        values = self._blocks[-1][row % _BLOCK]
        values[:] = hashvalues
        self._keys.append(key)
        if self._buffered == _BUFFER:
            self._merge()
        self._buffer[self._buffered] = self._digests(values)
        self._buffered += 1

    def add_many(self, rows: Iterable[tuple[int, bytes]]) -> None:
        """Index stored signatures (``Article.minhash``: one or more, concatenated)."""
        size = self.num_perm * 8
        for article_id, data in rows:
            for start in range(0, len(data or b"") - size + 1, size):
                # Straight from the stored bytes: no MinHash object per stored signature.
                self._add_values(article_id, np.frombuffer(data, dtype=np.uint64,
                                                           count=self.num_perm,
                                                           offset=start))

    def get_match(self, sig: np.ndarray) -> tuple[Any, float] | None:
        """The most similar indexed article at or above the threshold, with its Jaccard."""
        if not self._keys:
            return None
        query = np.asarray(sig, dtype=np.uint64)
        digests = self._digests(query)
        lo = np.searchsorted(self._sorted, digests, side="left")
        hi = np.searchsorted(self._sorted, digests, side="right")
        found = [self._sorted_rows[a:b] for a, b in zip(lo, hi, strict=True) if b > a]
        merged = len(self._keys) - self._buffered
        # Band by band: a digest carries its band number, so only its own column can hold it.
        hits = np.nonzero((self._buffer[:self._buffered] == digests).any(axis=1))[0]
        if len(hits):
            found.append(hits + merged)
        if not found:
            return None
        rows = np.unique(np.concatenate(found))
        width = self._bands * self._rows
        stored = np.stack([self._blocks[r // _BLOCK][r % _BLOCK] for r in rows.tolist()])
        same_band = (stored[:, :width].reshape(len(rows), self._bands, self._rows)
                     == query[:width].reshape(self._bands, self._rows)).all(axis=2).any(axis=1)
        rows, stored = rows[same_band], stored[same_band]
        if not len(rows):
            return None
        scores = np.count_nonzero(stored == query, axis=1) / self.num_perm
        best = int(np.argmax(scores))
        return self._keys[int(rows[best])][0], float(scores[best])

    def _digests(self, values: np.ndarray) -> np.ndarray:
        """One 64-bit digest per band (unsigned arithmetic wraps, as intended)."""
        width = self._bands * self._rows
        bands = values[:width].reshape(self._bands, self._rows)
        return (bands * self._mix).sum(axis=1, dtype=np.uint64) + np.arange(
            self._bands, dtype=np.uint64)

    def _merge(self) -> None:
        """Move the buffered digests into the sorted array (amortised: once per buffer)."""
        first = len(self._sorted_rows) // self._bands
        rows = np.repeat(np.arange(first, first + self._buffered, dtype=np.int64),
                         self._bands)
        digests = np.concatenate([self._sorted, self._buffer[:self._buffered].ravel()])
        rows = np.concatenate([self._sorted_rows, rows])
        order = np.argsort(digests, kind="stable")
        self._sorted, self._sorted_rows = digests[order], rows[order]
        self._buffered = 0


def append_signature(stored: bytes | None, sig: bytes, *, keep: int = 4) -> bytes:
    """Stored signatures of an article's versions, newest last, at most ``keep``."""
    data = (stored or b"") + sig
    return data[-keep * len(sig):]
