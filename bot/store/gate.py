"""One writer at a time, in order, for a SQLite store shared by many tasks of one process.

SQLite has a single writer lock. A connection that finds it taken waits in SQLite's busy
handler, which sleeps and polls (1, 2, 5 ... then 100 ms at a time): with dozens of tasks
writing at once (300 channels subscribing, answers logged, the sender's journal), the lock
sits free while every waiter sleeps, and who gets it next is luck, so a short write can
wait seconds behind later ones (issue 19: answer p99). The gate queues this process's
writers on an ``asyncio.Lock`` instead (first come, first served, woken at once) from the
first write statement of a transaction to its commit or rollback. Reads never wait for it
(WAL). Other processes on the same file still meet SQLite's own lock and busy timeout.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
import weakref
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.pool import ConnectionPoolEntry
from sqlalchemy.util import await_only

#: Statements that make pysqlite open a write transaction (its implicit ``BEGIN``).
WRITES = re.compile(r"\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)
#: Key in a pooled connection's ``info``: this connection holds the gate.
HELD = "ceasefire_writer_gate"
#: Seconds a writer waits for the gate, as long as SQLite's own busy timeout (db.py).
WAIT = 30.0

_GATES: weakref.WeakKeyDictionary[Engine, WriterGate] = weakref.WeakKeyDictionary()


def gate_of(engine: AsyncEngine) -> WriterGate | None:
    """The gate installed on ``engine`` (None: not SQLite)."""
    return _GATES.get(engine.sync_engine)


class WriterGate:
    """An ``asyncio.Lock`` taken by a connection's first write and released when its
    transaction ends (see the module docstring)."""

    def __init__(self, wait: float = WAIT) -> None:
        self.wait = wait
        self._lock = asyncio.Lock()

    @property
    def queued(self) -> int:
        """Writers waiting for their turn."""
        waiters = getattr(self._lock, "_waiters", None)
        return len(waiters) if waiters else 0

    def install(self, engine: AsyncEngine) -> None:
        sync = engine.sync_engine
        _GATES[sync] = self
        event.listen(sync, "before_cursor_execute", self._before_execute)
        event.listen(sync, "commit", self._end)
        event.listen(sync, "rollback", self._end)
        # A connection given back or dropped mid-transaction lets go too.
        event.listen(sync.pool, "checkin", self._checkin)
        event.listen(sync.pool, "invalidate", self._invalidate)

    def _before_execute(self, conn: Connection, _cursor: Any, statement: str,
                        _parameters: Any, _context: Any, _executemany: bool) -> None:
        if conn.info.get(HELD) or not WRITES.match(statement):
            return
        try:
            await_only(asyncio.wait_for(self._lock.acquire(), self.wait))
        except TimeoutError:
            raise OperationalError(statement, None, sqlite3.OperationalError(
                f"database is locked (no turn to write within {self.wait:g} s)")) from None
        conn.info[HELD] = True

    def _end(self, conn: Connection) -> None:
        self._release(conn.info)

    def _checkin(self, _dbapi: Any, record: ConnectionPoolEntry) -> None:
        self._release(record.info)

    def _invalidate(self, _dbapi: Any, record: ConnectionPoolEntry, _exc: Any) -> None:
        self._release(record.info)

    def _release(self, info: dict[Any, Any]) -> None:
        if info.pop(HELD, False) and self._lock.locked():
            self._lock.release()
