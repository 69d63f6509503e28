"""MinHash arithmetic with numpy alone: the values and LSH banding datasketch computes.

datasketch pulls in scipy (about 140 MB) only to integrate the banding error, so the bot
computes the same things itself. Signatures must stay bit-identical to datasketch's
"affine32" scheme with its default seed: signatures stored by earlier versions are
compared with new ones (tests check both against datasketch).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

import numpy as np

#: datasketch's default seed for its permutation parameters.
SEED = 1
_WIDTH = 32
_LEGENDRE_POINTS = 96
#: The MurmurHash3 32-bit finalizer: shift, multiply, shift, multiply, shift.
_FMIX = (np.uint32(16), np.uint32(0x85EBCA6B), np.uint32(13), np.uint32(0xC2B2AE35),
         np.uint32(16))


def permutations(num_perm: int, *, seed: int = SEED) -> np.ndarray:
    """The ``(a, b)`` rows of the affine maps ``h -> a*h + b mod 2**32`` (``a`` odd, so
    each map is a bijection), drawn as datasketch draws them from a seeded RandomState."""
    gen = np.random.RandomState(seed)
    half = gen.randint(0, 1 << (_WIDTH - 1), num_perm, dtype=np.uint32)
    a = half * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << _WIDTH, num_perm, dtype=np.uint32)
    return np.array([a, b])


def _premix(values: np.ndarray) -> np.ndarray:
    """A fixed avalanching bijection applied once, so weak input hashes spread evenly."""
    s1, m1, s2, m2, s3 = _FMIX
    values = values ^ (values >> s1)
    values = values * m1
    values = values ^ (values >> s2)
    values = values * m2
    return values ^ (values >> s3)


def min_hashes(hashes: Iterable[int], perms: np.ndarray) -> np.ndarray:
    """The signature of a set given its 32-bit element hashes: per permutation, the
    smallest permuted value (all ones for an empty set)."""
    a, b = perms
    empty = np.full(a.shape[0], np.iinfo(np.uint32).max, dtype=np.uint32)
    column = np.fromiter(hashes, dtype=np.uint32).reshape(-1, 1)
    if column.size == 0:
        return empty
    with np.errstate(over="ignore"):  # wrapping around 2**32 is the modulo
        permuted = _premix(column) * a + b
    return np.minimum(empty, permuted.min(axis=0))


@functools.cache
def lsh_params(threshold: float, num_perm: int) -> tuple[int, int]:
    """``(bands, rows)`` with the least false positive plus false negative probability
    mass (equal weights) for ``threshold``: datasketch's choice.

    The integrands are polynomials of degree ``bands*rows <= num_perm``, so Gauss-Legendre
    quadrature with enough points integrates them exactly (datasketch uses scipy's quad).
    """
    if not 0.0 < threshold < 1.0:
        raise ValueError(f"threshold must be between 0 and 1 (got {threshold})")
    nodes, weights = np.polynomial.legendre.leggauss(max(_LEGENDRE_POINTS, num_perm // 2 + 1))

    def integral(lo: float, hi: float, band: int, rows: int, *, collide: bool) -> float:
        s = (hi - lo) / 2 * nodes + (hi + lo) / 2
        collision = 1.0 - (1.0 - s ** float(rows)) ** float(band)
        values = collision if collide else 1.0 - collision
        return float((hi - lo) / 2 * (weights @ values))

    best, params = float("inf"), (0, 0)
    for band in range(1, num_perm + 1):
        for rows in range(1, num_perm // band + 1):
            error = 0.5 * integral(0.0, threshold, band, rows, collide=True) + \
                0.5 * integral(threshold, 1.0, band, rows, collide=False)
            if error < best:
                best, params = error, (band, rows)
    return params
