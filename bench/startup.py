"""How long a ``ceasefire-bot`` process takes to start and end (wall and CPU).

Each command runs ``--runs`` times as ``python -m bot.cli ...`` in a clean environment;
the median wall and CPU (user + system of the child) are printed. ``--other DIR`` runs the
same commands from another checkout (e.g. ``git archive`` of the base commit) interleaved
run by run, so both sides see the same load on a shared machine.

    .venv/bin/python bench/startup.py --runs 5 [--other /tmp/base]

The ``run`` cases start the console platform with an empty script (stdin at its end): the
start-up poll of the bundled demo feeds, the console's subscription and welcome, then the
end of input closes it, as a scripted console session does before its first line.

Ends with one line of JSON: each case's median CPU, its ratio to a bare interpreter's start
measured in the same run, and with ``--other`` its ratio to the other checkout.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: name -> (arguments, data dir: "fresh" a new one per run, "empty" one migrated before,
#: "demo" the bundled demo feeds ingested and asked once, so the answer index is saved,
#: "ran" the demo store after one console run, so its welcome is posted)
CASES: dict[str, tuple[list[str], str]] = {
    "--help": (["--help"], "fresh"),
    "config-error": (["--config", "/nonexistent/bot.toml", "ask", "x"], "fresh"),
    "ask (fresh dir)": (["ask", "x"], "fresh"),
    "ask (empty store)": (["ask", "x"], "empty"),
    "brief (empty store)": (["brief"], "empty"),
    "ingest (missing file)": (["ingest", "--feed", "/nonexistent/feed.xml"], "empty"),
    "ask (demo store)": (["ask", "What was agreed in Jeddah?"], "demo"),
    "brief (demo store)": (["brief"], "demo"),
    "run, console (fresh dir)": (["run"], "fresh"),
    "run, console (demo store)": (["run"], "ran"),
}


def env_for(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("CEASEFIRE_BOT", "DISCORD_", "SLACK_", "PYTHON"))}
    env["CEASEFIRE_BOT_DATA_DIR"] = str(data_dir)
    return env


def one_run(checkout: Path, args: list[str], data_dir: Path) -> tuple[float, float]:
    """(wall, cpu) seconds of one process; ``cwd`` puts ``checkout`` first on sys.path."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "bot.cli", *args], cwd=checkout,
                   env=env_for(data_dir), capture_output=True, check=False,
                   stdin=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--other", type=Path, help="a second checkout, measured interleaved")
    opts = parser.parse_args()
    checkouts = {"this": ROOT} | ({"other": opts.other.resolve()} if opts.other else {})
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        prepared: dict[tuple[str, str], Path] = {}
        for name, checkout in checkouts.items():
            prepared[name, "empty"] = base / f"empty-{name}"
            one_run(checkout, ["db", "upgrade"], prepared[name, "empty"])
            prepared[name, "demo"] = base / f"demo-{name}"
            one_run(checkout, ["ingest"], prepared[name, "demo"])
            one_run(checkout, ["ask", "x"], prepared[name, "demo"])
            prepared[name, "ran"] = base / f"ran-{name}"
            for step in (["ingest"], ["ask", "x"], ["run"]):
                one_run(checkout, step, prepared[name, "ran"])
        # The floor every command pays: the interpreter alone, in the same run.
        bare = statistics.median(_bare_python() for _ in range(opts.runs))
        print(f"bare python start (the floor): {bare:.2f}s cpu")
        print(f"{'case':24} " + " ".join(f"{n + ' wall':>11} {n + ' cpu':>11}" for n in checkouts))
        figures: dict[str, dict[str, float]] = {}
        for case, (args, kind) in CASES.items():
            samples: dict[str, list[tuple[float, float]]] = {n: [] for n in checkouts}
            for run in range(opts.runs):
                for name, checkout in checkouts.items():
                    data = (base / f"fresh-{name}-{case}-{run}" if kind == "fresh"
                            else prepared[name, kind])
                    samples[name].append(one_run(checkout, args, data))
            cells = []
            for name in checkouts:
                wall = statistics.median(s[0] for s in samples[name])
                cpu = statistics.median(s[1] for s in samples[name])
                cells.append(f"{wall:10.2f}s {cpu:10.2f}s")
                figures.setdefault(case, {})[f"{name}_cpu_s"] = round(cpu, 3)
            if "other" in checkouts and figures[case].get("other_cpu_s"):
                figures[case]["ratio_to_other"] = round(
                    figures[case]["this_cpu_s"] / figures[case]["other_cpu_s"], 3)
            figures[case]["ratio_to_bare"] = round(figures[case]["this_cpu_s"] / bare, 2)
            print(f"{case:24} " + " ".join(cells), flush=True)
    print(json.dumps({"bench": "startup", "bare_python_cpu_s": round(bare, 3), "cases": figures}))


def _bare_python() -> float:
    """CPU seconds of a child interpreter that only starts and ends."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


if __name__ == "__main__":
    main()
