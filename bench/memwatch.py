"""Run ``ceasefire-bot`` with an in-process memory probe: who holds the native memory.

RSS and ``/proc/PID/smaps`` (``bench/smaps.py``) say which mappings grow, not who fills
them: glibc's malloc serves SQLite, MeCab, numpy and CPython's big objects alike, and
tracemalloc (``bench/heapwatch.py``) sees only Python's part. This launcher starts a daemon
thread in the bot's own process that writes, every ``--every`` seconds, one JSON line:

* ``malloc``: per glibc arena (``malloc_info``), bytes taken from the system and bytes free
  inside it (in use = system - free), plus the blocks big enough for their own mapping;
* ``sqlite``: bytes SQLite has allocated right now (``sqlite3_memory_used``: page caches,
  prepared statements, schemas of every connection), and its high-water mark;
* ``pymalloc``: CPython's small-object arenas (1 MiB each) and the bytes live in them
  (``sys._debugmallocstats``), so fragmentation there shows as arenas minus live;
* ``rss_anon`` / ``rss_file`` and the process's thread count.

In use growing means something keeps allocating (a cache, a leak); free growing with in
use flat means fragmentation (the allocator keeps holes it cannot give back).

    .venv/bin/python bench/memwatch.py --out mem.jsonl --every 20 -- run
    .venv/bin/python bench/memwatch.py --report mem.jsonl --after 120
    .venv/bin/python bench/memwatch.py --report mem.jsonl --timeline rss,sqlite,main_free

``bench/soak.py`` runs its bot this way (``--probe``, the default) and reports the fits.
"""

from __future__ import annotations

import argparse
import ctypes
import ctypes.util
import gc
import json
import os
import re
import sys
import tempfile
import threading
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.smaps import slope_per_hour

MIB = 2**20


def _libc() -> Any:
    name = ctypes.util.find_library("c")
    return ctypes.CDLL(name) if name else None


def malloc_arenas(libc: Any = None) -> list[dict[str, int]] | None:
    """Each glibc arena's ``system`` (bytes mapped for it) and ``free`` (bytes in free
    chunks), the main arena first; None where there is no ``malloc_info``."""
    libc = libc or _libc()
    if libc is None or not hasattr(libc, "malloc_info"):
        return None
    libc.fopen.restype = ctypes.c_void_p
    libc.fopen.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
    libc.fclose.argtypes = [ctypes.c_void_p]
    libc.malloc_info.argtypes = [ctypes.c_int, ctypes.c_void_p]
    with tempfile.NamedTemporaryFile(suffix=".xml") as tmp:
        stream = libc.fopen(tmp.name.encode(), b"w")
        if not stream:
            return None
        try:
            libc.malloc_info(0, stream)
        finally:
            libc.fclose(stream)
        root = ET.fromstring(Path(tmp.name).read_bytes())
    out = []
    for heap in root.findall("heap"):
        free = sum(int(t.get("size", 0)) for t in heap.findall("total"))
        system = next((int(s.get("size", 0)) for s in heap.findall("system")
                       if s.get("type") == "current"), 0)
        out.append({"system": system, "free": free, "free_by_size": _free_by_size(heap)})
    return out


#: Bounds (bytes) of the free-chunk groups: under a page no trim can give a chunk back;
#: bigger chunks give back the whole pages inside them.
FREE_BOUNDS = (1024, 4096, 65536)


def _free_by_size(heap: ET.Element) -> list[int]:
    """An arena's free bytes by chunk size: < 1 KiB, < 4 KiB, < 64 KiB, the rest (each
    ``size`` or ``unsorted`` element of ``malloc_info`` counted by its lower bound)."""
    out = [0] * (len(FREE_BOUNDS) + 1)
    for element in heap.iter():
        if element.tag in ("size", "unsorted"):
            low = int(element.get("from", 0))
            out[sum(low >= b for b in FREE_BOUNDS)] += int(element.get("total", 0))
    return out


class _MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in (
        "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks",
        "fordblks", "keepcost")]


def mmapped_blocks(libc: Any = None) -> int | None:
    """Bytes in blocks malloc gave their own mapping (at or above the mmap threshold)."""
    libc = libc or _libc()
    if libc is None or not hasattr(libc, "mallinfo2"):
        return None
    libc.mallinfo2.restype = _MallInfo2
    return int(libc.mallinfo2().hblkhd)


#: ``sqlite3_status64`` op: page-cache bytes taken with SQLite's malloc (all of them, as
#: Python's sqlite3 configures no page-cache buffer).
SQLITE_STATUS_PAGECACHE_OVERFLOW = 2


