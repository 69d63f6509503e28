"""Keep a long-running process's heap from creeping.

glibc gives threads their own malloc arenas (up to 8 per core). The bot's threads
(aiosqlite's one per connection, ``asyncio.to_thread``) each grow an arena, and memory freed
in one is not reused by the others, so RSS creeps up over hours with no Python object
growing (bench/soak.py: RSS growth after the warm-up with and without this). Two arenas are
plenty for one event loop plus a few I/O threads.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import sys

log = logging.getLogger(__name__)

#: ``mallopt`` parameter number of M_ARENA_MAX (glibc malloc.h).
M_ARENA_MAX = -8
ARENAS = 2


def limit_malloc_arenas(arenas: int = ARENAS) -> bool:
    """Cap glibc's malloc arenas; MUST run before threads start. False where not glibc."""
    if not sys.platform.startswith("linux"):
        return False
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    try:
        libc = ctypes.CDLL(name)
        return bool(libc.mallopt(M_ARENA_MAX, arenas))
    except (OSError, AttributeError):  # musl and others have no mallopt: nothing to cap
        log.debug("malloc arenas not capped: no glibc mallopt")
        return False
