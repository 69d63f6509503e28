"""Event-loop lag: how late a timer that should fire every ``interval`` actually fires.

Every reply, send and poll shares one loop; a CPU-heavy step that does not yield delays
them all. The lag is measured continuously (a sleep that overshoots by the time the loop was
busy elsewhere) and exported as ``ceasefire_event_loop_lag_seconds``, so a stall shows up
on /metrics rather than as a slow answer nobody can explain.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

log = logging.getLogger(__name__)

#: How often the loop is probed. Short enough to see 100 ms stalls, cheap (one timer).
INTERVAL = 0.05
#: A single stall this long is logged (with a warning), so an operator can find its cause.
WARN_SECONDS = 0.5


async def watch_loop(observe: Callable[[float], None], *, interval: float = INTERVAL,
                     warn: float = WARN_SECONDS) -> None:
    """Probe the running loop forever, calling ``observe(lag_seconds)`` after each probe."""
    while True:
        started, cpu = time.perf_counter(), time.thread_time()
        await asyncio.sleep(interval)
        lag = max(0.0, time.perf_counter() - started - interval)
        observe(lag)
        if lag >= warn:
            # The loop thread's own CPU time tells a step that hogged the loop from a
            # process the machine did not schedule (an overloaded host).
            log.warning("event loop was blocked for %.2f s (%.2f s of it running here)",
                        lag, time.thread_time() - cpu)
