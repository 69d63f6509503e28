"""Where plain whole-article BM25 finds the right report first and ours does not.

    python bench/bm25lead.py [--json OUT.json]

For every answerable question of the dev-side sets (the dev split and the dev-side probes,
``bench/dev_side.py``), asked at a week after the last report: ours' first cited report and
the baseline's top report (``bench/quality.py``'s plain BM25 over whole articles). Counts,
per set and per question kind: both right, only ours, only BM25, neither; and for "only
BM25", whether ours refused, or else whether BM25's report is of the same development as
ours' lead (the lead within the story: then also whether ours cites it second or third) or
of another one (the story choice). Then ours' counts per set, as ``--dev-side`` prints
them, so that a change can be read in one run, and one line of JSON with the four-way
counts over every set and per kind.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.dev_side import AnswerLog, _ours, counts, dev_side_sets  # noqa: E402
from bench.quality import CLOCKS, PROBE, baseline_asker  # noqa: E402
from bench.realset import build_store, load_realset  # noqa: E402
from bot.answer.evaluation import Asker, Question, evaluate  # noqa: E402
from bot.store.db import SessionFactory, open_store  # noqa: E402
from bot.text.analyzer import Analyzer  # noqa: E402

WAYS = ("both", "only ours", "only bm25", "neither")
#: What "only bm25" splits into (``why_bm25``).
WHY = ("ours refused", "same dev., cited", "same dev., not cited", "other dev.")
Row = dict[str, object]


def way(ours_right: bool, bm25_right: bool) -> str:
    """Which of the two has the right report first."""
    return WAYS[(not ours_right) * 2 + (not bm25_right)]


def why_bm25(lead: str | None, cited: Sequence[str], top: str,
             development: Mapping[str, str]) -> str:
    """Why only BM25 is right: ours refused, led with another report of BM25's report's
    development (citing BM25's report too, or not), or with another development's."""
    if lead is None:
        return WHY[0]
    if development.get(lead) != development.get(top):
        return WHY[3]
    return WHY[1] if top in cited else WHY[2]


def four_way(ours: Mapping[str, Mapping[str, object]], bm25: Mapping[str, Mapping[str, object]],
             development: Mapping[str, str]) -> list[Row]:
    """One row per answerable question (``AnswerLog`` rows of ours and of BM25)."""
    rows: list[Row] = []
    for qid, mine in ours.items():
        if mine["kind"] == "unanswerable":
            continue
        support = set(mine["support"])  # type: ignore[call-overload]
        cited: list[str] = list(mine["cited"]) if mine["answered"] else []  # type: ignore[call-overload]
        theirs: list[str] = list(bm25[qid]["cited"])  # type: ignore[call-overload]
        lead, top = (cited[0] if cited else None), (theirs[0] if theirs else "")
        row: Row = {"id": qid, "kind": mine["kind"], "way": way(lead in support, top in support),
                    "cited": cited, "bm25_cited": theirs,
                    "facts_found": len(mine["facts_found"])}  # type: ignore[arg-type]
        if row["way"] == "only bm25":
            row["why"] = why_bm25(lead, cited, top, development)
        rows.append(row)
    return rows


def tally(rows: Sequence[Row], key: str) -> dict[str, Counter[str]]:
    """Per value of ``key`` ("set", "kind"): how many questions of each way and why."""
    out: dict[str, Counter[str]] = defaultdict(Counter)
    for r in rows:
        out[str(r[key])][str(r["way"])] += 1
        if "why" in r:
            out[str(r[key])][str(r["why"])] += 1
    return out


def print_tally(title: str, table: Mapping[str, Counter[str]]) -> None:
    cols = (*WAYS, *WHY)
    print(f"\n{title}\n{'':<11}" + "".join(f"{c:>{max(len(c) + 2, 11)}}" for c in cols))
    for name, c in [*table.items(), ("all", sum(table.values(), Counter()))]:
        print(f"{name:<11}" + "".join(f"{c[k]:>{max(len(k) + 2, 11)}}" for k in cols))


async def measure(sessions: SessionFactory, sets: Mapping[str, list[Question]], plain: Asker,
                  development: Mapping[str, str], now: datetime, analyzer: Analyzer
                  ) -> tuple[dict[str, dict[str, int]], list[Row]]:
    """(ours' counts per set, one four-way row per answerable question)."""
    figures: dict[str, dict[str, int]] = {}
    rows: list[Row] = []
    for name, questions in sets.items():
        mine, theirs = AnswerLog(), AnswerLog()
        scores = await evaluate(questions, sessions, _ours(sessions, analyzer),
                                default_now=now, observe=mine)
        await evaluate(questions, sessions, plain, default_now=now, observe=theirs)
        figures[name] = counts(scores)
        rows += [{"set": name, **r} for r in four_way(mine.rows, theirs.rows, development)]
    return figures, rows


def print_figures(figures: Mapping[str, Mapping[str, int]]) -> None:
    print(f"\nours\n{'set':<8}{'hit@1':>7}{'hit@3':>7}{'facts':>7}{'ans.ref':>9}"
          f"{'unans.ref':>11}")
    for name, c in figures.items():
        print(f"{name:<8}{c['hit@1']:>7}{c['hit@3']:>7}{c['facts_present']:>7}"
              f"{c['answerable_refused']:>9}{c['unanswerable_refused']:>11}")


async def run(out: Path | None) -> dict[str, object]:
    realset = load_realset()
    development = {r.guid: r.development for r in realset.reports}
    analyzer = Analyzer()
    with tempfile.TemporaryDirectory() as tmp:
        db = await build_store(realset, Path(tmp))
        async with open_store(f"sqlite:///{db}") as (_engine, sessions):
            figures, rows = await measure(
                sessions, dev_side_sets(realset, PROBE),
                await baseline_asker(sessions, analyzer), development,
                realset.last_report + CLOCKS["week"], analyzer)
    print_tally("four-way, per set (first cited report right: ours / BM25)",
                tally(rows, "set"))
    print_tally("four-way, per question kind", tally(rows, "kind"))
    print_figures(figures)
    result: dict[str, object] = {"figures": figures, "rows": rows}
    everything = sum(tally(rows, "set").values(), Counter())
    print(json.dumps({"bench": "bm25lead", **{way: everything[way] for way in WAYS},
                      "per_kind": {kind: {way: c[way] for way in WAYS}
                                   for kind, c in tally(rows, "kind").items()}}))
    if out is not None:
        await asyncio.to_thread(out.write_text,
                                json.dumps(result, ensure_ascii=False, indent=1), "utf-8")
    return result


def json_arg(argv: list[str] | None, doc: str) -> Path | None:
    """``--json OUT``: where a per-question bench writes every row (``doc``: its docstring)."""
    parser = argparse.ArgumentParser(description=doc.split("\n")[0])
    parser.add_argument("--json", type=Path, default=None, help="write every row here")
    out: Path | None = parser.parse_args(argv).json
    return out


def main(argv: list[str] | None = None) -> None:
    asyncio.run(run(json_arg(argv, __doc__ or "")))


if __name__ == "__main__":
    main()
