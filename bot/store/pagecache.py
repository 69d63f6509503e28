"""Give each SQLite connection its page cache in one block, taken once, reused for good.

In WAL mode a connection drops its whole page cache whenever another connection has
written since its last read, which in the bot is nearly every read (the sender journals
every few milliseconds). SQLite then reads the pages again, each into a fresh ~4 KiB
``malloc`` beyond the 20 it sets aside per connection, and frees them at the next reset:
thousands of page-sized blocks an hour pass through glibc's main heap among long-lived
Python objects, and leave holes there (bench/soak.py: ``main_free`` in its
``memory_components``). SQLite can instead set aside the whole cache of a connection in
one allocation (``SQLITE_CONFIG_PAGECACHE`` with no buffer and N lines): at 1 MiB it is
above ``bot.memory.MMAP_THRESHOLD``, so it gets its own mapping, only the pages touched
count in RSS, and pages freed on a reset go back to that connection's own free list.

Python's ``sqlite3`` initialises SQLite when imported, and SQLite takes this setting only
before initialising, so this shuts SQLite down and starts it again: safe only while no
connection is open, which is checked (SQLite holds no memory at all then). Call it at the
start of the process, before the store opens.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import sqlite3
import sys
import threading

log = logging.getLogger(__name__)

#: ``sqlite3_config`` option (sqlite3.h).
SQLITE_CONFIG_PAGECACHE = 7

_lock = threading.Lock()
_done: set[int] = set()


def _library() -> ctypes.CDLL | None:
    """The libsqlite3 that Python's ``sqlite3`` uses, or None (another platform, a copy
    linked into Python itself, a different version)."""
    if not sys.platform.startswith("linux"):
        return None
    name = ctypes.util.find_library("sqlite3")
    if name is None:
        return None
    try:
        lib = ctypes.CDLL(name)
        lib.sqlite3_libversion.restype = ctypes.c_char_p
        if lib.sqlite3_libversion().decode() != sqlite3.sqlite_version:
            return None
        lib.sqlite3_memory_used.restype = ctypes.c_int64
        lib.sqlite3_config.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_int,
                                       ctypes.c_int]
    except (OSError, AttributeError):
        return None
    return lib


def preallocate_page_caches(lines: int) -> bool:
    """Make every SQLite connection opened from now on take ``lines`` page-cache lines in
    one block. Idempotent. False when not done (no shared libsqlite3, or SQLite already
    holds memory: a connection may be open)."""
    with _lock:
        if lines in _done:
            return True
        lib = _library()
        if lib is None or lib.sqlite3_memory_used() != 0:
            return False
        if lib.sqlite3_shutdown() != 0:
            return False
        configured = lib.sqlite3_config(SQLITE_CONFIG_PAGECACHE, None, 0, lines) == 0
        if lib.sqlite3_initialize() != 0:  # the next open would try again on its own
            log.warning("SQLite did not start again after its page cache was configured")
        if configured:
            _done.add(lines)
        return configured
