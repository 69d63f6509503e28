"""The passage score marks, per question concept, the sentences an article matches it in.
It does so per query token over all positions at once; what it marks must be what visiting
each matching position marks. The lead share (the question's event names in the headline
and first sentences) is read from the same marks."""

from __future__ import annotations

import random
from types import SimpleNamespace

import numpy as np

from bot.answer.engine import LEAD_SENTENCES, Engine

END = 0  # the sentence-end token's id in these articles


def by_position(token_ids: np.ndarray, rows_of: dict[int, list[int]],
                weights: np.ndarray, total: float, events: list[bool]) -> tuple[float, float]:
    """The definition, one matching position at a time."""
    sentence = np.cumsum(token_ids == END)
    present = np.zeros((len(weights), int(sentence[-1]) + 2), dtype=bool)
    for pos in range(len(token_ids)):
        for row in rows_of.get(int(token_ids[pos]), []):
            present[row, sentence[pos]] = True
    pairs = present[:, :-1] | present[:, 1:]
    named = [row for row, event in enumerate(events) if event]
    in_lead = [row for row in named
               if any(sentence[pos] <= LEAD_SENTENCES and row in rows_of.get(int(t), [])
                      for pos, t in enumerate(token_ids))]
    lead = len(in_lead) / len(named) if named else 1.0
    return min(float((weights @ pairs).max()) / total, 1.0), lead


def test_the_passage_score_is_the_one_visiting_every_matching_position_gives() -> None:
    engine = SimpleNamespace(index=SimpleNamespace(token_id=lambda token: END))
    rng = random.Random(19)
    scores, leads = set(), set()
    for _ in range(300):
        concepts = rng.randint(1, 5)
        rows_of: dict[int, list[int]] = {}
        for token in rng.sample(range(1, 40), rng.randint(1, 8)):  # some stand for several
            rows_of[token] = sorted(rng.sample(range(concepts), rng.randint(1, concepts)))
        weights = np.array([rng.uniform(0.5, 3) for _ in range(concepts)])
        total = float(weights.sum()) * rng.uniform(1, 1.5)
        token_ids = np.array([rng.choice([END, *range(1, 60)])
                              for _ in range(rng.randint(1, 300))], dtype=np.int64)
        keys = np.fromiter(rows_of, dtype=np.int64, count=len(rows_of))
        events = [rng.random() < 0.5 for _ in range(concepts)]
        got = Engine._passage(engine, token_ids, rows_of, keys, weights,  # type: ignore[arg-type]
                              total, np.array(events, dtype=bool))
        assert got == by_position(token_ids, rows_of, weights, total, events)
        scores.add(round(got[0], 3))
        leads.add(round(got[1], 3))
    assert len(scores) > 50  # the cases differ: not all zero, not all one
    assert {0.0, 1.0} < leads  # some leads name every event name, some none, some a part
