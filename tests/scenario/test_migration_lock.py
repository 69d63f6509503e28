"""Two processes starting together on a fresh SQLite file upgrade one after another
(issue 13, item 6: without the lock the second failed with "table ... already exists")."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import bot.store.db as db
from bot.errors import StoreError

#: Each process says it is ready (imported), waits for the "go" file, then opens (and so
#: migrates) the store.
SCRIPT = """
import asyncio, sys, time
from pathlib import Path
from bot.store.db import open_store, sqlite_url

go = Path(sys.argv[2])
Path(sys.argv[3]).touch()
while not go.exists():
    time.sleep(0.005)

async def main() -> None:
    async with open_store(sqlite_url(Path(sys.argv[1]))):
        pass

asyncio.run(main())
print("migrated")
"""


def test_two_processes_migrate_a_fresh_file_one_after_another(tmp_path: Path) -> None:
    database = tmp_path / "fresh.db"
    go = tmp_path / "go"
    root = Path(__file__).resolve().parents[2]
    ready = [tmp_path / f"ready{n}" for n in range(2)]
    procs = [subprocess.Popen([sys.executable, "-c", SCRIPT, str(database), str(go), str(r)],
                              cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for r in ready]
    deadline = time.monotonic() + 120
    while not all(r.exists() for r in ready):  # every interpreter imported, at the barrier
        assert time.monotonic() < deadline and all(p.poll() is None for p in procs), \
            [p.poll() for p in procs]
        time.sleep(0.005)
    go.touch()
    results = [p.communicate(timeout=120) for p in procs]
    for proc, (out, err) in zip(procs, results, strict=True):
        assert proc.returncode == 0, err[-2000:]
        assert out.strip() == "migrated"
    with sqlite3.connect(database) as conn:
        versions = [row[0] for row in conn.execute("SELECT version_num FROM alembic_version")]
        tables = {row[0] for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert len(versions) >= 1 and {"answers", "feeds", "feed_owners"} <= tables


async def test_a_store_opens_while_another_connection_holds_a_new_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another process writing a new file (not yet WAL) answers the change to WAL "database
    is locked" at once, without SQLite's busy wait: the opening tries again
    (``WAL_TRIES``) and opens once the other is done. With one try it fails."""
    database = tmp_path / "new.db"
    ready, release = threading.Event(), threading.Event()

    def other_process() -> None:
        conn = sqlite3.connect(database, isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("CREATE TABLE other_bots_table (x)")
        ready.set()
        release.wait(10)
        conn.execute("COMMIT")
        conn.close()

    for tries, opens in ((1, False), (db.WAL_TRIES, True)):
        database.unlink(missing_ok=True)
        ready.clear()
        release.clear()
        monkeypatch.setattr(db, "WAL_TRIES", tries)
        holder = threading.Thread(target=other_process)
        holder.start()
        assert ready.wait(10)
        threading.Timer(0.3, release.set).start()
        try:
            async with db.open_store(db.sqlite_url(database)):
                pass
        except StoreError as exc:
            assert not opens and "locked" in str(exc)
        else:
            assert opens
        release.set()
        holder.join(10)
