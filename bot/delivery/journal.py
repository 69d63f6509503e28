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
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, TypeVar

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.db import SessionFactory
from bot.store.models import Delivery, PostedStory

log = logging.getLogger(__name__)

T = TypeVar("T")


class RowStatus(StrEnum):
    """Where an outbox row is: ``pending -> claimed -> sent | failed | cancelled`` (a
    claimed row whose ``send_started_at`` is set has a send of unknown outcome)."""

    PENDING = "pending"
    CLAIMED = "claimed"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class Started:
    """A claimed row's request is about to leave (only while the claim is ``worker``'s)."""

    row_id: int
    worker: str
    now: datetime
    lease_until: datetime

    def params(self) -> dict[str, Any]:
        return {"b_id": self.row_id, "b_worker": self.worker, "b_now": self.now,
                "b_lease": self.lease_until}


@dataclass(frozen=True)
class Sent:
    """A row the platform took; ``posted``: (subscription, story) of a story's post."""

    row_id: int
    now: datetime
    message_id: str
    thread_id: str | None
    posted: tuple[int, int] | None

    def params(self) -> dict[str, Any]:
        return {"b_id": self.row_id, "b_now": self.now, "b_message": self.message_id,
                "b_thread": self.thread_id}


@dataclass(frozen=True)
class Op:
    """Any other write, run in the shared transaction."""

    run: Callable[[AsyncSession], Awaitable[Any]]


Write = Started | Sent | Op


@dataclass(frozen=True)
class _Entry:
    write: Write
    done: asyncio.Future[Any]

DELIVERIES: Table = Delivery.__table__  # type: ignore[assignment]
POSTED: Table = PostedStory.__table__  # type: ignore[assignment]

#: Mark a claimed row started (only while the claim is still this worker's).
STARTED = (update(DELIVERIES)
           .where(DELIVERIES.c.id == bindparam("b_id"),
                  DELIVERIES.c.status == RowStatus.CLAIMED.value,
                  DELIVERIES.c.claimed_by == bindparam("b_worker"))
           .values(send_started_at=bindparam("b_now"), attempts=DELIVERIES.c.attempts + 1,
                   lease_until=bindparam("b_lease")))
SENT = (update(DELIVERIES).where(DELIVERIES.c.id == bindparam("b_id"))
        .values(status=RowStatus.SENT.value, sent_at=bindparam("b_now"),
                message_id=bindparam("b_message"), thread_id=bindparam("b_thread"),
                claimed_by=None, lease_until=None, error=None))
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
        self._pending: list[_Entry] = []
        self._task: asyncio.Task[None] | None = None

    async def write(self, op: Callable[[AsyncSession], Awaitable[T]]) -> T:
        """Run ``op`` in a shared transaction; return its result once committed.

        Raises:
            Whatever ``op`` raised (it is then retried alone, so others are unaffected).
        """
        result: T = await self._submit(Op(op))
        return result

    async def mark_started(self, row_id: int, *, worker: str, now: datetime,
                           lease_until: datetime) -> bool:
        """Mark a row started; False when the claim is no longer ``worker``'s."""
        return bool(await self._submit(Started(row_id, worker, now, lease_until)))

    async def mark_sent(self, row_id: int, *, now: datetime, message_id: str,
                        thread_id: str | None, posted: tuple[int, int] | None) -> None:
        """Record a sent row (and, for a story post, where the story's thread is)."""
        await self._submit(Sent(row_id, now, message_id, thread_id, posted))

    async def thread_opened(self, parent_key: str, thread_id: str) -> None:
        """A post's message became a thread: its replies (and its story) go there."""

        async def op(session: AsyncSession) -> None:
            await session.execute(update(Delivery).where(Delivery.key == parent_key)
                                  .values(thread_id=thread_id))
            parent = await session.scalar(select(Delivery).where(Delivery.key == parent_key))
            if parent is not None and parent.subscription_id and parent.story_id:
                await session.execute(
                    update(PostedStory)
                    .where(PostedStory.subscription_id == parent.subscription_id,
                           PostedStory.story_id == parent.story_id)
                    .values(thread_id=thread_id))

        await self.write(op)

    async def _submit(self, write: Write) -> Any:
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending.append(_Entry(write, future))
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(
                self._flush(),
                name="outbox-journal",  # pragma: no mutate (a name to debug by; nothing reads it)
            )
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
                # Each of its writes is retried alone below. (Log text only: no mutate.)
                log.debug("journal: a batch of %d failed", len(batch))  # pragma: no mutate
                for entry in batch:
                    await self._alone(entry)
                continue
            for entry, result in zip(batch, results, strict=True):
                if not entry.done.done():
                    entry.done.set_result(result)

    async def _apply(self, session: AsyncSession, batch: list[_Entry]) -> list[Any]:
        results: list[Any] = [None] * len(batch)
        started = [(i, e.write) for i, e in enumerate(batch) if isinstance(e.write, Started)]
        sent = [e.write for e in batch if isinstance(e.write, Sent)]
        if started:
            # An UPDATE's result is a CursorResult: it has a rowcount (-1 when the driver
            # cannot count an executemany).
            if len(started) == 1:
                i, item = started[0]
                one = await session.execute(STARTED, item.params())
                results[i] = one.rowcount == 1  # type: ignore[attr-defined]
            else:
                done = await session.execute(STARTED, [item.params() for _, item in started])
                if done.rowcount == len(started):  # type: ignore[attr-defined]
                    for i, _ in started:
                        results[i] = True
                else:  # a claim was lost (or the driver cannot count): look row by row
                    rows = {r.id: r for r in (await session.execute(
                        select(DELIVERIES.c.id, DELIVERIES.c.status, DELIVERIES.c.claimed_by)
                        .where(DELIVERIES.c.id.in_([item.row_id for _, item in started]))))}
                    for i, item in started:
                        row = rows.get(item.row_id)
                        results[i] = (row is not None and row.status == RowStatus.CLAIMED
                                      and row.claimed_by == item.worker)
        if sent:
            await session.execute(SENT, [s.params() for s in sent])
            posted = [{"b_sub": s.posted[0], "b_story": s.posted[1],
                       "b_message": s.message_id, "b_thread": s.thread_id}
                      for s in sent if s.posted is not None]
            if posted:
                await session.execute(POSTED_SENT, posted)
        for i, entry in enumerate(batch):
            if isinstance(entry.write, Op):
                results[i] = await entry.write.run(session)
        return results

    async def _alone(self, entry: _Entry) -> None:
        try:
            async with self.sessions() as session, session.begin():
                (result,) = await self._apply(session, [entry])
        except Exception as exc:
            if not entry.done.done():
                entry.done.set_exception(exc)
            return
        if not entry.done.done():
            entry.done.set_result(result)
