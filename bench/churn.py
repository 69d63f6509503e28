"""Allocation churn: which sites allocate most often (a count, not a size), and the
per-call figures of the two sites changed for it.

Short-lived objects by the hundred thousand a minute, allocated among the long-lived
ones the heap keeps, leave pools and pages that one survivor pins (the soak's RSS after
warm-up: pymalloc's free space and glibc's free heap grow while live objects do not).

Capture 45 s of a soak's bot, 200 s in (memray, installed in an environment of its own:
it is not a project dependency; ``MEMRAY_SITE`` is its site-packages)::

    MEMRAY_WINDOW_OUT=DIR/churn.bin MEMRAY_WINDOW_START=200 MEMRAY_WINDOW_SECONDS=45 \\
      PYTHONPATH=MEMRAY_SITE:bench/churn_hook .venv/bin/python bench/soak.py --minutes 5 \\
      --channels 300 --rate 3 --warmup 3 --probe 0 --workdir DIR
    MEMRAY_PYTHON bench/churn.py --report DIR/churn.bin     # counts by site
    PYTHONPATH=MEMRAY_SITE .venv/bin/python bench/churn.py --micro
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

OURS = ("/bot/", "/handlers/")


def _short(frame: tuple[str, str, int]) -> str:
    name, path, line = frame
    for cut in ("site-packages/", "python3.11/", "/bot/", "/handlers/"):
        if cut in path:
            path = (cut.strip("/") + "/" if cut in OURS else "") + path.split(cut)[-1]
            break
    return f"{name} {path}:{line}"


def report(capture: Path, top: int = 25) -> None:
    """Allocations by innermost frame, and by innermost frame of ours."""
    from memray import AllocatorType, FileReader

    reader = FileReader(str(capture))
    inner: Counter[str] = Counter()
    ours: Counter[str] = Counter()
    total = 0
    for rec in reader.get_allocation_records():
        if "FREE" in AllocatorType(rec.allocator).name or rec.allocator == AllocatorType.MUNMAP:
            continue
        stack = rec.stack_trace(16)
        total += rec.n_allocations
        inner[_short(stack[0]) if stack else "?"] += rec.n_allocations
        mine = next((f for f in stack if any(o in f[1] for o in OURS)), None)
        ours[_short(mine) if mine else "(no frame of ours)"] += rec.n_allocations
    seconds = (reader.metadata.end_time - reader.metadata.start_time).total_seconds()
    print(f"{total:,} allocations in {seconds:.1f} s")
    for title, counts in (("innermost site", inner), ("innermost frame of ours", ours)):
        print(f"\nby {title}:")
        for site, n in counts.most_common(top):
            print(f"{n:>10,}  {site}")


def _per_call(call: Callable[[], Any], calls: int) -> tuple[float, float]:
    """(µs of CPU, allocations) per call; allocations counted by memray."""
    import memray

    start = time.process_time()
    for _ in range(calls):
        call()
    cpu = (time.process_time() - start) / calls * 1e6
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "micro.bin"
        with memray.Tracker(str(out), trace_python_allocators=True):
            for _ in range(calls):
                call()
        allocations = memray.FileReader(str(out)).metadata.total_allocations / calls
    return cpu, allocations


def micro() -> None:
    import numpy as np

    from bench.soak import QUESTIONS
    from bot.answer.engine import Engine
    from bot.text.analyzer import Analyzer
    from bot.text.glossary import Glossary

    analyzer = Analyzer()
    glossary = Glossary.load(analyzer)
    tokens = [list(analyzer.tokens(q)) for q in QUESTIONS]
    cpu, allocations = _per_call(lambda: [glossary.alternatives(t) for t in tokens], 200)
    print(f"glossary alternatives: {cpu / len(tokens):.1f} µs, "
          f"{allocations / len(tokens):,.0f} allocations per question")
    rng = random.Random(1)  # 50 articles of 700 tokens, 6 query tokens for 4 concepts
    engine = SimpleNamespace(index=SimpleNamespace(token_id=lambda token: 0))
    cases = []
    for _ in range(50):
        rows_of = {t: [i % 4] for i, t in enumerate(rng.sample(range(1, 500), 6))}
        keys = np.fromiter(rows_of, dtype=np.int64, count=len(rows_of))
        ids = np.array([0 if rng.random() < 0.05 else rng.choice(list(rows_of))
                        if rng.random() < 0.06 else rng.randrange(1, 2000)
                        for _ in range(700)], dtype=np.int64)
        cases.append((ids, rows_of, keys, np.array([1.0, 2.0, 1.5, 0.7]), 6.0,
                      np.array([True, False, False, False])))  # the first an event name
    cpu, allocations = _per_call(
        lambda: [Engine._passage(engine, *c) for c in cases], 20)  # type: ignore[arg-type]
    print(f"answer passage: {cpu / len(cases):.1f} µs, "
          f"{allocations / len(cases):,.0f} allocations per article")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--report", type=Path, help="a memray capture to count by site")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--micro", action="store_true",
                        help="per-call CPU and allocations of the sites changed")
    args = parser.parse_args()
    if not (args.report or args.micro):
        parser.print_help()  # a profiling aid (needs memray), not a timed benchmark
    if args.report:
        report(args.report, args.top)
    if args.micro:
        micro()


if __name__ == "__main__":
    main()
