"""Stop signals during start-up.

``serve`` turns SIGTERM and Ctrl-C into an orderly stop. Before it runs, while the first
poll fetches every feed (seconds on a slow network), the default handlers applied: SIGTERM
killed the process at once (exit 143, the store's connections never closed) and Ctrl-C
surfaced only when the poll ended. ``unless_stopped`` gives start-up the same orderly
stop: the work is cancelled at its next await, the store closes as after ``serve``, exit 0.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable, Coroutine
from typing import Any

log = logging.getLogger(__name__)

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


def catch_stop_signals(loop: asyncio.AbstractEventLoop,
                       on_stop: Callable[[signal.Signals], None]) -> list[signal.Signals]:
    """Route SIGTERM and Ctrl-C to ``on_stop(signal)``; returns the signals routed (none
    where the loop cannot: off the main thread, or without Unix signals)."""
    caught = []
    for sig in STOP_SIGNALS:
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, on_stop, sig)
            caught.append(sig)
    return caught


def release_stop_signals(loop: asyncio.AbstractEventLoop,
                         caught: list[signal.Signals]) -> None:
    """Give the signals ``catch_stop_signals`` routed back to their default handlers."""
    for sig in caught:
        loop.remove_signal_handler(sig)


async def unless_stopped(work: Coroutine[Any, Any, None]) -> bool:
    """Run ``work``; True when it finished, False when a stop signal cancelled it first.

    A cancellation of the caller itself is not a stop signal: it propagates."""
    loop = asyncio.get_running_loop()
    task = loop.create_task(work)
    signalled: list[signal.Signals] = []

    def stop(sig: signal.Signals) -> None:
        signalled.append(sig)
        task.cancel()

    caught = catch_stop_signals(loop, stop)
    try:
        await task
        return True
    except asyncio.CancelledError:
        if not signalled:
            raise
        log.warning("%s during start-up: stopping before serving", signalled[0].name)
        return False
    finally:
        release_stop_signals(loop, caught)
