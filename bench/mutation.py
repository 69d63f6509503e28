"""Mutation score of the safety-critical paths (issue 18), with mutmut.

Each entry of ``SCOPE`` is one path where a bug hurts users most: a file and the functions
of it that count (all of them when none are named). mutmut mutates them, runs against each
mutant only the tests that call its function (the test files are in pyproject.toml's
``[tool.mutmut]``), and records whether a test failed. This prints killed / survived /
no tests / timeout per path, lists every survivor with its change, and ends with one JSON
line. Timeouts count as killed (the tests noticed: they hung); "no tests" count as
survivors (nothing would notice).

Equivalent mutants are not generated: their lines carry ``# pragma: no mutate`` with the
reason beside it.

    python bench/mutation.py            # a fresh run (15 min for six paths on two loaded cores)
    python bench/mutation.py --keep     # keep the records of paths not named (mutmut
                                        # re-runs every mutant of the paths named)
    python bench/mutation.py pacing     # only the paths named
    python bench/mutation.py --list     # the paths, their files and functions
    python bench/mutation.py --jobs 3   # mutants run at once (default: one per core)
    python bench/mutation.py --report   # the last run's records again (even a cut-short one)
    python bench/mutation.py --rerun    # only the last run's survivors again (after new tests)
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
MUTMUT = Path(sys.executable).with_name("mutmut")


@dataclass(frozen=True)
class Area:
    """One safety-critical path: a file and the functions of it that count."""

    name: str
    file: str
    functions: tuple[str, ...] = ()

    @property
    def module(self) -> str:
        return self.file.removesuffix(".py").replace("/", ".")

    def globs(self) -> list[str]:
        """mutmut names: ``mod.x_func__mutmut_N``, ``mod.xǁClassǁmethod__mutmut_N``."""
        if not self.functions:
            return [f"{self.module}.*"]
        return [f"{self.module}.x{sep}{fn}__mutmut_*"
                for fn in self.functions for sep in ("_", "ǁ*ǁ")]

    def covers(self, mutant: str) -> bool:
        module, _, local = mutant.rpartition(".")
        if module != self.module:
            return False
        match = _LOCAL.fullmatch(local)
        return match is not None and (not self.functions or match["fn"] in self.functions)


_LOCAL = re.compile(r"x(?:ǁ\w+ǁ|_)(?P<fn>\w+?)__mutmut_\d+")

SCOPE = (
    Area("url guard", "bot/news/guard.py"),
    Area("fetch redirects", "bot/news/fetch.py", ("_follow",)),
    Area("outbox", "bot/delivery/outbox.py"),
    Area("claim", "bot/delivery/claim.py"),
    Area("journal", "bot/delivery/journal.py"),
    Area("sender", "bot/delivery/sender.py", ("_record_sent", "_record_failure", "send_one")),
    Area("prepare", "bot/delivery/prepare.py", ("prepare", "_look_up")),
    Area("send", "bot/delivery/send.py", ("post", "find_sent")),
    Area("failure", "bot/delivery/failure.py", ("record_failure",)),
    Area("pacing", "bot/delivery/pacing.py"),
    Area("digest scheduling", "bot/delivery/digest.py"),
    Area("slack escaping", "bot/platforms/slack/render.py",
          ("escape", "truncate", "link", "to_mrkdwn")),
    Area("discord escaping", "bot/platforms/discord/escape.py"),
    Area("inert text", "bot/text/inert.py"),
    Area("permission checks", "bot/platforms/discord/translate.py", ("can_manage",)),
    Area("answerability gate", "bot/answer/support.py"),
    Area("coverage floor", "bot/answer/extractive.py", ("_pick",)),
    Area("citation numbering", "bot/platforms/text.py", ("cite",)),
)

#: mutmut's exit codes (``mutmut.stats.status_by_exit_code``), folded into four outcomes.
OUTCOMES = {"killed": "killed", "caught by type check": "killed", "timeout": "timeout",
            "survived": "survived", "no tests": "no tests"}


def run_mutmut(paths: list[Area], *, keep: bool, log: Path, jobs: int | None,
               names: list[str] | None = None) -> None:
    """Run mutmut over ``paths`` (or only the mutants ``names``, keeping other records)."""
    if not keep:
        shutil.rmtree(ROOT / "mutants", ignore_errors=True)
    names = names or [g for p in paths for g in p.globs()]
    # The covering tests wait on loopback servers a good part of the time: on a loaded
    # machine one more mutant than cores keeps them busy.
    children = ["--max-children", str(jobs)] if jobs else []
    with log.open("w") as out:
        subprocess.run([str(MUTMUT), "run", *children, *names], cwd=ROOT, stdout=out,
                       stderr=out, check=False)


def results(paths: list[Area]) -> dict[str, dict[str, str]]:
    """Outcome of every mutant in scope, per path, read from mutmut's own records."""
    from mutmut.stats import status_by_exit_code

    found: dict[str, dict[str, str]] = {p.name: {} for p in paths}
    for p in paths:
        meta = ROOT / "mutants" / f"{p.file}.meta"
        if not meta.exists():
            continue
        codes = json.loads(meta.read_text())["exit_code_by_key"]
        for mutant, code in codes.items():
            if p.covers(mutant):
                status = "not run" if code is None else status_by_exit_code[code]
                found[p.name][mutant] = OUTCOMES.get(status, status)
    return found


