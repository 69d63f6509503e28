"""One segment's matches for a question, worked out where its postings point.

Issue 12: `ask` spent most of its time in passes over whole segments made for every
concept of every search (a mask of the allowed articles, a best-of scratch filled and
added per concept, coverage added per concept). A posting list names each article once,
so a concept with one list adds its values in place; only a concept with several
alternatives still takes the best of them in a whole-segment array. The matches do not
depend on the window, scope or limit, so `ask`'s several searches for one question share
them (``Engine.search``); which articles are allowed, and how much of the question they
cover, is read at the candidates only. The figures are those of the passes, bit for bit
(``tests/answers/test_search_equivalence.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

#: One posting list in a segment: (article positions, ascending; their BM25 values).
Postings = tuple[np.ndarray, np.ndarray]


def best_of(plist: Sequence[Postings], size: int) -> np.ndarray:
    """Per article of the segment, the best value of a concept's alternatives (0: none)."""
    best = np.zeros(size, dtype=np.float32)
    for k, (docs, values) in enumerate(plist):
        best[docs] = values if k == 0 else np.maximum(best[docs], values)
    return best


@dataclass(frozen=True)
class Matches:
    """The articles of a segment that match a question: their positions (ascending) and
    float32 scores (summed in concept order); per concept, its weight and the positions
    of the articles matching it (ascending)."""

    positions: np.ndarray
    scores: np.ndarray
    concepts: Sequence[tuple[float, np.ndarray]]

    @classmethod
    def of(cls, size: int, lists: Sequence[Sequence[Postings]], weights: Sequence[float]
           ) -> Matches:
        """``lists``: per concept, its posting lists in a segment of ``size`` articles;
        ``weights``: per concept, what matching it adds to the covered weight."""
        score = np.zeros(size, dtype=np.float32)
        concepts: list[tuple[float, np.ndarray]] = []
        for weight, plist in zip(weights, lists, strict=True):
            if len(plist) == 1:
                docs, values = plist[0][0], plist[0][1].astype(np.float32, copy=False)
                score[docs] += values
                # A match is a positive value (the whole-segment passes' test).
                concepts.append((weight, docs if values.min(initial=1) > 0
                                 else docs[values > 0]))
            elif plist:
                best = best_of(plist, size)
                score += best
                concepts.append((weight, np.flatnonzero(best > 0)))
        positions = np.flatnonzero(score > 0)
        return cls(positions, score[positions], concepts)

    def top(self, allowed: np.ndarray | None, limit: int) -> tuple[np.ndarray, np.ndarray]:
        """(positions, scores) of the ``limit`` best articles among the allowed ones
        (``allowed``: a mask over ``positions``; None: all of them)."""
        positions, scores = self.positions, self.scores
        if allowed is not None:
            positions, scores = positions[allowed], scores[allowed]
        if positions.size > limit:
            best = np.argpartition(-scores, limit)[:limit]
            positions, scores = positions[best], scores[best]
        return positions, scores

    def covered(self, positions: np.ndarray, always: float) -> np.ndarray:
        """The question's weight the articles at ``positions`` cover, summed in float32 in
        concept order from ``always`` (the weight every article covers)."""
        covered = np.full(positions.size, always, dtype=np.float32)
        for weight, docs in self.concepts:
            if docs.size:
                at = np.minimum(np.searchsorted(docs, positions), docs.size - 1)
                np.add(covered, weight, out=covered, where=docs[at] == positions)
        return covered
