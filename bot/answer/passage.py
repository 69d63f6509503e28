"""Passage and lead shares of the articles a search returns, all marked in one pass.

Issue 12: judged one article at a time, the marking (which concept each sentence
matches) took a quarter of `ask`, in calls made per article and per query token. Here the
returned articles' tokens are marked together; each article's share is then read from
its own marks exactly as before (``tests/unit/test_passage_matrix.py``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

#: The sentences after the headline that say what a report is about (its lead).
LEAD_SENTENCES = 4


def passages(articles: Sequence[np.ndarray], end: int | None, rows_of: dict[int, list[int]],
             weights: np.ndarray, total: float, events: np.ndarray
             ) -> list[tuple[float, float]]:
    """(passage, lead) of each article (its token ids; ``end`` ends a sentence).

    ``passage``: the share of the question's weight that two adjacent sentences match
    together. ``lead``: the share of its event names (``events``, per concept) that the
    headline and first sentences name. ``rows_of`` maps a query token id to the concepts
    (rows of ``weights``) it stands for."""
    if end is None or total <= 0 or not rows_of or not articles:
        return [(0.0, 1.0)] * len(articles)
    present, sentences = _marks(articles, end, rows_of, len(weights))
    named = int(events.sum())
    leads = present[:, events, :LEAD_SENTENCES + 1].any(axis=2).sum(axis=1).tolist()
    out: list[tuple[float, float]] = []
    for i, last in enumerate(sentences):
        if last < 0:  # no tokens
            out.append((0.0, 1.0))
            continue
        mine = present[i, :, :last + 2]  # the shape judging it alone gives
        pairs = mine[:, :-1] | mine[:, 1:]
        out.append((min(float((weights @ pairs).max()) / total, 1.0),
                    float(leads[i]) / named if named else 1.0))
    return out


def _marks(articles: Sequence[np.ndarray], end: int, rows_of: dict[int, list[int]],
           n_rows: int) -> tuple[np.ndarray, list[int]]:
    """Per article, concept and sentence: whether the sentence names the concept; and each
    article's last sentence number (-1 for an article without tokens)."""
    lengths = np.fromiter((a.size for a in articles), dtype=np.int64, count=len(articles))
    tokens = np.concatenate(articles)
    # Sentence numbers restart at 0 in each article.
    ends = np.zeros(tokens.size + 1, dtype=np.int64)
    np.cumsum(tokens == end, out=ends[1:])
    starts = np.cumsum(lengths) - lengths
    before = ends[starts]
    article = np.repeat(np.arange(len(articles)), lengths)
    sentence = ends[1:] - before[article]
    last = np.where(lengths > 0, ends[starts + lengths] - before, -1)
    present = np.zeros((len(articles), n_rows, int(last.max(initial=-1)) + 2), dtype=bool)
    keys = np.fromiter(rows_of, dtype=np.int64, count=len(rows_of))
    order = np.argsort(keys)
    hits = np.flatnonzero(np.isin(tokens, keys))
    if hits.size:
        which = order[np.searchsorted(keys, tokens[hits], sorter=order)]
        # Each hit marks every concept its token stands for.
        rows = list(rows_of.values())  # in the order of ``keys``
        counts = np.fromiter((len(r) for r in rows), dtype=np.int64, count=len(rows))
        first = np.cumsum(counts) - counts
        flat = np.fromiter((x for r in rows for x in r), dtype=np.int64, count=int(counts.sum()))
        n = counts[which]
        at = np.repeat(first[which] - (np.cumsum(n) - n), n) + np.arange(int(n.sum()))
        present[np.repeat(article[hits], n), flat[at], np.repeat(sentence[hits], n)] = True
    return present, last.tolist()
