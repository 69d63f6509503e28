"""`Engine.search` ranks as the algorithm it replaced did (issue 12, "speed kept").

The search now scores only where the postings point and judges passages for all returned
articles at once; what it returns must be what the whole-segment passes returned: the same
articles in the same order with the same scores, coverage, passages and leads, to the bit.
The old algorithm is kept as the reference in ``bench/search_speed.py`` (which times the
two). Both are run over random indexes (several segments, replaced articles, terms in
nearly every article, concepts with several alternatives) with random time windows and
scopes, and over the demo store with the labelled questions, as `ask` searches them.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.search_speed import reference_search
from bot.answer.engine import SENTENCE_END, Concept, Engine
from bot.answer.evaluation import load_questions
from bot.answer.index import DocMeta, SearchIndex
from bot.answer.when import Window, parse_window
from bot.store.db import SessionFactory

ROOT = Path(__file__).resolve().parents[2]
T0 = datetime(2025, 1, 1, tzinfo=UTC)
DAYS = 120
#: Frequent words first: a word's share of the text falls with its rank (as in news).
WORDS = [f"w{i}" for i in range(400)]
#: In nearly every article: treated as matched everywhere, left out of the score.
EVERYWHERE = "common"


def random_article(rng: random.Random) -> list[str]:
    out: list[str] = []
    for _ in range(rng.randint(1, 12)):
        out += rng.choices(WORDS, weights=[1 / (r + 1) for r in range(len(WORDS))],
                           k=rng.randint(1, 25))
        if rng.random() < 0.9:
            out.append(EVERYWHERE)
        out.append(SENTENCE_END)
    return out


def add_batch(rng: random.Random, index: SearchIndex) -> None:
    """New articles as one segment (merged with others now and then); some are articles
    sent again (their old copies stay in their segment, no longer alive)."""
    last_id = max((int(seg.ids.max()) for seg in index.segments), default=0)
    batch = []
    for _ in range(rng.randint(1, 120)):
        again = last_id > 0 and rng.random() < 0.15
        article_id = rng.randint(1, last_id) if again else last_id + 1
        last_id = max(last_id, article_id)
        when = T0 + timedelta(seconds=rng.randrange(DAYS * 86400))
        batch.append((DocMeta(article_id, when.timestamp(), rng.randint(0, 15),
                              rng.choice(["en", "ja"])), random_article(rng)))
    index.add(batch)


def random_concept(rng: random.Random, index: SearchIndex) -> Concept:
    """One to four alternatives, now and then one no article uses or the common word."""
    tokens = tuple(rng.sample([*WORDS[:150], EVERYWHERE, "nowhere"],
                              rng.choice([1, 1, 2, 3, 4])))
    ids = tuple(index.token_id(t) for t in tokens)
    dfs = [index.global_df(i) for i in ids if i is not None]
    return Concept(tokens, ids, index.concept_idf(ids), name=rng.random() < 0.4,
                   df=sum(dfs), df_max=max(dfs, default=0))


def random_window(rng: random.Random) -> Window:
    start = T0 + timedelta(days=rng.uniform(-5, DAYS))
    end = start + timedelta(days=rng.uniform(0, 60))
    return rng.choice([Window(), Window(start=start, end=end), Window(start=start),
                       Window(end=end)])


def test_random_questions_over_random_indexes_rank_as_before(shared_engine: Engine) -> None:
    rng = random.Random(12)
    asked = with_hits = scoped = windowed = several = 0
    seen: set[tuple[float, float, float]] = set()
    dead = common = 0
    for _ in range(12):
        index = SearchIndex(max_segments=rng.choice([2, 4, 8]))
        for _ in range(rng.randint(2, 7)):
            add_batch(rng, index)
        engine = Engine(analyzer=shared_engine.analyzer, index=index)
        dead += sum(int((~seg.alive).sum()) for seg in index.segments)
        all_ids = sorted({int(i) for seg in index.segments for i in seg.ids})
        questions = [[random_concept(rng, index) for _ in range(rng.randint(1, 6))]
                     for _ in range(20)]
        questions += questions[:-6:-1]  # the last first: asked just before the new articles
        for n, concepts in enumerate(questions):
            if n == 20:  # new articles between questions: the last ones are asked again
                add_batch(rng, index)
            # Asked again as `ask` does: other windows and scopes, the same concepts.
            for _ in range(3):
                window = random_window(rng)
                picked = rng.sample(all_ids, rng.randint(1, min(40, len(all_ids))))
                scope = {*picked, 10_000} if rng.random() < 0.3 else None
                kw = {"now": T0 + timedelta(days=rng.uniform(0, DAYS + 10)),
                      "window": window, "scope": scope, "limit": rng.choice([1, 3, 10, 30])}
                got = engine.search(concepts, **kw)  # type: ignore[arg-type]
                assert got == reference_search(engine, concepts, **kw)  # type: ignore[arg-type]
                asked += 1
                with_hits += len(got) > 1
                scoped += bool(got) and scope is not None
                windowed += bool(got) and window.start is not None
                several += bool(got) and any(len([i for i in c.ids if i is not None]) > 1
                                             for c in concepts)
                common += bool(got) and any(c.df_max > 0.8 * index.n_docs for c in concepts)
                seen |= {(h.score, h.passage, h.lead) for h in got}
    # The cases cover what the search must keep: not a pile of empty answers.
    assert dead > 50
    assert with_hits > asked / 3
    assert min(scoped, windowed, several, common) > 20
    assert len(seen) > 1000
    assert len({lead for _s, _p, lead in seen}) > 3
    assert len({passage for _s, passage, _l in seen}) > 100


async def test_labelled_questions_over_the_demo_store_rank_as_before(
        sessions: SessionFactory, shared_engine: Engine) -> None:
    engine = Engine(analyzer=shared_engine.analyzer, glossary=shared_engine.glossary)
    async with sessions() as session:
        assert await engine.refresh(session, force=True) > 20
    _count, _first, last = engine.span()
    assert last is not None
    now = last + timedelta(days=1)
    stories = [{int(i) for seg in engine.index.segments
                for i in seg.ids[seg.story == story]}
               for story in {int(s) for seg in engine.index.segments for s in seg.story}]
    rng = random.Random(3)
    compared = 0
    for q in load_questions(ROOT / "tests" / "data" / "qa_labelled.json"):
        window = parse_window(q.text, now=now, zone=UTC, covered_until=last)
        concepts = engine.concepts_for(q.text, window)
        for kw in ({"window": Window(), "limit": 30}, {"window": window, "limit": 30},
                   {"window": Window(), "scope": rng.choice(stories), "limit": 5}):
            got = engine.search(concepts, now=now, **kw)  # type: ignore[arg-type]
            assert got == reference_search(engine, concepts, now=now,
                                           **kw)  # type: ignore[arg-type]
            compared += bool(got)
    assert compared > 100
