"""New subscriptions written together: channels subscribing at the same moment share one
transaction.

Each new subscription and its welcome (``PostedStory`` and the outbox rows) must be one
transaction, so that a crash leaves both or neither. Written one by one, a burst (300
channels typing ``subscribe`` in the same minute) queues 300 transactions on the store's
single writer (SQLite), each holding it for four round trips to the database thread, while
every channel's confirmation waits. Here the subscriptions that arrive while a write is in
progress are written by the next one, all of them in a few statements (one multi-row
insert per table), and each keeps its own guarantee: its subscription and welcome are in
the same transaction. If a batch fails (a channel subscribed meanwhile by another request:
the unique key), each of its subscriptions is written alone, so only that one fails.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from bot.delivery.fanout import Welcome, welcome_rows
from bot.delivery.outbox import Outgoing, enqueue
from bot.store.db import SessionFactory
from bot.store.models import Subscription

log = logging.getLogger(__name__)

#: Subscriptions per transaction: each confirmation waits for its batch's commit, so a
#: burst of 300 is confirmed a batch at a time rather than all at the end.
BATCH = 32


@dataclass(frozen=True)
class NewSubscription:
    """A subscription to insert and the welcome read and built for it beforehand."""

    #: Where: one subscription per platform and channel.
    target: tuple[str, str]
    #: Builds the subscription (a fresh object for each attempt).
    build: Callable[[], Subscription]
    #: From ``prepare_welcome`` in the subscription's language (None: no story yet).
    prepared: Welcome | None


class SubscriptionWriter:
    """Writes new subscriptions in batches (see the module docstring)."""

    def __init__(self) -> None:
        self._queue: list[Queued] = []
        self._writer: asyncio.Task[None] | None = None
        #: Transactions written (batches and single retries), for tests and metrics.
        self.transactions = 0

    async def add(self, sessions: SessionFactory, new: NewSubscription,
                  now: datetime) -> int:
        """Insert ``new`` and its welcome, with whatever else is waiting.

        Returns:
            The welcome's outbox rows added (0: there was no story to welcome with).

        Raises:
            sqlalchemy.exc.IntegrityError: the channel got a subscription meanwhile.
        """
        written: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self._queue.append((new, now, written))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_queued(sessions),
                                               name="new-subscriptions")
        return await written

    async def _write_queued(self, sessions: SessionFactory) -> None:
        while self._queue:
            batch, self._queue = _first_per_target(self._queue)
            now = max(when for _, when, _ in batch)
            try:
                added = await self._write(sessions, [new for new, _, _ in batch], now)
            except Exception as exc:
                if len(batch) == 1:
                    _settle(batch[0][2], error=exc)
                    continue
                log.info("%d new subscriptions could not be written together (%s); "
                         "writing each alone", len(batch), exc)
                for new, when, written in batch:  # one bad one must not fail the others
                    try:
                        _settle(written,
                                result=(await self._write(sessions, [new], when))[0])
                    except Exception as exc:
                        _settle(written, error=exc)
                continue
            for (_, _, written), count in zip(batch, added, strict=True):
                _settle(written, result=count)

    async def _write(self, sessions: SessionFactory, news: list[NewSubscription],
                     now: datetime) -> list[int]:
        self.transactions += 1
        async with sessions() as session, session.begin():
            subs = [new.build() for new in news]
            session.add_all(subs)
            await session.flush()  # one multi-row insert: the ids the welcome keys need
            rows: list[Outgoing] = []
            counts = []
            for sub, new in zip(subs, news, strict=True):
                welcome = welcome_rows(session, sub, now, new.prepared)
                rows += welcome
                counts.append(len(welcome))
            await enqueue(session, rows, now)
        return counts


Queued = tuple[NewSubscription, datetime, "asyncio.Future[int]"]


def _first_per_target(queue: list[Queued]) -> tuple[list[Queued], list[Queued]]:
    """The batch to write now (at most ``BATCH``, one per channel, in arrival order) and
    what waits for the next one (the same channel again finds the first one's
    subscription and updates it)."""
    now: list[Queued] = []
    later: list[Queued] = []
    seen: set[tuple[str, str]] = set()
    for item in queue:
        (later if item[0].target in seen or len(now) >= BATCH else now).append(item)
        seen.add(item[0].target)
    return now, later


def _settle(written: asyncio.Future[int], *, result: int = 0,
            error: BaseException | None = None) -> None:
    if written.done():  # its request was cancelled meanwhile
        return
    if error is not None:
        written.set_exception(error)
    else:
        written.set_result(result)
