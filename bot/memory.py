"""Keep a long-running process's heap from creeping.

glibc gives threads their own malloc arenas (up to 8 per core). The bot's threads
(aiosqlite's one per connection, ``asyncio.to_thread``) each grow an arena, and memory freed
in one is not reused by the others, so RSS creeps up over hours with no Python object
growing (bench/soak.py: RSS growth after the warm-up with and without this). One arena
serves them all: with a second one (the threads' arena), the memory free inside it grew
by tens of MiB an hour in the soak (``arenas_free`` in its ``memory_components``), holes
the main heap could not reuse. On a two-core machine at most two threads allocate at once,
so the shared lock costs little.

Even with one arena, memory freed inside an arena stays mapped: glibc only gives back the
top of the main heap on its own. Under tracemalloc the bot's Python heap stays flat through
a soak while RSS keeps rising (bench/heapwatch.py), so the rise is freed-but-kept memory
(allocator fragmentation, SQLite's per-connection allocations). ``start_trimming`` hands
such pages back to the kernel periodically with ``malloc_trim``.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import logging
import sys
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)

#: ``mallopt`` parameter numbers (glibc malloc.h).
M_ARENA_MAX = -8
M_MMAP_THRESHOLD = -3
ARENAS = 1
#: Blocks this big or bigger get their own mapping, returned to the kernel when freed.
#: Setting it fixes it: glibc otherwise raises the threshold to the largest block freed so
#: far (up to 32 MiB), after which feed bodies, JSON payloads and the answer index's
#: arrays are carved from the heap and leave holes in it as they come and go.
MMAP_THRESHOLD = 256 * 1024
#: Seconds between two trims: cheap (a few ms per hundred MB, off the event loop), and
#: often enough that a burst of fan-out garbage does not linger as RSS for long.
TRIM_SECONDS = 30.0


def _libc() -> ctypes.CDLL | None:
    if not sys.platform.startswith("linux"):
        return None
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        return ctypes.CDLL(name)
    except OSError:
        return None


def limit_malloc_arenas(arenas: int = ARENAS, mmap_threshold: int = MMAP_THRESHOLD) -> bool:
    """Cap glibc's malloc arenas and fix its mmap threshold; MUST run before threads
    start. False where not glibc."""
    libc = _libc()
    if libc is None:
        return False
    try:
        return bool(libc.mallopt(M_ARENA_MAX, arenas)) \
            and bool(libc.mallopt(M_MMAP_THRESHOLD, mmap_threshold))
    except AttributeError:  # musl and others have no mallopt: nothing to cap
        log.debug("malloc arenas not capped: no glibc mallopt")
        return False


def trim_heap() -> bool:
    """Give freed malloc pages back to the kernel (every arena, not only the heap top).

    Returns:
        True when glibc released memory; False when nothing was released or not glibc.
    """
    libc = _libc()
    trim = getattr(libc, "malloc_trim", None) if libc is not None else None
    if trim is None:
        return False
    trim.argtypes = [ctypes.c_size_t]
    return bool(trim(0))  # ctypes drops the GIL for the call: the loop keeps running


def start_trimming(every: float = TRIM_SECONDS, *,
                   trim: Callable[[], bool] = trim_heap,
                   stop: threading.Event | None = None) -> threading.Thread | None:
    """Trim every ``every`` seconds from a daemon thread, for the life of the process
    (or until ``stop`` is set). None where there is no glibc ``malloc_trim``."""
    if trim is trim_heap and getattr(_libc(), "malloc_trim", None) is None:
        return None
    stopped = stop or threading.Event()

    def run() -> None:
        while not stopped.wait(every):
            try:
                trim()
            except Exception:  # never take the process down for a housekeeping step
                log.exception("malloc_trim failed; trimming stops")
                return

    thread = threading.Thread(target=run, name="malloc-trim", daemon=True)
    thread.start()
    return thread


def freeze_survivors() -> int:
    """Collect once, then move every survivor (modules, settings, what the start-up poll
    loaded) to the collector's permanent generation; returns how many were frozen.

    A full collection walks every object the collector tracks and holds the interpreter,
    and so the event loop, while it does. Start-up leaves most of them (about 145,000 in
    the soak), so each full collection paused the loop for 0.24-0.60 s; frozen, they are
    no longer walked (0.06-0.26 s each, ``bench/memwatch.py``'s ``gc`` samples). Memory
    did not change measurably. The collection comes first because garbage frozen with the
    rest would never be freed; a start-up object that later becomes part of a garbage
    cycle stays allocated too, at most a one-off amount, since start-up state lives as
    long as the process.
    """
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
