"""Run ``ceasefire-bot`` under tracemalloc and report where its Python heap grows.

RSS alone cannot tell a growing dict from a fragmented allocator. This launcher starts
tracemalloc before the bot imports anything, dumps a snapshot after ``--baseline`` seconds
(the warm-up: caches filling, the index loading) and then every ``--every`` seconds beside
``--out``, where it notes the traced total next to the process RSS. Python-heap growth
shows in both; allocator fragmentation (or C libraries allocating outside Python, such as
SQLite's page cache) shows in RSS only. ``--compare`` then lists the allocation sites that
grew most between two snapshots, in its own process.

    .venv/bin/python bench/heapwatch.py --every 60 --out heap.txt -- run
    .venv/bin/python bench/heapwatch.py --out heap.txt --compare heap-000.snap heap-004.snap

``bench/soak.py --heap-profile SECONDS`` runs the soak's bot this way. tracemalloc slows
every allocation: latency figures from such a run are not comparable with a plain one.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

#: Frames that are tracemalloc's own bookkeeping, not the bot's.
IGNORED = (tracemalloc.Filter(False, tracemalloc.__file__),
           tracemalloc.Filter(False, "<frozen importlib._bootstrap>"),
           tracemalloc.Filter(False, "<frozen importlib._bootstrap_external>"),
           tracemalloc.Filter(False, "<unknown>"))


def rss_mb() -> float:
    """This process's resident set (Linux), in MB."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def describe(stat: tracemalloc.StatisticDiff, *, frames: int) -> str:
    where = " <- ".join(f"{Path(fr.filename).name}:{fr.lineno}"
                        for fr in list(stat.traceback)[:frames])
    return (f"{stat.size_diff / 2**20:+8.2f} MB {stat.count_diff:+8d} blocks  "
            f"(now {stat.size / 2**20:7.2f} MB)  {where}")


def compare(before: Path, after: Path, *, top: int = 15) -> list[str]:
    """The sites that grew most between two dumped snapshots (run after the bot, in
    another process: comparing inside the bot would hold its GIL for seconds)."""
    old = tracemalloc.Snapshot.load(str(before)).filter_traces(IGNORED)
    new = tracemalloc.Snapshot.load(str(after)).filter_traces(IGNORED)
    frames = max((len(t.traceback) for t in new.traces), default=1)
    stats = new.compare_to(old, "traceback" if frames > 1 else "lineno")
    total = sum(s.size_diff for s in stats)
    return ([f"{before.name} -> {after.name}: traced {total / 2**20:+.2f} MB"]
            + [describe(s, frames=frames) for s in stats[:top] if s.size_diff > 0])


def _ours(filename: str) -> bool:
    parts = Path(filename).parts
    return "site-packages" not in parts and any(p in ("bot", "handlers") for p in parts)


def compare_ours(before: Path, after: Path, *, top: int = 15) -> list[str]:
    """Growth grouped by the innermost frame in the project's own code (``bot/``,
    ``handlers/``): a library's allocation is charged to the line of ours that asked for
    it, so a cache or dict of ours that keeps growing shows as one site. Needs snapshots
    taken with enough frames (``--frames``) to reach our code."""
    def where(trace: tracemalloc.Trace) -> str:
        for frame in reversed(trace.traceback):  # oldest first: from the innermost
            if _ours(frame.filename):
                parts = Path(frame.filename).parts
                i = max(i for i, p in enumerate(parts) if p in ("bot", "handlers"))
                return f"{'/'.join(parts[i:])}:{frame.lineno}"
        return "(not reached from our code within the frames kept)"

    sizes: dict[str, list[int]] = {}
    for n, path in enumerate((before, after)):
        snap = tracemalloc.Snapshot.load(str(path)).filter_traces(IGNORED)
        for trace in snap.traces:
            site = sizes.setdefault(where(trace), [0, 0, 0, 0])
            site[n] += trace.size
            site[2 + n] += 1
    grown = sorted(sizes.items(), key=lambda kv: kv[1][0] - kv[1][1])
    total = sum(v[1] - v[0] for v in sizes.values())
    return ([f"{before.name} -> {after.name} by our innermost frame: traced "
             f"{total / 2**20:+.2f} MB"]
            + [f"{(v[1] - v[0]) / 2**20:+8.2f} MB {v[3] - v[2]:+8d} blocks  "
               f"(now {v[1] / 2**20:7.2f} MB)  {site}"
               for site, v in grown[:top] if v[1] > v[0]])


