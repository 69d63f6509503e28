"""Which memory mappings of a running process grow: sample ``/proc/<pid>/smaps`` over time.

RSS says *that* a process grows; smaps says *where*: the main malloc heap (``[heap]``),
other anonymous mappings (glibc's thread arenas: 64 MiB reservations; Python's object
arenas: 256 KiB; large ``malloc`` blocks and numpy arrays: their own mappings), or a
library's data. Each sample groups resident KiB by kind; ``--report`` compares the first
and last sample and lists the mappings that grew most.

    .venv/bin/python bench/smaps.py --pid PID --every 30 --out smaps.jsonl
    .venv/bin/python bench/smaps.py --report smaps.jsonl
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from pathlib import Path
from typing import Any

#: glibc reserves a thread arena as one 64 MiB mapping (HEAP_MAX_SIZE on 64-bit).
ARENA_SPAN = 64 * 1024


def read_smaps(pid: int) -> list[dict[str, Any]]:
    """One dict per mapping: start address, size and resident KiB, permissions, name."""
    maps: list[dict[str, Any]] = []
    with open(f"/proc/{pid}/smaps") as f:
        for line in f:
            first = line.split(maxsplit=5)
            if "-" in first[0] and not first[0].endswith(":"):
                lo, hi = (int(x, 16) for x in first[0].split("-"))
                maps.append({"start": first[0].split("-")[0], "kib": (hi - lo) // 1024,
                             "perms": first[1], "name": first[5].strip()
                             if len(first) > 5 else "", "rss": 0})
            elif first[0] == "Rss:" and maps:
                maps[-1]["rss"] = int(first[1])
    return maps


def kind(m: dict[str, Any], arenas: set[str]) -> str:
    """The group a mapping belongs to (see the module docstring)."""
    name = m["name"]
    if name == "[heap]":
        return "heap"
    if name.startswith("["):
        return name
    if name:
        return "file:" + Path(name).name.split(".so")[0]
    if m["start"] in arenas:
        return "anon:malloc-arena"
    if m["kib"] == 256:
        return "anon:256k (python arenas)"
    return "anon:other"


def arena_starts(maps: list[dict[str, Any]]) -> set[str]:
    """Anonymous mappings that, with the ``---p`` reservation after them, span 64 MiB
    aligned: glibc's non-main malloc arenas."""
    starts = set()
    for i, m in enumerate(maps):
        if m["name"] or "rw" not in m["perms"]:
            continue
        span = m["kib"]
        if i + 1 < len(maps) and maps[i + 1]["perms"].startswith("---") \
                and not maps[i + 1]["name"]:
            span += maps[i + 1]["kib"]
        if span == ARENA_SPAN and int(m["start"], 16) % (ARENA_SPAN * 1024) == 0:
            starts.add(m["start"])
    return starts


def sample(pid: int) -> dict[str, Any]:
    maps = read_smaps(pid)
    arenas = arena_starts(maps)
    groups: Counter[str] = Counter()
    for m in maps:
        groups[kind(m, arenas)] += m["rss"]
    return {"t": time.time(), "groups": dict(groups),
            "maps": {m["start"]: [m["rss"], m["kib"], kind(m, arenas)] for m in maps
                     if m["rss"]}}


def report(path: Path, top: int = 12, after: float = 300.0) -> str:
    samples = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    if len(samples) < 2:
        return "fewer than two samples"
    a, b = samples[0], samples[-1]
    hours = (b["t"] - a["t"]) / 3600
    lines = [f"{len(samples)} samples over {hours * 60:.1f} min; resident MiB first -> last"]
    names = sorted(set(a["groups"]) | set(b["groups"]),
                   key=lambda k: b["groups"].get(k, 0) - a["groups"].get(k, 0), reverse=True)
    for name in names:
        x, y = a["groups"].get(name, 0) / 1024, b["groups"].get(name, 0) / 1024
        if max(x, y) >= 0.5:
            lines.append(f"  {name:<32} {x:8.1f} -> {y:8.1f}  ({y - x:+.1f})")
    totals = [(x["t"] - a["t"], sum(x["groups"].values()) / 1024) for x in samples]
    late = [(t, mb) for t, mb in totals if t >= after]
    lines.append(f"resident total {totals[0][1]:.1f} -> {totals[-1][1]:.1f} MiB; "
                 f"fit from {after:g} s: {slope_per_hour(late):+.1f} MiB/h")
    for name in names[:4]:
        series = [(x["t"] - a["t"], x["groups"].get(name, 0) / 1024) for x in samples
                  if x["t"] - a["t"] >= after]
        lines.append(f"  {name}: {slope_per_hour(series):+.1f} MiB/h from {after:g} s")
    grown = sorted(((b["maps"][s][0] - a["maps"].get(s, [0])[0], s) for s in b["maps"]),
                   reverse=True)[:top]
    lines.append("mappings that grew most (KiB resident: first -> last, size, kind):")
    for delta, start in grown:
        rss, size, what = b["maps"][start]
        lines.append(f"  {start} {a['maps'].get(start, [0])[0]:>7} -> {rss:>7}  "
                     f"size {size:>7}  {what}  (+{delta})")
    new = [s for s in b["maps"] if s not in a["maps"]]
    lines.append(f"new mappings since the first sample: {len(new)}, "
                 f"{sum(b['maps'][s][0] for s in new) / 1024:.1f} MiB resident")
    return "\n".join(lines)


def slope_per_hour(points: list[tuple[float, float]]) -> float:
    """Least-squares slope of (seconds, MiB), in MiB per hour (0 with fewer than 3)."""
    if len(points) < 3:
        return 0.0
    mx = sum(p[0] for p in points) / len(points)
    my = sum(p[1] for p in points) / len(points)
    var = sum((x - mx) ** 2 for x, _ in points)
    return 0.0 if var == 0 else sum((x - mx) * (y - my) for x, y in points) / var * 3600


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pid", type=int)
    parser.add_argument("--every", type=float, default=30.0)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--report", type=Path)
    parser.add_argument("--after", type=float, default=300.0,
                        help="fit the growth from this many seconds after the first sample")
    args = parser.parse_args()
    if args.report:
        print(report(args.report, after=args.after))
        return
    assert args.pid and args.out, "--pid and --out, or --report"
    with args.out.open("a") as out:
        while Path(f"/proc/{args.pid}").exists():
            try:
                out.write(json.dumps(sample(args.pid)) + "\n")
                out.flush()
            except OSError:
                break
            time.sleep(args.every)


if __name__ == "__main__":
    main()
