"""The time window each tuning question gets, beside its supporting reports' dates.

    python bench/windows.py [--all]

Reads only the dev split, the dev-side probes and the spent fresh batches (`freshmiss.SPENT`, named
one by one). Prints, per question that names a time (``--all``: every question with a
digit, a month word or a Japanese date word too), the window ``parse_window`` gives at a
week after the last report, and the publication days of the reports that answer it:
a window that misses them, or that holds another development's reports, is a wrong reading.
"""

from __future__ import annotations

import re
import sys
from collections import defaultdict
from datetime import UTC, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.dev_side import dev_side_sets  # noqa: E402
from bench.freshmiss import spent_fresh  # noqa: E402
from bench.realset import REALNEWS, load_realset  # noqa: E402
from bot.answer.evaluation import DEFAULT_ZONE, _zone_of  # noqa: E402
from bot.answer.when import parse_window  # noqa: E402

_TIMEISH = re.compile(r"\d|月|日|年|週|since|after|before|january|february|march|april|"
                      r"\bmay\b|june|july|august|september|october|november|december|"
                      r"week|month|year|yesterday|today", re.IGNORECASE)


def main(show_all: bool) -> None:
    base = load_realset()
    fresh = spent_fresh(base)
    sets = dev_side_sets(base, REALNEWS.parent / "realnews_probe")
    sets["fresh"] = list(fresh.questions)
    reports = {r.guid: r for r in fresh.reports}
    devs: dict[str, list[str]] = defaultdict(list)
    for r in fresh.reports:
        devs[r.development].append(r.published.date().isoformat())
    for name, questions in sets.items():
        # Each set is asked of its own store: the fresh batches join the labelled reports.
        last = (fresh if name == "fresh" else base).last_report
        now = last + timedelta(days=7)
        for q in questions:
            at = q.asked_at.astimezone(UTC) if q.asked_at else now
            zone = DEFAULT_ZONE if q.asked_at is None else _zone_of(q.asked_at)
            w = parse_window(q.text, now=at, zone=zone, covered_until=min(last, at))
            if w.start is None and not (show_all and _TIMEISH.search(q.text)):
                continue
            days = sorted({reports[g].published.astimezone(zone).date().isoformat()
                           for g in q.support if g in reports})
            inside = [g for g, r in reports.items() if w.start is not None
                      and (name == "fresh" or r.development[:1] != "f")
                      and w.contains(r.published) and r.development != q.development]
            others = sorted({reports[g].development for g in inside})
            span = (f"{w.first_day}..{w.last_day} [{w.phrase}]" if w.start
                    else ("latest" if w.latest else "-"))
            print(f"{name:7} {q.id:10} {q.kind[:6]:6} {span:40} support {','.join(days) or '-'}"
                  f"{'  others in window: ' + ','.join(others) if others else ''}\n"
                  f"        {q.text[:150]}")


if __name__ == "__main__":
    main("--all" in sys.argv)
