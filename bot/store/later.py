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
  takes it from PostgreSQL's sequence, or on SQLite from a block of ``ID_BLOCK`` ids the
  process reserved in the store's ``id_blocks`` counter (one short write per block), so
  two processes on one file never hand out the same id, and ids handed out by a process
  killed before it wrote them are not handed out again;
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

from sqlalchemy import URL, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.db import SessionFactory, create_engine

log = logging.getLogger(__name__)

#: One queued write: runs inside the writer's transaction.
Write = Callable[[AsyncSession], Awaitable[None]]

#: Rows per transaction at most.
BATCH = 256
#: Ids a process reserves at once on SQLite: one write transaction per this many answers.
ID_BLOCK = 256
#: Ids skipped when a table's counter is first seeded: a process of the version before the
#: counter counted on from the highest stored id plus this, possibly without writing.
ID_GAP = 1000
#: Reserves the block of ids ending at the returned value (exclusive); seeds the counter
#: past the table's highest id, and never moves it below that (``max`` of the two).
RESERVE = (
    "INSERT INTO id_blocks (table_name, next_id)"
    " SELECT :table, coalesce(max(id), 0) + 1 + :gap + :block FROM {table} WHERE true"
    " ON CONFLICT (table_name) DO UPDATE SET next_id ="
    " max(id_blocks.next_id, excluded.next_id - :gap - :block) + :block"
    " RETURNING next_id")


class LateWriter:
    """Writes queued rows in batches, after the replies that produced them."""

    def __init__(self, sessions: SessionFactory, *, batch: int = BATCH,
                 id_block: int = ID_BLOCK) -> None:
        self.sessions = sessions
        self.batch = batch
        self.id_block = id_block
        self._queue: list[tuple[Hashable, Write, asyncio.Future[None]]] = []
        #: The last write queued under each key (the futures resolve in queue order).
        self._last: dict[Hashable, asyncio.Future[None]] = {}
        self._task: asyncio.Task[None] | None = None
        #: Per table, the ids of the reserved block not handed out yet (SQLite).
        self._ids: dict[str, range] = {}
        #: Per table, the next block being reserved before the current one runs out.
        self._spare: dict[str, asyncio.Task[range]] = {}
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
        insert. ``session`` is only read (PostgreSQL's sequence); SQLite's blocks are
        reserved in a transaction of their own."""
        row.id = await self._allocate(session, row.__table__.name)

        async def write(target: AsyncSession) -> None:
            target.add(row)

        self.add(key, write)
        return int(row.id)

    async def reserve_ahead(self, table: str) -> None:
        """Reserve ``table``'s first block now (at start, before the store is busy), so
        that no request waits for SQLite's writer to get an id. Nothing on PostgreSQL."""
        async with self.sessions() as session:
            bind = session.bind
        if bind is None or bind.dialect.name == "postgresql":
            return
        async with self._seeding:
            if not self._ids.get(table):
                self._ids[table] = await self._reserve(bind.sync_engine.url, table)

    async def settled(self, key: Hashable) -> None:
        """Wait until what was queued under ``key`` so far is written (or given up)."""
        last = self._last.get(key)
        if last is not None:
            await asyncio.shield(last)

    async def drain(self) -> None:
        """Write everything queued (at shutdown, before the store closes), and let a
        block being reserved finish (its ids are simply not used)."""
        if self._spare:
            await asyncio.wait(list(self._spare.values()))
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
        bind = session.bind
        if bind is not None and bind.dialect.name == "postgresql":
            return int(await session.scalar(
                select(func.nextval(func.pg_get_serial_sequence(table, "id")))) or 0)
        url = bind.sync_engine.url if bind is not None else None
        async with self._seeding:
            ids = self._ids.get(table, range(0))
            if not ids:  # the process's first block, or a burst that outran the refill
                spare = self._spare.pop(table, None)
                ids = await spare if spare is not None else await self._reserve(url, table)
            self._ids[table] = ids[1:]
            if len(ids) <= self.id_block // 4 and table not in self._spare:
                # Reserved in the background: a request should not wait for the writer.
                self._spare[table] = asyncio.create_task(self._reserve(url, table),
                                                         name=f"ids-{table}")
            return ids[0]

    async def _reserve(self, url: URL | None, table: str) -> range:
        """Take the next block of ids for ``table`` in a short write of its own. A file
        gets a connection outside the pool: the requests waiting for an id each hold a
        pooled one, and a full pool would leave none for this."""
        statement = text(RESERVE.format(table=table))
        params = {"table": table, "gap": ID_GAP, "block": self.id_block}
        database = url.database or "" if url is not None else ""
        if url is None or not database or ":memory:" in database or "mode=memory" in database:
            async with self.sessions() as own, own.begin():
                end = int(await own.scalar(statement, params) or 0)
        else:
            engine = create_engine(url.render_as_string(hide_password=False),
                                   pool_size=1, max_overflow=0)
            try:
                async with engine.begin() as conn:
                    end = int(await conn.scalar(statement, params) or 0)
            finally:
                await engine.dispose()
        return range(end - self.id_block, end)


def _resolve(done: asyncio.Future[None]) -> None:
    if not done.done():
        done.set_result(None)
