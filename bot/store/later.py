"""Rows a reply need not wait for (the answer log, the asker's visit), written after it.

On SQLite every write waits for the store's single writer, which a digest, a fan-out or the
sender's journal may hold for a while; a reply that first wrote its answer-log row waited
with them (the soak's digest minutes: handler p99 of seconds with an idle loop). Nothing
about the reply's exactly-once depends on these rows (its key comes from the request), so
they are queued here and written by one background task, everything queued meanwhile in
one transaction. What must still hold:

* the next request of the same conversation sees them: ``settled(key)`` waits for the
  writes queued under that key (the app calls it before a request is handled);
* an answer's id is known before its row is written (its buttons carry it): ``insert``
  takes it from PostgreSQL's sequence, or on SQLite (one process) counts on from the
  highest stored id plus ``ID_GAP``, so ids handed out by a process killed before it wrote
  them are not handed out again;
* SIGTERM loses nothing: ``drain`` writes what is queued (the runtime calls it before the
  store closes); SIGKILL loses at most what was queued, never a reply;
* nothing ends silently: a failed batch is written row by row, a row that still fails is
  logged, and a writer task that dies is logged and started again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Hashable
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.db import SessionFactory

log = logging.getLogger(__name__)

#: One queued write: runs inside the writer's transaction.
Write = Callable[[AsyncSession], Awaitable[None]]

#: Rows per transaction at most.
BATCH = 256
#: Ids skipped at each start on SQLite (more than a process ever has queued).
ID_GAP = 1000


class LateWriter:
    """Writes queued rows in batches, after the replies that produced them."""

    def __init__(self, sessions: SessionFactory, *, batch: int = BATCH) -> None:
        self.sessions = sessions
        self.batch = batch
        self._queue: list[tuple[Hashable, Write, asyncio.Future[None]]] = []
        #: The last write queued under each key (the futures resolve in queue order).
        self._last: dict[Hashable, asyncio.Future[None]] = {}
        self._task: asyncio.Task[None] | None = None
        self._next_id: dict[str, int] = {}
        self._seeding = asyncio.Lock()
        #: Transactions committed and rows that could not be written (tests, logs).
        self.transactions = 0
        self.failed = 0

    def add(self, key: Hashable, write: Write) -> None:
        """Queue ``write`` under ``key`` (the conversation whose next request must see it)."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._queue.append((key, write, done))
        self._last[key] = done
        done.add_done_callback(lambda _: self._forget(key, done))
        self._start()

    async def insert(self, session: AsyncSession, key: Hashable, row: Any) -> int:
        """Give ``row`` (a new ORM object with an integer ``id``) its id now and queue its
        insert. ``session`` is only read (PostgreSQL's sequence, SQLite's highest id)."""
        row.id = await self._allocate(session, row.__table__.name)

        async def write(target: AsyncSession) -> None:
            target.add(row)

        self.add(key, write)
        return int(row.id)

    async def settled(self, key: Hashable) -> None:
        """Wait until what was queued under ``key`` so far is written (or given up)."""
        last = self._last.get(key)
        if last is not None:
            await asyncio.shield(last)

    async def drain(self) -> None:
        """Write everything queued (at shutdown, before the store closes)."""
        while self._queue or (self._task is not None and not self._task.done()):
            if self._task is None or self._task.done():
                self._start()
            assert self._task is not None
            await asyncio.wait([self._task])

    def _forget(self, key: Hashable, done: asyncio.Future[None]) -> None:
        if self._last.get(key) is done:
            del self._last[key]

    def _start(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name="late-writes")
            self._task.add_done_callback(self._ended)

    def _ended(self, task: asyncio.Task[None]) -> None:
        """The writer stops when the queue is empty; any other end is logged and the
        writer started again for what is still queued."""
        if task.cancelled():
            log.error("late writer cancelled with %d rows queued", len(self._queue))
        elif task.exception() is not None:
            log.error("late writer died; starting it again", exc_info=task.exception())
        if self._queue and task is self._task:
            try:
                self._start()
            except RuntimeError:  # the loop is closing: drain() is the last chance
                log.error("late writer not restarted: %d rows queued", len(self._queue))

    async def _run(self) -> None:
        while self._queue:
            batch, self._queue = self._queue[:self.batch], self._queue[self.batch:]
            try:
                await self._write([write for _, write, _ in batch])
            except asyncio.CancelledError:
                self._queue[:0] = batch  # not written: back in line for a restart or drain
                raise
            except Exception:
                if len(batch) == 1:
                    self._give_up()
                else:  # one bad row must not lose the others
                    log.info("%d late rows could not be written together; writing each "
                             "alone", len(batch), exc_info=True)
                    for _, write, done in batch:
                        try:
                            await self._write([write])
                        except Exception:
                            self._give_up()
                        _resolve(done)
            for _, _, done in batch:
                _resolve(done)

    def _give_up(self) -> None:
        self.failed += 1
        log.exception("a late row could not be written")

    async def _write(self, writes: list[Write]) -> None:
        async with self.sessions() as session, session.begin():
            for write in writes:
                await write(session)
        self.transactions += 1

    async def _allocate(self, session: AsyncSession, table: str) -> int:
        if session.bind is not None and session.bind.dialect.name == "postgresql":
            return int(await session.scalar(
                select(func.nextval(func.pg_get_serial_sequence(table, "id")))) or 0)
        async with self._seeding:
            if table not in self._next_id:
                highest = await session.scalar(text(f"SELECT max(id) FROM {table}"))
                self._next_id[table] = int(highest or 0) + ID_GAP
            self._next_id[table] += 1
            return self._next_id[table]


def _resolve(done: asyncio.Future[None]) -> None:
    if not done.done():
        done.set_result(None)
