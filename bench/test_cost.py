"""What some test files cost at this checkout against a base commit, run alternately.

    python bench/test_cost.py [--base REV] [--rounds N] [tests/unit/test_x.py ...]

The base commit's tree is exported (``git archive``) to a temporary folder and run with this
checkout's virtualenv; the two sides alternate, ``--rounds`` times each, so a load change
on a shared machine hits both. Reported per run: pytest's wall time, and the CPU seconds
of the pytest process and of the child processes it waited for (the real bot and CLI).
On a busy host wall times swing; CPU seconds are the figure to compare. Prints a table,
then one line of JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PLUGIN = "phase_cpu"
#: The commit before tests got copies of a migrated store instead of migrating their own.
BEFORE_COPIES = "7b5e003"
#: Two files with a new store in every test (what ``make bench`` runs).
DEFAULT_FILES = ["tests/unit/test_digest_schedule.py", "tests/unit/test_outbox_claims.py"]


def export(rev: str, into: Path) -> Path:
    """The tree of ``rev`` as files under ``into``."""
    archive = into / "base.tar"
    with archive.open("wb") as out:
        subprocess.run(["git", "archive", rev], cwd=ROOT, stdout=out, check=True)
    tree = into / "base"
    with tarfile.open(archive) as tar:
        tar.extractall(tree, filter="data")
    return tree


def run(tree: Path, files: list[str], out: Path) -> dict[str, float]:
    """One pytest run of ``files`` in ``tree``, with the CPU plugin on."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "bench"), "TEST_COST_OUT": str(out)}
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "-p", PLUGIN, *files], cwd=tree, env=env,
                          capture_output=True, text=True)
    wall = time.perf_counter() - started
    totals = {"wall": wall, "cpu": 0.0, "children": 0.0, "setup_cpu": 0.0}
    for line in out.read_text().splitlines():
        _test, phase, _w, cpu, children = line.split("\t")
        totals["cpu"] += float(cpu)
        totals["children"] += float(children)
        if phase == "setup":
            totals["setup_cpu"] += float(cpu)
    totals["passed"] = float(proc.returncode == 0)
    if proc.returncode != 0:
        print(proc.stdout[-2000:], file=sys.stderr)
    return totals


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", default=DEFAULT_FILES)
    parser.add_argument("--base", default=BEFORE_COPIES)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    runs: dict[str, list[dict[str, float]]] = {"base": [], "new": []}
    with tempfile.TemporaryDirectory() as tmp:
        trees = {"base": export(args.base, Path(tmp)), "new": ROOT}
        for n in range(args.rounds):
            for side in ("base", "new"):
                out = Path(tmp) / f"{side}{n}.tsv"
                runs[side].append(run(trees[side], args.files, out))
                r = runs[side][-1]
                print(f"{side:4} round {n + 1}: wall {r['wall']:7.1f} s  cpu {r['cpu']:6.1f} s "
                      f"(setup {r['setup_cpu']:5.1f})  children {r['children']:6.1f} s  "
                      f"load {os.getloadavg()[0]:.1f}{'' if r['passed'] else '  FAILED'}",
                      flush=True)

    def median(side: str, key: str) -> float:
        return statistics.median(r[key] for r in runs[side])

    print(f"\n{'':8}{'wall s':>10}{'cpu s':>10}{'setup cpu':>11}{'children':>10}")
    for side in ("base", "new"):
        print(f"{side:8}{median(side, 'wall'):10.1f}{median(side, 'cpu'):10.1f}"
              f"{median(side, 'setup_cpu'):11.1f}{median(side, 'children'):10.1f}")
    total = {side: median(side, "cpu") + median(side, "children") for side in runs}
    print(json.dumps({
        "base": args.base, "files": len(args.files), "rounds": args.rounds,
        "base_wall_s": round(median("base", "wall"), 1),
        "new_wall_s": round(median("new", "wall"), 1),
        "base_cpu_s": round(total["base"], 1), "new_cpu_s": round(total["new"], 1),
        "cpu_ratio": round(total["new"] / total["base"], 3),
        "all_passed": all(r["passed"] for side in runs.values() for r in side)}))


if __name__ == "__main__":
    main()
