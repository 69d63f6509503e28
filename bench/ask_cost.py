"""What one `ask` costs at this checkout against a base commit, run alternately.

    python bench/ask_cost.py [--base REV] [--docs 20000] [--queries 300] [--rounds 3]

For an answer-side change: the base commit's tree is exported (``git archive``) and both
trees, in turn and ``--rounds`` times each, fill a fresh synthetic store (``bench/answer.py``'s
articles and questions), build the index, and answer every question in process. A load
change on a shared host hits both sides. Per run: the CPU milliseconds of each answer (the
process's CPU, its threads included, which a busy host stretches far less than wall time)
and the wall milliseconds. Prints a table, then one line of JSON with the ratio of the means
(this checkout / base). The latency target itself is `bench/answer.py`'s (100,000 articles).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


async def measure(n_docs: int, n_queries: int) -> dict[str, Any]:
    """In the tree on ``sys.path``: per-answer CPU and wall milliseconds."""
    import random

    from bench import answer as bench
    from bot.answer.engine import Engine
    from bot.store.db import open_store

    rng = random.Random(7)
    pool = await bench.demo_sentences()
    queries = bench.questions(n_queries)
    cpu: list[float] = []
    wall: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        async with open_store(f"sqlite:///{Path(tmp) / 'ask.db'}") as (_engine, sessions):
            await bench.fill(sessions, 0, n_docs, pool, rng)
            engine = Engine(index_dir=Path(tmp) / "index")
            async with sessions() as session:
                await engine.refresh(session, force=True)
            await bench.ask_all(sessions, engine, queries[:20])  # warm caches first
            for q in queries:
                c0, w0 = time.process_time(), time.perf_counter()
                async with sessions() as session:
                    await bench.answer_question(session, q, lang="en", now=bench.NOW,
                                                engine=engine, zone=bench.ZONE)
                cpu.append((time.process_time() - c0) * 1000)
                wall.append((time.perf_counter() - w0) * 1000)
    import bot

    return {"bot": bot.__file__, "cpu_mean": statistics.fmean(cpu), "cpu_p95": bench.pct(cpu, 0.95),
            "wall_p50": statistics.median(wall), "wall_p95": bench.pct(wall, 0.95)}


def run(tree: Path, n_docs: int, n_queries: int) -> dict[str, Any]:
    """One side, in a fresh process whose imports come from ``tree``."""
    code = ("import asyncio, json, sys; sys.path.insert(0, sys.argv[1]); "
            "from bench.ask_cost import measure; "
            "print(json.dumps(asyncio.run(measure(int(sys.argv[2]), int(sys.argv[3])))))")
    out = subprocess.run([sys.executable, "-c", code, str(tree), str(n_docs), str(n_queries)],
                         cwd=tree, capture_output=True, text=True, check=True)
    figures: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    if not Path(figures["bot"]).is_relative_to(tree):  # the other tree's code was measured
        raise SystemExit(f"{tree} imported {figures['bot']}")
    return figures


def main() -> None:
    from bench.test_cost import export

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", default="main", help="the commit to compare against")
    parser.add_argument("--docs", type=int, default=20_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    runs: dict[str, list[dict[str, Any]]] = {"base": [], "this": []}
    with tempfile.TemporaryDirectory() as tmp:
        trees = {"base": export(args.base, Path(tmp)), "this": ROOT}
        # The base tree runs this file too: the measuring code is the same on both sides.
        (trees["base"] / "bench" / "ask_cost.py").write_text(Path(__file__).read_text())
        for _ in range(args.rounds):
            for side, tree in trees.items():
                runs[side].append(run(tree, args.docs, args.queries))
    print(f"{args.docs:,} synthetic articles, {args.queries} questions, {args.rounds} "
          f"rounds alternating; base {args.base}\n")
    print(f"{'side':6}{'CPU mean ms':>14}{'CPU p95 ms':>13}{'wall p50 ms':>14}{'wall p95 ms':>14}")
    for side, figures in runs.items():
        for f in figures:
            print(f"{side:6}{f['cpu_mean']:14.1f}{f['cpu_p95']:13.1f}{f['wall_p50']:14.1f}"
                  f"{f['wall_p95']:14.1f}")
    mean = {side: statistics.median(f["cpu_mean"] for f in figures)
            for side, figures in runs.items()}
    ratio = mean["this"] / mean["base"]
    print(f"\nCPU per ask, median of the runs' means: this {mean['this']:.1f} ms, base "
          f"{mean['base']:.1f} ms ({ratio:.2f}x)")
    print(json.dumps({"bench": "ask_cost", "docs": args.docs, "base": args.base,
                      "cpu_mean_ms": round(mean["this"], 2),
                      "base_cpu_mean_ms": round(mean["base"], 2),
                      "baseline_ratio": round(ratio, 3)}))


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
