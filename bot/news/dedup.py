"""Near-duplicate detection: MinHash LSH over shingles (datasketch).

Word 3-grams for English and character 5-grams for Japanese; a Jaccard threshold of 0.5
catches syndicated copies with light edits and keeps distinct reports of the same event
apart. Signatures are stored with the article (``Article.minhash``) so the index can be
rebuilt after a restart without re-reading old texts.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Hashable, Iterable
from typing import Any

import numpy as np
from datasketch import MinHash, MinHashLSH

from bot.text.sentences import normalise

NUM_PERM = 128
THRESHOLD = 0.5
LSH_PARAMS = (25, 5)
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


class NearDuplicates:
    """An LSH index of article signatures for one poll (no module-level state)."""

    def __init__(self, *, threshold: float = THRESHOLD, num_perm: int = NUM_PERM) -> None:
        self.num_perm = num_perm
        self._template = MinHash(num_perm=num_perm, hashfunc=_hash, scheme=SCHEME)
        # (bands, rows) that datasketch finds optimal for 0.5 and 128 permutations; given
        # explicitly because finding them integrates numerically on every construction.
        params = LSH_PARAMS if (threshold, num_perm) == (THRESHOLD, NUM_PERM) else None
        self._lsh = MinHashLSH(threshold=threshold, num_perm=num_perm, params=params)
        self._signatures: dict[tuple[Hashable, int], MinHash] = {}
        self._versions: dict[Hashable, list[tuple[Hashable, int]]] = {}

    def get_signature(self, text: str, lang: str) -> MinHash:
        sig = MinHash(num_perm=self.num_perm, hashfunc=_hash, scheme=SCHEME,
                      permutations=self._template.permutations)
        grams = shingles(text, lang)
        if grams:
            sig.update_batch(list(grams))
        return sig

    def from_bytes(self, data: bytes) -> MinHash:
        values = np.frombuffer(data, dtype=np.uint64).copy()
        return MinHash(num_perm=self.num_perm, hashfunc=_hash, hashvalues=values,
                       permutations=self._template.permutations, scheme=SCHEME)

    @staticmethod
    def to_bytes(sig: MinHash) -> bytes:
        return bytes(np.asarray(sig.hashvalues, dtype=np.uint64).tobytes())

    def add(self, article: Hashable, sig: MinHash) -> None:
        """Index another version of an article (its earlier versions stay indexed, so a
        copy of the original is still recognised after the article was updated).

        ``article`` is its id, or any hashable stand-in while it has none yet."""
        key = (article, len(self._versions.get(article, ())))
        self._versions.setdefault(article, []).append(key)
        self._signatures[key] = sig
        self._lsh.insert(key, sig)

    def add_many(self, rows: Iterable[tuple[int, bytes]]) -> None:
        """Index stored signatures (``Article.minhash``: one or more, concatenated)."""
        size = self.num_perm * 8
        for article_id, data in rows:
            for start in range(0, len(data or b"") - size + 1, size):
                self.add(article_id, self.from_bytes(data[start:start + size]))

    def get_match(self, sig: MinHash) -> tuple[Any, float] | None:
        """The most similar indexed article at or above the threshold, with its Jaccard."""
        best: tuple[Any, float] | None = None
        for key in self._lsh.query(sig):
            score = float(sig.jaccard(self._signatures[key]))
            if best is None or score > best[1]:
                best = (key[0], score)
        return best


def append_signature(stored: bytes | None, sig: bytes, *, keep: int = 4) -> bytes:
    """Stored signatures of an article's versions, newest last, at most ``keep``."""
    data = (stored or b"") + sig
    return data[-keep * len(sig):]