def sqlite_memory() -> tuple[int, int, int] | None:
    """(bytes in use, of which page caches, high-water mark) of the SQLite library that
    Python's sqlite3 uses (the rest: prepared statements, schemas, connections)."""
    import sqlite3  # noqa: F401  (loads libsqlite3 the way the bot does)

    name = ctypes.util.find_library("sqlite3")
    if name is None:
        return None
    try:
        lib = ctypes.CDLL(name)
        lib.sqlite3_memory_used.restype = ctypes.c_int64
        lib.sqlite3_memory_highwater.restype = ctypes.c_int64
        lib.sqlite3_memory_highwater.argtypes = [ctypes.c_int]
        current, high = ctypes.c_int64(), ctypes.c_int64()
        lib.sqlite3_status64(SQLITE_STATUS_PAGECACHE_OVERFLOW, ctypes.byref(current),
                             ctypes.byref(high), 0)
        return (int(lib.sqlite3_memory_used()), int(current.value),
                int(lib.sqlite3_memory_highwater(0)))
    except (OSError, AttributeError):
        return None


_PYMALLOC = {"arenas": re.compile(r"# arenas allocated current\s*=\s*([\d,]+)"),
             "arena_bytes": re.compile(r"\d[\d,]* arenas \* (\d[\d,]*) bytes/arena"),
             "live": re.compile(r"# bytes in allocated blocks\s*=\s*([\d,]+)"),
             "avail": re.compile(r"# bytes in available blocks\s*=\s*([\d,]+)"),
             "unused_pools": re.compile(r"\d[\d,]* unused pools \* \d+ bytes\s*=\s*([\d,]+)"),
             "highwater": re.compile(r"# arenas highwater mark\s*=\s*([\d,]+)")}
#: One size class's row: class, block size, pools, blocks in use, blocks free in its pools.
_CLASS_ROW = re.compile(r"^\s*\d+\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*$", re.M)


def pymalloc_stats() -> dict[str, int] | None:
    """CPython's small-object allocator: arenas held and bytes live in them.

    ``sys._debugmallocstats`` writes to the C-level stderr, so fd 2 goes to a file for
    the call (a log line another thread wrote in that instant would go with it: a bench
    probe, not a production one).
    """
    if not hasattr(sys, "_debugmallocstats"):
        return None
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as tmp:
        try:
            os.dup2(tmp.fileno(), 2)
            sys._debugmallocstats()
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        tmp.seek(0)
        text = tmp.read().decode(errors="replace")
    found: dict[str, int] = {}
    for key, pattern in _PYMALLOC.items():
        m = pattern.search(text)
        if m:
            found[key] = int(m[1].replace(",", ""))
    if {"arenas", "arena_bytes", "live"} - set(found):
        return None
    # Where the free part sits: free blocks inside pools in use (``avail``), wholly free
    # pools kept inside arenas that something else pins (``unused_pools``), and per size
    # class (block size, pools, blocks in use, blocks free) to tell which sizes scatter.
    return {"arenas_bytes": found["arenas"] * found["arena_bytes"], "live": found["live"],
            "avail": found.get("avail", 0), "unused_pools": found.get("unused_pools", 0),
            "arenas_highwater": found.get("highwater", 0),
            "classes": [[int(g) for g in m.groups()] for m in _CLASS_ROW.finditer(text)]}


