"""Group commit for the sender's small writes.

Hundreds of channel workers each need "mark started" committed before their platform call
and "record sent" after it. One transaction per write makes SQLite writers queue on its
file lock (with sleeping busy handlers), and one statement per write pays a thread hop
each; here the writes that arrive together share one transaction, the two frequent kinds
go out as one ``executemany`` each, and each caller resumes once its write is committed.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.db import SessionFactory
from bot.store.models import Delivery, PostedStory

log = logging.getLogger(__name__)

T = TypeVar("T")
Op = Callable[[AsyncSession], Awaitable[Any]]

DELIVERIES: Table = Delivery.__table__  # type: ignore[assignment]
POSTED: Table = PostedStory.__table__  # type: ignore[assignment]

#: Mark a claimed row started (only while the claim is still this worker's).
STARTED = (update(DELIVERIES)
           .where(DELIVERIES.c.id == bindparam("b_id"), DELIVERIES.c.status == "claimed",
                  DELIVERIES.c.claimed_by == bindparam("b_worker"))
           .values(send_started_at=bindparam("b_now"), attempts=DELIVERIES.c.attempts + 1,
                   lease_until=bindparam("b_lease")))
SENT = (update(DELIVERIES).where(DELIVERIES.c.id == bindparam("b_id"))
        .values(status="sent", sent_at=bindparam("b_now"), message_id=bindparam("b_message"),
                thread_id=bindparam("b_thread"), claimed_by=None, lease_until=None,
                error=None))
POSTED_SENT = (update(POSTED)
               .where(POSTED.c.subscription_id == bindparam("b_sub"),
                      POSTED.c.story_id == bindparam("b_story"),
                      POSTED.c.message_id.is_(None))
               .values(message_id=bindparam("b_message"), thread_id=bindparam("b_thread")))


#: Writes per transaction. Small enough that the first sends of a fan-out start after a
#: short commit and later commits overlap with sends in flight (bench/fanout.py, Slack
#: profile: 1.10x the minimum at 64, 1.15x at 128, 1.18x at 512).
MAX_BATCH = 64


class Journal:
    def __init__(self, sessions: SessionFactory, *, max_batch: int = MAX_BATCH) -> None:
        self.sessions = sessions
        self.max_batch = max_batch
        self._pending: list[tuple[str, Any, asyncio.Future[Any]]] = []
        self._task: asyncio.Task[None] | None = None

    async def write(self, op: Callable[[AsyncSession], Awaitable[T]]) -> T:
        """Run ``op`` in a shared transaction; return its result once committed.

        Raises:
            Whatever ``op`` raised (it is then retried alone, so others are unaffected).
        """
        result: T = await self._submit("op", op)
        return result

    async def mark_started(self, row_id: int, *, worker: str, now: datetime,
                           lease_until: datetime) -> bool:
        """Mark a row started; False when the claim is no longer ``worker``'s."""
        return bool(await self._submit("started", {
            "b_id": row_id, "b_worker": worker, "b_now": now, "b_lease": lease_until}))

    async def mark_sent(self, row_id: int, *, now: datetime, message_id: str,
                        thread_id: str | None, posted: tuple[int, int] | None) -> None:
        """Record a sent row (and, for a story post, where the story's thread is)."""
        await self._submit("sent", {"b_id": row_id, "b_now": now, "b_message": message_id,
                                    "b_thread": thread_id, "posted": posted})

    async def _submit(self, kind: str, item: Any) -> Any:
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending.append((kind, item, future))
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
                    results = await self._apply(session, batch)
            except Exception:
                log.debug("journal: a batch of %d failed; running them one by one", len(batch))
                for entry in batch:
                    await self._alone(entry)
                continue
            for (_, _, future), result in zip(batch, results, strict=True):
                if not future.done():
                    future.set_result(result)

    async def _apply(self, session: AsyncSession,
                     batch: list[tuple[str, Any, asyncio.Future[Any]]]) -> list[Any]:
        results: list[Any] = [None] * len(batch)
        started = [(i, item) for i, (kind, item, _) in enumerate(batch) if kind == "started"]
        sent = [item for kind, item, _ in batch if kind == "sent"]
        if started:
            if len(started) == 1:
                i, item = started[0]
                one = await session.execute(STARTED, item)
                results[i] = int(getattr(one, "rowcount", 0) or 0)
            else:
                done = await session.execute(STARTED, [item for _, item in started])
                if getattr(done, "rowcount", -1) == len(started):
                    for i, _ in started:
                        results[i] = 1
                else:  # a claim was lost (or the driver cannot count): look row by row
                    rows = {r.id: r for r in (await session.execute(
                        select(DELIVERIES.c.id, DELIVERIES.c.status, DELIVERIES.c.claimed_by)
                        .where(DELIVERIES.c.id.in_([item["b_id"] for _, item in started]))))}
                    for i, item in started:
                        row = rows.get(item["b_id"])
                        results[i] = int(row is not None and row.status == "claimed"
                                         and row.claimed_by == item["b_worker"])
        if sent:
            await session.execute(SENT, [{k: v for k, v in s.items() if k != "posted"}
                                         for s in sent])
            posted = [{"b_sub": s["posted"][0], "b_story": s["posted"][1],
                       "b_message": s["b_message"], "b_thread": s["b_thread"]}
                      for s in sent if s["posted"] is not None]
            if posted:
                await session.execute(POSTED_SENT, posted)
        for i, (kind, item, _) in enumerate(batch):
            if kind == "op":
                results[i] = await item(session)
        return results

    async def _alone(self, entry: tuple[str, Any, asyncio.Future[Any]]) -> None:
        _, _, future = entry
        try:
            async with self.sessions() as session, session.begin():
                (result,) = await self._apply(session, [entry])
        except Exception as exc:
            if not future.done():
                future.set_exception(exc)
            return
        if not future.done():
            future.set_result(result)
