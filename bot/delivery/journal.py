"""Group commit for the sender's small writes.

Hundreds of channel workers each need "mark started" committed before their platform call
and "record sent" after it. One transaction per write makes SQLite writers queue on its
file lock (with sleeping busy handlers); here the writes that arrive together share one
transaction, and each caller resumes once its write is committed.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.db import SessionFactory

log = logging.getLogger(__name__)

T = TypeVar("T")
Op = Callable[[AsyncSession], Awaitable[Any]]


class Journal:
    def __init__(self, sessions: SessionFactory, *, max_batch: int = 256) -> None:
        self.sessions = sessions
        self.max_batch = max_batch
        self._pending: list[tuple[Op, asyncio.Future[Any]]] = []
        self._task: asyncio.Task[None] | None = None

    async def write(self, op: Callable[[AsyncSession], Awaitable[T]]) -> T:
        """Run ``op`` in a shared transaction; return its result once committed.

        Raises:
            Whatever ``op`` raised (it is then retried alone, so others are unaffected).
        """
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._pending.append((op, future))
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._flush(), name="outbox-journal")
        return await asyncio.shield(future)

    async def _flush(self) -> None:
        while self._pending:
            await asyncio.sleep(0)  # let the other workers of this tick add their writes
            batch = self._pending[:self.max_batch]
            del self._pending[:self.max_batch]
            try:
                async with self.sessions() as session, session.begin():
                    results = [await op(session) for op, _ in batch]
            except Exception:
                log.debug("journal: a batch of %d failed; running them one by one", len(batch))
                for op, future in batch:
                    await self._alone(op, future)
                continue
            for (_, future), result in zip(batch, results, strict=True):
                if not future.done():
                    future.set_result(result)

    async def _alone(self, op: Op, future: asyncio.Future[Any]) -> None:
        try:
            async with self.sessions() as session, session.begin():
                result = await op(session)
        except Exception as exc:
            if not future.done():
                future.set_exception(exc)
            return
        if not future.done():
            future.set_result(result)
