"""``bench/fanout.py`` with the CPU seconds of the sending process added to its JSON line
(the chat fake is a child process and is not counted). CPU time stays comparable on a
loaded machine, where wall-time ratios swing; run it from the tree to measure, e.g. two
trees interleaved:

    (cd OTHER && PYTHONPATH=$PWD python bench/cpu_fanout.py --profile discord --scale 2)
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import resource
import runpy
import sys


def main() -> None:
    sys.argv = ["bench/fanout.py", *sys.argv[1:]]
    sys.path.insert(0, os.getcwd())
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.suppress(SystemExit):
        runpy.run_path("bench/fanout.py", run_name="__main__")
    usage = resource.getrusage(resource.RUSAGE_SELF)
    line = json.loads(out.getvalue().strip().splitlines()[-1])
    for result in line["results"]:
        result["cpu_s"] = round(usage.ru_utime + usage.ru_stime, 2)
    print(json.dumps(line))


if __name__ == "__main__":
    main()
