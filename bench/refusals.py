"""Which refusal checks earn their keep: each check switched off in turn, per set.

    python bench/refusals.py [--sets dev,probe6,f43-f48] [--checks a,b] [--json OUT.json]

A question is refused ("No source found") by the first check it fails (``Answer.refusal``).
Every question is asked once with every check on; then, for each check, the refused ones
are asked again with that check off (``CEASEFIRE_GATE_OFF``, read by ``support.gate_on``).
A question refused with the check on and answered with it off is one the check *alone*
refuses: an answerable one is its cost (and whether the answer without it would have cited
a right report first), an unanswerable one its gain. Only refused questions are asked again:
switching a check off lets a question pass, never refuses one answered (``RELAXERS``, which
only let a question pass a check, are left out for that reason).

Sets: the dev split and the dev-side probes over the labelled set's store, and the spent
fresh batches (f01-f147 by default, in blocks of six, N, O, P, Q, R and S in two halves of
four, T, U and V in halves of four and three) over the store of every report, at a week after the
last report as ``bench/quality.py`` asks them. Never the test split, probe2 or a held-out
batch. Prints a table per check (cost / gain per set, and summed over the sets blind to the
check, those written after it: ``WRITTEN_FROM``), then one line of JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.dev_side import DEV_SIDE_PROBES, AnswerLog, _ours  # noqa: E402
from bench.quality import CLOCKS, PROBE  # noqa: E402
from bench.realset import (  # noqa: E402
    RealSet,
    build_store,
    fresh_range,
    in_fresh_range,
    load_realset,
    with_fresh,
)
from bot.answer.evaluation import Question, evaluate  # noqa: E402
from bot.store.db import open_store  # noqa: E402
from bot.text.analyzer import Analyzer  # noqa: E402

#: The checks ``gate_on`` reads that refuse (``bot/answer/support.py``,
#: ``bot/answer/extractive.py``); ``given-names`` and ``pair-acting-ja`` feed other checks
#: (event-names, pair-unjoined) and are switched off the same way.
CHECKS = ("outside-coverage", "unknown-subject", "given-names", "unknown-speaker",
          "speaker-silent", "event-names", "event-called-off", "pair-apart", "pair-acting-ja",
          "pair-unjoined", "pair-not-there", "act-denied", "act-apart", "pending-outcome",
          "put-off-pending", "figure-unknown-noun", "figure-not-given", "figure-not-amount",
          "figure-not-percent", "plan-not-given", "people-unnamed", "joined-unwritten")
#: Switches that let a question pass a check (off, the check refuses more, never less):
#: not audited here.
RELAXERS = ("pair-subject-ja", "abbreviation", "act-to-come", "act-who")
#: The sets each check was written from (docs/quality.md: the stop that added it and what
#: it read); every other set is blind to it. Checks from stop 33 and before were written
#: before any fresh batch; pair-apart in stop 31 (probes up to probe5), act-denied and
#: act-apart in stop 33 (probe6, probe7), given-names in stop 37 (f01-f36), pair-unjoined,
#: pair-acting-ja and pending-outcome in stop 39 (f01-f42), pair-not-there and
#: put-off-pending in stop 43 (f01-f48); people-unnamed in stop 45 (f01-f48, f73-f86
#: and the dev-side sets, f49-f72 only counted); joined-unwritten in stop 50 (every set
#: spent then: it is blind only to batches written after it).
_OLD = ("dev", "probe", "probe3", "probe4", "probe5")
WRITTEN_FROM: dict[str, tuple[str, ...]] = {
    **{c: _OLD for c in ("outside-coverage", "unknown-subject", "unknown-speaker",
                         "speaker-silent", "event-names", "event-called-off",
                         "figure-unknown-noun", "figure-not-given", "plan-not-given")},
    "pair-apart": _OLD,
    "act-denied": (*_OLD, "probe6", "probe7"),
    # (stop 48 read f99-f102 and f107-f110's act-apart refusals to leave a clause's date out)
    "act-apart": (*_OLD, "probe6", "probe7", "f99-f102", "f107-f110"),
    "given-names": ("f01-f06", "f07-f12", "f13-f18", "f19-f24", "f25-f30", "f31-f36"),
    **{c: ("dev", *DEV_SIDE_PROBES, "f01-f06", "f07-f12", "f13-f18", "f19-f24", "f25-f30",
           "f31-f36", "f37-f42") for c in ("pair-unjoined", "pair-acting-ja",
                                          "pending-outcome")},
    **{c: ("f01-f06", "f07-f12", "f13-f18", "f19-f24", "f25-f30", "f31-f36", "f37-f42",
           "f43-f48") for c in ("pair-not-there", "put-off-pending",
                                          "figure-not-amount", "figure-not-percent")},
    "people-unnamed": ("dev", *DEV_SIDE_PROBES,
                       "f01-f06", "f07-f12", "f13-f18", "f19-f24", "f25-f30", "f31-f36",
                       "f37-f42", "f43-f48", "f73-f78", "f79-f82", "f83-f86"),
}
#: The spent fresh batches, in the blocks they were written in.
#: Batches N (f79-f86), O (f87-f94), P (f95-f102), Q (f103-f110), R (f111-f118) and
#: S (f119-f126) were written as eight each and read in two halves; T (f127-f133), U
#: (f134-f140) and V (f141-f147) as seven, read as halves of four and three.
FRESH_BLOCKS = (*(f"f{n:02d}-f{n + 5:02d}" for n in range(1, 78, 6)), "f79-f82", "f83-f86",
                "f87-f90", "f91-f94", "f95-f98", "f99-f102", "f103-f106", "f107-f110",
                "f111-f114", "f115-f118", "f119-f122", "f123-f126",
                "f127-f130", "f131-f133", "f134-f137", "f138-f140", "f141-f144",
                "f145-f147")
DEFAULT_SETS = ("dev", *DEV_SIDE_PROBES, *FRESH_BLOCKS)
#: joined-unwritten was written after T and before U was read: U is its first blind set.
WRITTEN_FROM["joined-unwritten"] = DEFAULT_SETS[:DEFAULT_SETS.index("f134-f137")]
#: Sets this bench may never read (the held-out probe, a batch not yet spent).
_HELD_OUT = ("probe2",)
_LAST_SPENT = 147


@dataclass
class Tally:
    """One check on one set: the questions it alone refuses."""

    cost: list[str] = field(default_factory=list)  # answerable
    cost_right: list[str] = field(default_factory=list)  # …whose answer would lead right
    gain: list[str] = field(default_factory=list)  # unanswerable

    def as_dict(self) -> dict[str, object]:
        return {"cost": len(self.cost), "cost_right_first": len(self.cost_right),
                "gain": len(self.gain), "cost_ids": self.cost, "gain_ids": self.gain}


@contextmanager
def checks_off(*checks: str) -> Iterator[None]:
    """Those checks let every question pass while inside (the measuring switch)."""
    before = os.environ.get("CEASEFIRE_GATE_OFF")
    os.environ["CEASEFIRE_GATE_OFF"] = ",".join(checks)
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("CEASEFIRE_GATE_OFF", None)
        else:
            os.environ["CEASEFIRE_GATE_OFF"] = before


def _right_first(row: Mapping[str, object]) -> bool:
    cited = list(row["cited"])  # type: ignore[call-overload]
    return bool(cited) and cited[0] in row["support"]  # type: ignore[operator]


def check_allowed(name: str) -> None:
    """Refuse a held-out set: the test split, probe2, a fresh batch not yet spent."""
    span = fresh_range(name)
    if name in _HELD_OUT or name == "test" or (span is not None and span[1] > _LAST_SPENT):
        raise SystemExit(f"{name} is held out: this bench reads only tuning sets")


async def audit_store(realset: RealSet, sets: Mapping[str, list[Question]],
                      checks: Sequence[str]) -> tuple[dict[str, dict[str, Tally]],
                                                       dict[str, dict[str, int]]]:
    """Per check and set, the tallies; per set, the base counts."""
    analyzer = Analyzer()
    tallies: dict[str, dict[str, Tally]] = {c: {} for c in checks}
    base: dict[str, dict[str, int]] = {}
    now: datetime = realset.last_report + CLOCKS["week"]
    with tempfile.TemporaryDirectory() as tmp:
        db = await build_store(realset, Path(tmp))
        async with open_store(f"sqlite:///{db}") as (_engine, sessions):
            ask = _ours(sessions, analyzer)
            for name, questions in sets.items():
                log = AnswerLog()
                with checks_off():
                    await evaluate(questions, sessions, ask, default_now=now, observe=log)
                refused = [q for q in questions if not log.rows[q.id]["answered"]]
                base[name] = _base_counts(questions, log)
                for check in checks:
                    off = AnswerLog()
                    with checks_off(check):
                        await evaluate(refused, sessions, ask, default_now=now, observe=off)
                    tallies[check][name] = _tally(refused, off)
    return tallies, base


def _base_counts(questions: Sequence[Question], log: AnswerLog) -> dict[str, int]:
    rows = [log.rows[q.id] for q in questions]
    ans = [r for r in rows if r["kind"] != "unanswerable"]
    return {"answerable": len(ans), "hit@1": sum(_right_first(r) for r in ans
                                                 if r["answered"]),
            "answerable_refused": sum(not r["answered"] for r in ans),
            "unanswerable": len(rows) - len(ans),
            "unanswerable_refused": sum(not r["answered"] for r in rows
                                        if r["kind"] == "unanswerable")}


def _tally(refused: Sequence[Question], off: AnswerLog) -> Tally:
    tally = Tally()
    for q in refused:
        row = off.rows[q.id]
        if not row["answered"]:
            continue
        if q.kind == "unanswerable":
            tally.gain.append(q.id)
        else:
            tally.cost.append(q.id)
            if _right_first(row):
                tally.cost_right.append(q.id)
    return tally


def question_sets(names: Sequence[str]) -> list[tuple[RealSet, dict[str, list[Question]]]]:
    """The stores to build and, per store, the sets asked over it (dev-side sets over the
    labelled set's store, fresh ranges over the store of every report)."""
    for name in names:
        check_allowed(name)
    labelled = load_realset()
    side = {n: _dev_side_set(labelled, n) for n in names if fresh_range(n) is None}
    fresh_names = [n for n in names if fresh_range(n) is not None]
    out: list[tuple[RealSet, dict[str, list[Question]]]] = []
    if side:
        out.append((labelled, side))
    if fresh_names:
        spans = [fresh_range(n) for n in fresh_names]
        first = min(s[0] for s in spans if s)
        last = max(s[1] for s in spans if s)
        store = with_fresh(labelled, developments=f"f{first:02d}-f{last:02d}")
        by_set = {n: [q for q in store.questions if _in_range(q, n)] for n in fresh_names}
        out.append((store, by_set))
    return out


def _dev_side_set(labelled: RealSet, name: str) -> list[Question]:
    if name == "dev":
        return labelled.questions_of("dev")
    if name not in DEV_SIDE_PROBES:
        raise SystemExit(f"unknown set {name}: dev, a dev-side probe or a fresh range")
    return list(load_realset(only=PROBE / f"{name}.json").questions)


def _in_range(q: Question, name: str) -> bool:
    span = fresh_range(name)
    return span is not None and in_fresh_range(q.development, span)


def blind_sum(check: str, per_set: Mapping[str, Tally]) -> tuple[int, int, int]:
    """Cost, cost with the right report first, gain over the sets blind to the check."""
    blind = [t for name, t in per_set.items() if name not in WRITTEN_FROM.get(check, ())]
    return (sum(len(t.cost) for t in blind), sum(len(t.cost_right) for t in blind),
            sum(len(t.gain) for t in blind))


def print_table(tallies: Mapping[str, Mapping[str, Tally]],
                base: Mapping[str, Mapping[str, int]]) -> None:
    names = list(base)
    print("\nbase (every check on): answerable refused / answerable, unanswerable refused / "
          "unanswerable")
    for name in names:
        b = base[name]
        print(f"  {name:<9} {b['answerable_refused']:>3} / {b['answerable']:<4}"
              f"{b['unanswerable_refused']:>3} / {b['unanswerable']}")
    print("\nper check: answerable it alone refuses (of which right first without it) / "
          "unanswerable it alone refuses; '*' a set it was written from")
    print(f"{'check':<20}" + "".join(f"{n:>10}" for n in names) + f"{'blind':>12}")
    for check, per_set in tallies.items():
        cells = []
        for name in names:
            t = per_set[name]
            mark = "*" if name in WRITTEN_FROM.get(check, ()) else ""
            cells.append(f"{mark}{len(t.cost)}({len(t.cost_right)})/{len(t.gain)}")
        cost, right, gain = blind_sum(check, per_set)
        print(f"{check:<20}" + "".join(f"{c:>10}" for c in cells) + f"{cost:>5}({right})/{gain}")


async def run(sets: Sequence[str], checks: Sequence[str],
              out: Path | None = None) -> dict[str, object]:
    started = time.perf_counter()
    tallies: dict[str, dict[str, Tally]] = {c: {} for c in checks}
    base: dict[str, dict[str, int]] = {}
    for realset, by_set in question_sets(sets):
        part, counts = await audit_store(realset, by_set, checks)
        for check in checks:
            tallies[check].update(part[check])
        base.update(counts)
    order = [n for n in sets if n in base]
    base = {n: base[n] for n in order}
    tallies = {c: {n: per[n] for n in order} for c, per in tallies.items()}
    print_table(tallies, base)
    blind = {c: dict(zip(("cost", "cost_right_first", "gain"), blind_sum(c, per),
                         strict=True)) for c, per in tallies.items()}
    seconds = round(time.perf_counter() - started, 1)
    result: dict[str, object] = {
        "bench": "refusals", "base": base, "seconds": seconds,
        "checks": {c: {"blind": blind[c], "sets": {n: t.as_dict() for n, t in per.items()}}
                   for c, per in tallies.items()}}
    if out is not None:
        await asyncio.to_thread(out.write_text, json.dumps(result, ensure_ascii=False,
                                                           indent=1), "utf-8")
    print(json.dumps({"bench": "refusals", "base": base, "blind": blind, "seconds": seconds}))
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--sets", default=",".join(DEFAULT_SETS),
                        help="comma-separated: dev, dev-side probes, fresh ranges (f43-f48)")
    parser.add_argument("--checks", default=",".join(CHECKS), help="comma-separated")
    parser.add_argument("--json", type=Path, default=None,
                        help="write every figure and question id to this file")
    args = parser.parse_args(argv)
    asyncio.run(run(args.sets.split(","), args.checks.split(","), args.json))


if __name__ == "__main__":
    main()