def _status() -> dict[str, int]:
    out = {}
    with open("/proc/self/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "RssAnon", "RssFile", "Threads"):
                number = int(value.split()[0])
                out[key] = number if key == "Threads" else number * 1024
    return out


def probe() -> dict[str, Any]:
    """One sample of everything above (bytes), with a wall-clock time."""
    libc = _libc()
    status = _status()
    return {"t": time.time(), "rss": status.get("VmRSS", 0),
            "rss_anon": status.get("RssAnon", 0), "rss_file": status.get("RssFile", 0),
            "threads": status.get("Threads", 0), "malloc": malloc_arenas(libc),
            "mmapped": mmapped_blocks(libc), "sqlite": sqlite_memory(),
            "pymalloc": pymalloc_stats()}


def components(sample: dict[str, Any]) -> dict[str, float]:
    """A sample as MiB per holder: ``main_in_use`` / ``main_free`` (the main arena),
    ``arenas_in_use`` / ``arenas_free`` (the threads' arenas), ``mmapped``, ``sqlite``
    (part of the malloc figures), ``pymalloc_live`` / ``pymalloc_free`` (inside its
    arenas), ``rss_anon``, and ``sql_texts`` (distinct SQL statements run so far: each
    pooled connection may keep up to 128 of them prepared)."""
    out: dict[str, float] = {"rss": sample["rss"] / MIB, "rss_anon": sample["rss_anon"] / MIB}
    arenas = sample.get("malloc") or []
    if arenas:
        main, rest = arenas[0], arenas[1:]
        out["main_in_use"] = (main["system"] - main["free"]) / MIB
        out["main_free"] = main["free"] / MIB
        out["arenas_in_use"] = sum(a["system"] - a["free"] for a in rest) / MIB
        out["arenas_free"] = sum(a["free"] for a in rest) / MIB
    if sample.get("mmapped") is not None:
        out["mmapped"] = sample["mmapped"] / MIB
    if sample.get("sqlite"):
        out["sqlite"] = sample["sqlite"][0] / MIB
        if len(sample["sqlite"]) > 2:
            out["sqlite_pagecache"] = sample["sqlite"][1] / MIB
    if "statements" in sample:
        out["sql_texts"] = sample["statements"]
    py = sample.get("pymalloc")
    if py:
        out["pymalloc_live"] = py["live"] / MIB
        out["pymalloc_free"] = (py["arenas_bytes"] - py["live"]) / MIB
        if "avail" in py:
            out["pymalloc_free_blocks"] = py["avail"] / MIB
            out["pymalloc_free_pools"] = py["unused_pools"] / MIB
    return out


def fit(samples: list[dict[str, Any]], *, after: float,
        t0: float | None = None) -> dict[str, dict[str, float]]:
    """Per component: MiB at the first sample from ``after`` s on (counted from ``t0``,
    by default the first sample's time), at the last, and the least-squares growth in
    MiB/h over those samples."""
    if not samples:
        return {}
    t0 = samples[0]["t"] if t0 is None else t0
    late = [(s["t"] - t0, components(s)) for s in samples if s["t"] - t0 >= after]
    if not late:
        return {}
    out = {}
    for name in late[-1][1]:
        series = [(t, c[name]) for t, c in late if name in c]
        out[name] = {"from_mib": round(series[0][1], 1), "to_mib": round(series[-1][1], 1),
                     "mib_per_hour": round(slope_per_hour(series), 1)}
    return out


class CollectorLog:
    """What the cyclic collector did: per generation, its runs, the objects it freed and
    the seconds it held the interpreter (a ``gc.callbacks`` hook), so a sample shows
    whether cyclic garbage waits in the old generation until a rare full collection."""

    def __init__(self) -> None:
        self.seconds = [0.0, 0.0, 0.0]
        self.longest = [0.0, 0.0, 0.0]
        self._started = 0.0

    def install(self) -> None:
        gc.callbacks.append(self._hook)

    def _hook(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
            return
        took = time.perf_counter() - self._started
        generation = info["generation"]
        self.seconds[generation] += took
        self.longest[generation] = max(self.longest[generation], took)

    def sample(self) -> dict[str, Any]:
        return {"stats": gc.get_stats(), "seconds": [round(s, 4) for s in self.seconds],
                "longest": [round(s, 4) for s in self.longest],
                "frozen": gc.get_freeze_count()}


class StatementLog:
    """Distinct SQL texts the process's SQLAlchemy engines have run (an event listener
    on every engine), written beside the probe file for a look at what is prepared."""

    def __init__(self) -> None:
        self.texts: set[str] = set()

    def install(self) -> None:
        from sqlalchemy import event
        from sqlalchemy.engine import Engine

        def seen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
            self.texts.add(statement)

        # After: the text as SQLite got it (bot/store/inlists.py pads IN lists before).
        event.listen(Engine, "after_cursor_execute", seen)


def type_counts() -> dict[str, int]:
    """Live objects the collector tracks, counted by type (``module.qualname``): a count
    that rises from sample to sample names the collection that keeps them.

    Can crash the bot: ``gc.get_objects`` from this thread also takes a tuple the main
    thread is still filling from a generator, whose resize then fails (``SystemError:
    Objects/tupleobject.c:927``, seen once in a soak). For a look, not for figures."""
    counts: dict[str, int] = {}
    for obj in gc.get_objects():
        kind = type(obj)
        name = f"{kind.__module__}.{kind.__qualname__}"
        counts[name] = counts.get(name, 0) + 1
    return counts


def type_growth(first: dict[str, int], last: dict[str, int], *,
                top: int = 25) -> list[tuple[str, int, int]]:
    """(type, count in ``last``, growth since ``first``) for the types that grew most."""
    grown = [(name, n, n - first.get(name, 0)) for name, n in last.items()]
    return sorted((g for g in grown if g[2] > 0), key=lambda g: -g[2])[:top]


def watch(out: Path, *, every: float, statements: StatementLog | None = None,
          types_every: int = 0, collector: CollectorLog | None = None) -> None:
    """Sampler thread: one JSON line every ``every`` seconds, for the life of the process;
    with ``types_every`` = N, every N-th sample also counts live objects by type (one walk
    of the collector's lists: it holds the interpreter for a moment) into ``*.types``."""
    n = 0
    while True:
        if types_every and n % types_every == 0:
            try:
                line = json.dumps({"t": time.time(), "types": type_counts()})
                with out.with_suffix(".types").open("a") as f:
                    f.write(line + "\n")
            except Exception as exc:  # a probe must never take the bot down
                log_error = json.dumps({"t": time.time(), "error": repr(exc)})
                with out.open("a") as f:
                    f.write(log_error + "\n")
        n += 1
        try:
            sample = probe()
            if statements is not None:
                texts = sorted(statements.texts)
                sample["statements"] = len(texts)
                out.with_suffix(".sql").write_text("\n;\n".join(texts))
            if collector is not None:
                sample["gc"] = collector.sample()
            line = json.dumps(sample)
        except Exception as exc:  # a probe must never take the bot down
            line = json.dumps({"t": time.time(), "error": repr(exc)})
        with out.open("a") as f:
            f.write(line + "\n")
        time.sleep(every)


def timeline(samples: list[dict[str, Any]], names: list[str]) -> list[str]:
    """One line per sample: seconds since the first, then each named component (MiB),
    to see whether a holder rises in steps (a job's peak) or all along."""
    if not samples:
        return []
    lines = ["     s  " + " ".join(f"{n:>12}" for n in names)]
    for sample in samples:
        parts = components(sample)
        lines.append(f"{sample['t'] - samples[0]['t']:6.0f}  " + " ".join(
            f"{parts[n]:12.1f}" if n in parts else f"{'-':>12}" for n in names))
    return lines


def load(path: Path) -> list[dict[str, Any]]:
    samples = []
    for line in path.read_text().splitlines():
        if line.strip():
            sample = json.loads(line)
            if "error" not in sample:
                samples.append(sample)
    return samples


def growth_of_types(path: Path, *, after: float) -> list[tuple[str, int, int]]:
    """Type counts that grew between the first ``*.types`` sample from ``after`` s on
    (counted from the first sample) and the last."""
    samples = load(path)
    if not samples:
        return []
    late = [s for s in samples if s["t"] - samples[0]["t"] >= after] or samples[-1:]
    return type_growth(late[0]["types"], samples[-1]["types"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, help="append one JSON line per sample here")
    parser.add_argument("--every", type=float, default=20.0, help="seconds between samples")
    parser.add_argument("--report", type=Path, help="fit the components of a probe file")
    parser.add_argument("--after", type=float, default=120.0,
                        help="with --report: fit from this many seconds after the first")
    parser.add_argument("--types", type=int, default=0, metavar="N",
                        help="every N-th sample, count live objects by type (*.types); "
                        "with --report: list the types that grew from --after to the end")
    parser.add_argument("--timeline", metavar="NAMES",
                        help="with --report: print these components (comma-separated) "
                        "for every sample instead of the fits")
    parser.add_argument("bot_args", nargs=argparse.REMAINDER,
                        help="-- then the ceasefire-bot arguments")
    args = parser.parse_args()
    if args.report and args.timeline:
        print("\n".join(timeline(load(args.report), args.timeline.split(","))))
        return 0
    if args.report:
        for name, f in fit(load(args.report), after=args.after).items():
            unit = "" if name == "sql_texts" else " MiB"  # a count, not a size
            print(f"{name:<16} {f['from_mib']:8.1f} -> {f['to_mib']:8.1f}{unit:<4}  "
                  f"{f['mib_per_hour']:+8.1f}{unit}/h")
        types = args.report.with_suffix(".types")
        if args.types and types.exists():
            for name, n, grew in growth_of_types(types, after=args.after):
                print(f"{grew:+9d}  {n:9d}  {name}")
        return 0
    assert args.out, "--out FILE -- run, or --report FILE"
    bot_args = [a for a in args.bot_args if a != "--"] or ["run"]
    from bot.cli import main as bot_main
    from bot.memory import limit_malloc_arenas

    limit_malloc_arenas()  # as `ceasefire-bot run` does, before this launcher's thread
    statements = StatementLog()
    statements.install()
    collector = CollectorLog()
    collector.install()
    threading.Thread(target=watch, args=(args.out,),
                     kwargs={"every": args.every, "statements": statements,
                             "types_every": args.types, "collector": collector},
                     daemon=True, name="memwatch").start()
    return bot_main(bot_args)


if __name__ == "__main__":
    sys.exit(main())
