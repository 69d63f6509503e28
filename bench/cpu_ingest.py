"""Part (a) of ``bench/ingest.py`` in CPU seconds as well as wall seconds: the pipeline
(this process plus its reaped parse workers) against feedparser alone on the same corpus.
CPU time stays comparable on a loaded machine, where wall-time ratios swing.

    python bench/cpu_ingest.py [ITEMS]      (default 5000; from the tree to measure)
"""

from __future__ import annotations

import asyncio
import io
import json
import multiprocessing
import os
import resource
import runpy
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import feedparser


def cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def main() -> None:
    sys.path.insert(0, os.getcwd())
    bench: dict[str, Any] = runpy.run_path("bench/ingest.py", run_name="bench_ingest")
    items = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths = bench["make_corpus"](folder, items=items)
        bodies = [p.read_bytes() for p in paths]
        c0, w0 = cpu(), time.perf_counter()
        parsed = sum(len(feedparser.parse(io.BytesIO(b)).entries) for b in bodies)
        base_cpu, base_wall = cpu() - c0, time.perf_counter() - w0

        async def pipeline() -> Any:
            async with bench["BotApp"](bench["settings_for"](folder),
                                       clock=bench["SystemClock"]()) as app:
                return await app.poll([bench["FeedSettings"](url=str(p)) for p in paths],
                                      force=True)

        c0, w0 = cpu(), time.perf_counter()
        report = asyncio.run(pipeline())
        while multiprocessing.active_children():  # reap the workers: their CPU counts
            time.sleep(0.1)
        whole_cpu, whole_wall = cpu() - c0, time.perf_counter() - w0
    print(json.dumps({"bench": "ingest-cpu", "items": parsed, "new": report.new,
                      "feedparser_cpu_s": round(base_cpu, 2),
                      "pipeline_cpu_s": round(whole_cpu, 2),
                      "cpu_ratio": round(whole_cpu / base_cpu, 3),
                      "wall_ratio": round(whole_wall / base_wall, 3)}))


if __name__ == "__main__":
    main()