def watch(out: Path, *, first_after: float, every: float) -> None:
    """Sampler thread: dump a snapshot after ``first_after`` s, then every ``every`` s,
    noting the traced total beside RSS (and how long the dump held the interpreter)."""
    started = time.monotonic()
    time.sleep(first_after)
    n = 0
    while True:
        took = time.monotonic()
        path = out.with_name(f"{out.stem}-{n:03d}.snap")
        tracemalloc.take_snapshot().dump(str(path))
        traced, rss = tracemalloc.get_traced_memory()[0], rss_mb()
        with out.open("a") as f:
            f.write(f"{path.name} at {time.monotonic() - started:.0f} s: traced "
                    f"{traced / 2**20:.1f} MB, RSS {rss:.1f} MB (dump took "
                    f"{time.monotonic() - took:.1f} s)\n")
        n += 1
        time.sleep(every)


def watch_peaks(out: Path, *, first_after: float, above_mb: float, every: float = 0.05,
                apart: float = 20.0, most: int = 12) -> None:
    """Sampler thread: after ``first_after`` s, dump a snapshot whenever the traced total
    stands ``above_mb`` over the lowest total seen since the last dump (at most one per
    ``apart`` s, ``most`` in all): what is alive at a transient peak. Short peaks of small
    objects are what raise pymalloc's arena high-water mark, which never comes down."""
    time.sleep(first_after)
    tracemalloc.take_snapshot().dump(str(out.with_name(f"{out.stem}-peak-base.snap")))
    floor = tracemalloc.get_traced_memory()[0]
    last = 0.0
    for n in range(most):
        while True:
            time.sleep(every)
            traced = tracemalloc.get_traced_memory()[0]
            floor = min(floor, traced)
            if traced - floor >= above_mb * 2**20 and time.monotonic() - last >= apart:
                break
        tracemalloc.take_snapshot().dump(str(out.with_name(f"{out.stem}-peak-{n:03d}.snap")))
        last = time.monotonic()
        with out.open("a") as f:
            f.write(f"peak {n:03d}: traced {traced / 2**20:.1f} MB, "
                    f"{(traced - floor) / 2**20:.1f} MB over the floor\n")
        floor = tracemalloc.get_traced_memory()[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, required=True,
                        help="append the totals here; snapshots go beside it")
    parser.add_argument("--compare", type=Path, nargs=2, metavar=("BEFORE", "AFTER"),
                        help="print the top growing sites between two dumped snapshots")
    parser.add_argument("--every", type=float, default=60.0, help="seconds between reports")
    parser.add_argument("--baseline", type=float, default=60.0,
                        help="seconds before the baseline snapshot")
    parser.add_argument("--top", type=int, default=15, help="sites in a comparison")
    parser.add_argument("--ours", action="store_true",
                        help="with --compare: group by the innermost frame in bot/ or "
                        "handlers/ (snapshots taken with --frames 10 or more)")
    parser.add_argument("--frames", type=int, default=1,
                        help="frames kept per allocation (more: slower, clearer)")
    parser.add_argument("--peaks", type=float, default=0.0, metavar="MB",
                        help="also dump a snapshot at each transient peak MB over the floor")
    parser.add_argument("bot_args", nargs=argparse.REMAINDER,
                        help="-- then the ceasefire-bot arguments")
    args = parser.parse_args()
    if args.compare:
        found = (compare_ours if args.ours else compare)(*args.compare, top=args.top)
        print("\n".join(found))
        return 0
    bot_args = [a for a in args.bot_args if a != "--"] or ["run"]
    tracemalloc.start(args.frames)
    from bot.cli import main as bot_main
    from bot.memory import limit_malloc_arenas

    limit_malloc_arenas()  # as `ceasefire-bot run` does, before this launcher's thread
    threading.Thread(target=watch, args=(args.out,), daemon=True, name="heapwatch",
                     kwargs={"first_after": args.baseline, "every": args.every}).start()
    if args.peaks:
        threading.Thread(target=watch_peaks, args=(args.out,), daemon=True,
                         name="heapwatch-peaks", kwargs={"first_after": args.baseline,
                                                         "above_mb": args.peaks}).start()
    return bot_main(bot_args)


if __name__ == "__main__":
    sys.exit(main())
