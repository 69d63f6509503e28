"""Issue 19: SQLite's pages come from one block per connection, not from the shared heap.

Each check runs in a fresh interpreter: SQLite takes the setting only while nothing is
open, and the test session has opened many stores already.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

#: The store's own engine, a writer and a reader taking turns (WAL: every read after a
#: write starts with an empty page cache), then SQLite's own count of the page-cache bytes
#: it had to ``malloc`` one page at a time (``SQLITE_STATUS_PAGECACHE_OVERFLOW``: its peak
#: over what was held before the turns).
CHURN = """
import asyncio, ctypes, ctypes.util, sys
from sqlalchemy import text
from bot.store.db import SQLITE_CACHE_LINES, create_engine
from bot.store.pagecache import preallocate_page_caches

done = preallocate_page_caches(SQLITE_CACHE_LINES) if FIX else False
lib = ctypes.CDLL(ctypes.util.find_library("sqlite3"))
now, peak = ctypes.c_int64(), ctypes.c_int64()
held = []

async def main():
    engine = create_engine("sqlite:///" + sys.argv[1])
    async with engine.begin() as conn:
        await conn.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)"))
        await conn.execute(text("INSERT INTO t (body) VALUES (:b)"),
                           [{"b": "x" * 400} for _ in range(1000)])
    lib.sqlite3_status64(2, ctypes.byref(now), ctypes.byref(peak), 1)  # peak from here
    held.append(now.value)
    async with engine.connect() as writer, engine.connect() as reader:
        for n in range(30):
            await writer.execute(text("UPDATE t SET body = :b WHERE id = 1"), {"b": str(n)})
            await writer.commit()
            rows = (await reader.execute(text("SELECT body FROM t WHERE id % 7 = 0"))).all()
            assert len(rows) == 142
            await reader.commit()
    await engine.dispose()

asyncio.run(main())
lib.sqlite3_status64(2, ctypes.byref(now), ctypes.byref(peak), 0)
print(done, peak.value - held[0])
"""


def _run(script: str, *args: str) -> list[str]:
    done = subprocess.run([sys.executable, "-c", script, *args], capture_output=True,
                          text=True, timeout=120, check=True, cwd=ROOT)
    return done.stdout.split()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="shared libsqlite3")
@pytest.mark.parametrize("fix", [True, False])
def test_pages_read_after_every_write_come_from_the_connections_own_block(
        fix: bool, tmp_path: Path) -> None:
    """A read of ~100 pages after each of 30 writes: with the block, no page is taken from
    the heap one at a time but the one each connection reads as it opens; without it (the
    same script otherwise), SQLite reports hundreds of KiB of them."""
    from bot.store.pagecache import _library

    if _library() is None:
        pytest.skip("no shared libsqlite3 of Python's version")
    configured, peak = _run(f"FIX = {fix}\n" + CHURN, str(tmp_path / "bot.db"))
    if fix:
        assert configured == "True"
        assert int(peak) <= 2 * 4200  # the one page a connection reads as it opens
    else:
        assert int(peak) > 20 * 4096  # beyond the 20 lines SQLite sets aside by default


#: A connection is open: SQLite must not be restarted under it.
OPEN = """
import sqlite3
from bot.store.pagecache import preallocate_page_caches

conn = sqlite3.connect(":memory:")
conn.execute("CREATE TABLE t (x)")
refused = preallocate_page_caches(256)
conn.execute("INSERT INTO t VALUES (1)")
print(refused, conn.execute("SELECT count(*) FROM t").fetchone()[0])
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="shared libsqlite3")
def test_nothing_changes_while_a_connection_is_open() -> None:
    from bot.store.pagecache import _library

    if _library() is None:
        pytest.skip("no shared libsqlite3 of Python's version")
    assert _run(OPEN) == ["False", "1"]
