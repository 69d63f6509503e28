"""Put this folder on ``PYTHONPATH`` (with memray's) to record every allocation of a
``bot.cli`` process for a window of its run (bench/churn.py says how to read it).

``MEMRAY_WINDOW_OUT`` names the capture; ``MEMRAY_WINDOW_START`` (s after the event loop
starts, default 200) and ``MEMRAY_WINDOW_SECONDS`` (default 30) place the window. The
tracker is started and stopped on the loop's thread: started from another thread, memray
saw that thread's allocations only. Other processes (the soak's driver) are left alone.
"""

from __future__ import annotations

import os
import sys
from typing import Any

_OUT = os.environ.get("MEMRAY_WINDOW_OUT")
if _OUT and any("bot.cli" in a or a == "run" for a in getattr(sys, "orig_argv", [])[1:]) \
        and "soak.py" not in " ".join(sys.orig_argv):
    import asyncio.base_events as _base_events

    _START = float(os.environ.get("MEMRAY_WINDOW_START", "200"))
    _SECONDS = float(os.environ.get("MEMRAY_WINDOW_SECONDS", "30"))
    _run_forever = _base_events.BaseEventLoop.run_forever
    _state: dict[str, Any] = {}

    def _begin() -> None:
        import memray

        _state["tracker"] = memray.Tracker(_OUT, trace_python_allocators=True)
        _state["tracker"].__enter__()

    def _end() -> None:
        _state["tracker"].__exit__(None, None, None)
        sys.stderr.write(f"memray window written to {_OUT}\n")

    def run_forever(self: Any) -> None:
        if not _state:
            _state["armed"] = True
            self.call_later(_START, _begin)
            self.call_later(_START + _SECONDS, _end)
        _run_forever(self)

    _base_events.BaseEventLoop.run_forever = run_forever  # type: ignore[method-assign]
