"""New subscriptions written together: channels subscribing at the same moment share one
transaction, and the reads it needs.

Each new subscription and its welcome (``PostedStory`` and the outbox rows) must be one
transaction, so that a crash leaves both or neither, and a channel is confirmed only once
that transaction is committed. Written one by one, a burst (300 channels typing
``subscribe`` in the same minute) queues 300 transactions on the store's single writer
(SQLite) while every channel's confirmation waits; read one by one (is the channel
subscribed already? the latest story for its welcome), it first makes 600 queries, each a
trip through a pooled connection's thread. Here a request only queues its subscription;
one writer task takes everything queued (group commit, after a few milliseconds for the
rest of a burst to arrive), reads once for all of it (which channels already have a
subscription, the welcome per language), then writes it in a few statements; requests
arriving during those reads (a welcome not built yet takes a while) are read too and join
the same write. A channel found subscribed is handed back to its request, which updates
it. If a write fails (a channel subscribed meanwhile by another process: the unique key),
each of its subscriptions is written alone, so only that one fails.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Set
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, inspect, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.delivery.fanout import Welcome, briefing_rows
from bot.delivery.outbox import Outgoing, enqueue
from bot.model import Lang
from bot.store.db import SessionFactory
from bot.store.models import PostedStory, Subscription

log = logging.getLogger(__name__)

#: Subscriptions per transaction at most (a burst of 300 is two or three transactions).
BATCH = 512
#: Seconds the writer waits after the first arrival for the rest of a burst: the requests
#: of one burst reach the handler a few at a time, and each transaction costs a turn at
#: the writer lock.
GATHER = 0.005

#: Reads the welcome in a language: ``WelcomeCache.fetch`` (None: no story yet).
Prepare = Callable[[AsyncSession, Lang], Awaitable[Welcome | None]]

#: What ``add`` returns for a channel that already has a subscription.
EXISTS = -1


@dataclass(frozen=True)
class NewSubscription:
    """A subscription to insert, with a welcome in ``lang``."""

    #: Where: one subscription per platform and channel.
    target: tuple[str, str]
    #: Builds the subscription (a fresh object for each attempt).
    build: Callable[[], Subscription]
    lang: Lang


class SubscriptionWriter:
    """Writes new subscriptions in batches (see the module docstring)."""

    def __init__(self, *, gather: float = GATHER) -> None:
        self.gather = gather
        self._queue: list[Queued] = []
        self._writer: asyncio.Task[None] | None = None
        #: Transactions written (batches and single retries), for tests and metrics.
        self.transactions = 0

    async def add(self, sessions: SessionFactory, new: NewSubscription, now: datetime,
                  prepare: Prepare) -> int:
        """Insert ``new`` and its welcome, with whatever else is waiting.

        Returns:
            The welcome's outbox rows added (0: there was no story to welcome with), or
            ``EXISTS``: the channel has a subscription already (nothing written).

        Raises:
            sqlalchemy.exc.IntegrityError: the channel got a subscription meanwhile.
        """
        written: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self._queue.append((new, now, written))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_queued(sessions, prepare),
                                               name="new-subscriptions")
        return await written

    async def _write_queued(self, sessions: SessionFactory, prepare: Prepare) -> None:
        await asyncio.sleep(self.gather)
        while self._queue:
            batch: list[Queued] = []
            welcomes: dict[tuple[str, str], Welcome | None] = {}
            # The reads take a while (a welcome not built yet is built): what arrives
            # meanwhile is read too and joins this write rather than waiting for the next.
            while self._queue and len(batch) < BATCH:
                more, self._queue = _first_per_target(
                    self._queue, taken={new.target for new, _, _ in batch},
                    room=BATCH - len(batch))
                if not more:
                    break
                try:
                    existing, by_lang = await self._read(sessions, [new for new, _, _ in more],
                                                         prepare)
                except Exception as exc:
                    for _, _, written in more:
                        _settle(written, error=exc)
                    continue
                for item in more:
                    new, _, written = item
                    if new.target in existing:
                        _settle(written, result=EXISTS)
                    else:
                        batch.append(item)
                        welcomes[new.target] = by_lang[new.lang]
            if batch:
                await self._write_batch(sessions, batch, welcomes)

    async def _write_batch(self, sessions: SessionFactory, batch: list[Queued],
                           welcomes: dict[tuple[str, str], Welcome | None]) -> None:
        now = max(when for _, when, _ in batch)
        try:
            added = await self._write(sessions, [new for new, _, _ in batch], now, welcomes)
        except Exception as exc:
            if len(batch) == 1:
                _settle(batch[0][2], error=exc)
                return
            log.info("%d new subscriptions could not be written together (%s); "
                     "writing each alone", len(batch), exc)
            for new, when, written in batch:  # one bad one must not fail the others
                try:
                    _settle(written,
                            result=(await self._write(sessions, [new], when, welcomes))[0])
                except Exception as exc:
                    _settle(written, error=exc)
            return
        for (_, _, written), count in zip(batch, added, strict=True):
            _settle(written, result=count)

    @staticmethod
    async def _read(sessions: SessionFactory, news: list[NewSubscription],
                    prepare: Prepare) -> tuple[set[tuple[str, str]],
                                               dict[Lang, Welcome | None]]:
        """Before the first write (which takes SQLite's writer lock until commit), side by
        side: the channels of ``news`` already subscribed, and the welcome per language."""
        async def subscribed() -> set[tuple[str, str]]:
            found: set[tuple[str, str]] = set()
            async with sessions() as session:
                for platform in sorted({new.target[0] for new in news}):
                    channels = [new.target[1] for new in news if new.target[0] == platform]
                    found.update((platform, channel) for channel in await session.scalars(
                        select(Subscription.channel_id).where(
                            Subscription.platform == platform,
                            Subscription.channel_id.in_(channels))))
            return found

        async def welcome(lang: Lang) -> Welcome | None:
            async with sessions() as session:
                return await prepare(session, lang)

        langs = sorted({new.lang for new in news})
        existing, loaded = await asyncio.gather(subscribed(),
                                                asyncio.gather(*map(welcome, langs)))
        return existing, dict(zip(langs, loaded, strict=True))

    async def _write(self, sessions: SessionFactory, news: list[NewSubscription],
                     now: datetime,
                     welcomes: dict[tuple[str, str], Welcome | None]) -> list[int]:
        """One transaction: the subscriptions, where each was welcomed, the welcomes' rows.
        Statements for all of them at once (an ORM flush of a few hundred objects held
        the writer lock for most of a second on a loaded host)."""
        self.transactions += 1
        subs = [new.build() for new in news]
        parts = {id(welcome): welcome.briefing.parts()
                 for welcome in welcomes.values() if welcome is not None}
        async with sessions() as session, session.begin():
            # RETURNING names each row's channel: asking SQLAlchemy to keep the parameters'
            # order instead makes it insert row by row on SQLite (a thread hop each).
            ids = {(platform, channel): sub_id for sub_id, platform, channel in (
                await session.execute(insert(Subscription).returning(
                    Subscription.id, Subscription.platform, Subscription.channel_id),
                    [_columns(sub) for sub in subs])).tuples()}
            for sub in subs:
                sub.id = ids[(sub.platform, sub.channel_id)]  # never in a session: for keys
            posted: list[dict[str, Any]] = []
            rows: list[Outgoing] = []
            counts = []
            for sub, new in zip(subs, news, strict=True):
                welcome = welcomes[new.target]
                if welcome is None:
                    counts.append(0)
                    continue
                story = welcome.story
                posted.append({"subscription_id": sub.id, "story_id": story.id,
                               "platform": sub.platform, "channel_id": sub.channel_id,
                               "revision": story.revision,
                               "said": list(welcome.briefing.key_points), "posted_at": now})
                welcome_parts = briefing_rows(sub, welcome.briefing, parts[id(welcome)])
                rows += welcome_parts
                counts.append(len(welcome_parts))
            if posted:
                await session.execute(insert(PostedStory), posted)
            await enqueue(session, rows, now)
        return counts


def _columns(sub: Subscription) -> dict[str, Any]:
    """The column values set on a new ``sub`` (the rest take their defaults)."""
    state = inspect(sub)
    return {attr.key: attr.value for attr in state.attrs
            if attr.key in SUBSCRIPTION_COLUMNS and attr.key in state.dict}


SUBSCRIPTION_COLUMNS = frozenset(Subscription.__table__.columns.keys()) - {"id"}


Queued = tuple[NewSubscription, datetime, "asyncio.Future[int]"]


def _first_per_target(queue: list[Queued], *, taken: Set[tuple[str, str]] = frozenset(),
                      room: int = BATCH) -> tuple[list[Queued], list[Queued]]:
    """What to read and write now (at most ``room``, one per channel, none of ``taken``,
    in arrival order) and what waits for the next write (the same channel again finds
    the first one's subscription and updates it)."""
    now: list[Queued] = []
    later: list[Queued] = []
    seen = set(taken)
    for item in queue:
        (later if item[0].target in seen or len(now) >= room else now).append(item)
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