def change_of(mutant: str, file: str, modules: dict[str, Any]) -> str:
    """The mutated line(s), as ``mutmut show`` prints them (read in this process: a
    ``mutmut show`` per survivor re-reads the whole mutated file each time)."""
    import libcst
    from mutmut.mutation.diff_apply import read_mutant_function, read_original_function

    if file not in modules:
        modules[file] = libcst.parse_module((ROOT / "mutants" / file).read_text())
    module = modules[file]
    before, after = (libcst.Module([f]).code.strip().split("\n")
                     for f in (read_original_function(module, mutant),
                               read_mutant_function(module, mutant)))
    return " => ".join(ln[1:].strip() for ln in difflib.unified_diff(before, after, lineterm="")
                       if ln[:1] in "+-" and not ln.startswith(("+++", "---")))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("paths", nargs="*", help="names of SCOPE entries (default: all)")
    parser.add_argument("--keep", action="store_true",
                        help="keep mutmut's records of the paths not named (every mutant "
                             "of the paths named is run again: mutmut re-runs mutants it "
                             "is given by name)")
    parser.add_argument("--list", action="store_true", help="list the paths and exit")
    parser.add_argument("--rerun", action="store_true",
                        help="run again only the mutants the last run left alive (after new "
                             "tests); other records are kept")
    parser.add_argument("--report", action="store_true",
                        help="report mutmut's records of the last run without running it")
    parser.add_argument("--jobs", type=int, default=None,
                        help="mutants run at once (mutmut's --max-children; default: cores)")
    args = parser.parse_args()
    if args.list:
        for p in SCOPE:
            print(f"{p.name:22} {p.file}  {', '.join(p.functions) or '(every function)'}")
        return 0
    paths = [p for p in SCOPE if not args.paths or p.name in args.paths]
    if not paths:
        parser.error(f"no such path; known: {', '.join(p.name for p in SCOPE)}")
    log = ROOT / "mutants.log"
    started = time.monotonic()
    if args.rerun:
        # Mutants the run never reached stay "not run": a fresh run is what reaches them.
        alive = [m for found in results(paths).values() for m, s in found.items()
                 if s in ("survived", "no tests")]
        if alive:
            run_mutmut(paths, keep=True, log=log, jobs=args.jobs, names=alive)
    elif not args.report:
        run_mutmut(paths, keep=args.keep, log=log, jobs=args.jobs)
    elapsed = time.monotonic() - started
    found = results(paths)

    print(f"{'path':22} {'mutants':>7} {'killed':>7} {'survived':>8} {'no tests':>8} "
          f"{'timeout':>7} {'score':>6}")
    total: Counter[str] = Counter()
    not_run: dict[str, int] = {}
    for p in paths:
        counts = Counter(found[p.name].values())
        if counts["not run"]:  # a run cut short (--report): these count nowhere
            not_run[p.name] = counts.pop("not run")
        total.update(counts)
        n = sum(counts.values())
        score = (counts["killed"] + counts["timeout"]) / n if n else 0.0
        print(f"{p.name:22} {n:7} {counts['killed']:7} {counts['survived']:8} "
              f"{counts['no tests']:8} {counts['timeout']:7} {score:6.1%}")
    n = sum(total.values())
    detected = total["killed"] + total["timeout"]
    score = detected / n if n else 0.0
    print(f"{'all':22} {n:7} {total['killed']:7} {total['survived']:8} "
          f"{total['no tests']:8} {total['timeout']:7} {score:6.1%}")
    for name, count in not_run.items():
        print(f"{name}: {count} mutants not run (the run was cut short)")
    survivors = [(p.name, m) for p in paths for m, s in sorted(found[p.name].items())
                 if s not in ("killed", "timeout", "not run")]
    if survivors:
        print("\nsurvivors (path, mutant, change):")
        files = {p.name: p.file for p in paths}
        modules: dict[str, Any] = {}
        for name, mutant in survivors:
            print(f"  {name}: {mutant}: {change_of(mutant, files[name], modules)}")
    print(f"\nmutmut log: {log.relative_to(ROOT)}; {elapsed:.0f} s")
    print(json.dumps({"bench": "mutation", "mutants": n, "killed": total["killed"],
                      "timeout": total["timeout"], "survived": total["survived"],
                      "no_tests": total["no tests"], "not_run": sum(not_run.values()),
                      "score": round(score, 4), "seconds": round(elapsed)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
