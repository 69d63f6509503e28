"""One segment's best articles for a question, worked out where its postings point.

Issue 12: `ask` spent most of its time in passes over whole segments made for every
concept of every question (a mask of the allowed articles, a best-of scratch filled and
added per concept, coverage added per concept). A posting list names each article once,
so a concept with one list adds its values in place; only a concept with several
alternatives still takes the best of them in a whole-segment array. Which articles are
allowed, and how much of the question they cover, is read at the candidates only. The figures are
those of the passes, bit for bit (``tests/unit/test_search_equivalence.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

#: One posting list in a segment: (article positions, ascending; their BM25 values).
Postings = tuple[np.ndarray, np.ndarray]


def best_of(plist: Sequence[Postings], size: int) -> np.ndarray:
    """Per article of the segment, the best value of a concept's alternatives (0: none)."""
    best = np.zeros(size, dtype=np.float32)
    for k, (docs, values) in enumerate(plist):
        best[docs] = values if k == 0 else np.maximum(best[docs], values)
    return best


def top_positions(size: int, lists: Sequence[Sequence[Postings]], weights: Sequence[float],
                  always: float, allowed: Callable[[np.ndarray], np.ndarray], limit: int
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(positions, scores, covered weight) of the ``limit`` best allowed articles.

    ``lists``: per concept, its posting lists in the segment; ``weights``: per concept,
    what matching it adds to the covered weight, which starts at ``always``;
    ``allowed``: which of some positions may be returned. Scores and coverage are float32
    sums in concept order, as the whole-segment passes made them."""
    score = np.zeros(size, dtype=np.float32)
    # Per concept: its weight and its values, as one posting list or a whole-segment array.
    matched: list[tuple[float, np.ndarray | None, np.ndarray]] = []
    for weight, plist in zip(weights, lists, strict=True):
        if len(plist) == 1:
            docs, values = plist[0][0], plist[0][1].astype(np.float32, copy=False)
            score[docs] += values
            matched.append((weight, docs, values))
        elif plist:
            best = best_of(plist, size)
            score += best
            matched.append((weight, None, best))
    candidates = np.flatnonzero(score > 0)
    candidates = candidates[allowed(candidates)]
    if candidates.size > limit:
        candidates = candidates[np.argpartition(-score[candidates], limit)[:limit]]
    covered = np.full(candidates.size, always, dtype=np.float32)
    for weight, docs, values in matched:
        if docs is None:
            named = values[candidates] > 0
        else:
            at = np.minimum(np.searchsorted(docs, candidates), docs.size - 1)
            named = (docs[at] == candidates) & (values[at] > 0)
        np.add(covered, weight, out=covered, where=named)
    return candidates, score[candidates], covered
