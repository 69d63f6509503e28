"""The sender: claims outbox rows and sends them through the platform adapters.

Each row moves ``pending -> claimed -> (started) -> sent | failed | cancelled``:

* rows of one channel go out in order, one at a time; channels proceed in parallel, paced
  by the adapter's declared limits (per channel and global) so a 429 is rare;
* a thread reply is sent only once its parent has a platform message id, into the parent's
  thread; if the parent failed for good the reply is cancelled, never posted top-level;
* a row linking to another (a follow-up's short update post, linking to the story's first
  post) waits likewise, then goes out top-level with the platform's link to that message;
  if that message failed for good it goes out without the link;
* ``send_started_at`` is committed once the row holds its rate-limit slot, just before the
  platform call (a row still queued for a slot is not started). A row found started (after a
  crash, a timeout or a 5xx) has an unknown outcome: the platform is asked with
  ``find_sent`` first, and the send itself carries the delivery key (platform idempotency),
  so a message the platform already accepted is never posted twice;
* transient failures go back to pending with backoff; permanent ones fail the row, pause
  the subscription, cancel its queue and tell the subscriber once.

The steps live in their own modules: ``claim`` (take rows, queue them per channel),
``prepare`` (what a row needs before it can go), ``send`` (the platform calls, in their
slots), ``journal`` (the group-committed writes) and ``failure``; this module runs them.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import timedelta

from sqlalchemy import select, update

from bot.clock import Clock
from bot.delivery import outbox
from bot.delivery.claim import ChannelKey, ClaimBook, Claimed, claim_rows
from bot.delivery.failure import Outcome, record_failure
from bot.delivery.journal import Journal, RowStatus
from bot.delivery.pacing import Pacer, Window
from bot.delivery.prepare import Hold, PartCache, PostedMessage, Prepared, Preparer, SentPosts
from bot.delivery.send import REPLY_PREFIX, Call, Delivered
from bot.errors import PlatformError
from bot.platforms.base import PlatformAdapter
from bot.store.db import SessionFactory
from bot.store.models import Delivery

log = logging.getLogger(__name__)

#: Seconds a woken sender waits for more wake-ups before claiming again.
CLAIM_GAP = 0.05


class Sender:
    def __init__(self, sessions: SessionFactory, platforms: Mapping[str, PlatformAdapter],
                 clock: Clock, *, worker: str | None = None, batch: int = 5000,
                 on_sent: Callable[[str, bool], None] | None = None,
                 lease: timedelta = outbox.LEASE,
                 shared: Callable[[str, int, float], Window] | None = None,
                 channels_per_claim: int | None = None) -> None:
        self.sessions = sessions
        self.platforms = dict(platforms)
        self.clock = clock
        self.worker = worker or f"sender-{uuid.uuid4().hex[:8]}"
        self.batch = batch
        self.on_sent = on_sent
        #: Claims last this long unless renewed (renewed every third of it while held).
        self.lease = lease
        #: (platform, calls, period) -> a global window shared by every process.
        self.shared = shared
        #: Take at most this many channels per claim (several processes share the work).
        self.channels_per_claim = channels_per_claim
        self.wakeup = asyncio.Event()
        self.sent = 0
        self.failed = 0
        self.journal = Journal(sessions)
        self._pacers: dict[str, Pacer] = {}
        self._book = ClaimBook()
        self._posts = SentPosts()
        self._parts = PartCache()
        self._preparer = Preparer(self.journal, self._posts, self._parts,
                                  worker=self.worker, lease=lease)
        self._workers: dict[ChannelKey, asyncio.Task[None]] = {}
        #: Channels whose worker is inside a platform call right now.
        self._in_call: set[ChannelKey] = set()
        self._stopping = False
        self._heartbeat_task: asyncio.Task[None] | None = None

    def poke(self) -> None:
        """New rows were enqueued: look now rather than at the next tick."""
        self.wakeup.set()

    def pacer(self, platform: str) -> Pacer:
        pacer = self._pacers.get(platform)
        if pacer is None or pacer.limits != self.platforms[platform].limits:
            shared = self.shared
            pacer = self._pacers[platform] = Pacer(
                self.platforms[platform].limits,
                shared=(lambda calls, period: shared(platform, calls, period))
                if shared is not None else None)
        return pacer

    @property
    def in_flight(self) -> int:
        return len(self._book)

    async def recover(self) -> int:
        """Give back claims a killed process left (single-process SQLite store only;
        on PostgreSQL other live processes hold claims, which expire with their lease)."""
        async with self.sessions() as session, session.begin():
            if session.bind is not None and session.bind.dialect.name != "sqlite":
                return 0
            return await outbox.recover(session)

    async def run(self, stop: asyncio.Event, *, idle_seconds: float = 1.0) -> None:
        """Send until ``stop`` is set; then finish in-flight sends and release claims."""
        self._stopping = False
        stopper = asyncio.ensure_future(stop.wait())
        try:
            while not stop.is_set():
                try:
                    got = await self.claim_and_dispatch()
                except Exception:
                    log.exception("sender %s: a pass failed; retrying", self.worker)
                    got = 0
                if got:
                    continue
                self.wakeup.clear()
                waker = asyncio.ensure_future(self.wakeup.wait())
                await asyncio.wait({waker, stopper}, timeout=idle_seconds,
                                   return_when=asyncio.FIRST_COMPLETED)
                woken = waker.done()
                waker.cancel()
                if woken and not stop.is_set():
                    # Channels finishing together share one claim (each claim is a query
                    # over the outbox, compiled and run on the loop).
                    await asyncio.sleep(CLAIM_GAP)
        finally:
            stopper.cancel()
            await self.shutdown()

    async def shutdown(self) -> None:
        """Stop taking work: let each channel finish the send in progress, then give back
        everything still claimed."""
        self._stopping = True
        for key, task in list(self._workers.items()):
            if key not in self._in_call:
                task.cancel()  # only waiting for its pace: nothing is lost by stopping it
        if self._workers:
            await asyncio.gather(*self._workers.values(), return_exceptions=True)
        if self._heartbeat_task is not None:
            self._heartbeat_task.cancel()
        async with self.sessions() as session, session.begin():
            await outbox.release(session, self.worker)

    async def drain(self, *, within: float = 30.0, stop: asyncio.Event | None = None) -> None:
        """Send everything that is due now (scripted console runs, tests)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while loop.time() < deadline and not (stop is not None and stop.is_set()):
            if await self.send_due():
                continue
            async with self.sessions() as session:
                waiting = await session.scalar(
                    select(Delivery.next_attempt_at)
                    .where(Delivery.status == "pending",
                           Delivery.platform.in_(list(self.platforms)))
                    .order_by(Delivery.next_attempt_at).limit(1))
            if waiting is None:
                return
            if waiting > self.clock.now():
                await asyncio.sleep(min(0.2, max(0.0, deadline - loop.time())))

    async def send_due(self) -> int:
        """One pass: claim what is due and send it all. Returns how many rows were handled."""
        got = await self.claim_and_dispatch()
        if self._workers:
            await asyncio.gather(*list(self._workers.values()), return_exceptions=True)
        if not self._workers and self._heartbeat_task is not None:
            self._heartbeat_task.cancel()
        return got

    async def claim_and_dispatch(self) -> int:
        """Claim due rows (up to the room left) and queue them on their channel's worker."""
        room = self.batch - len(self._book)
        if room <= 0 or self._stopping:
            return 0
        async with self.sessions() as session, session.begin():
            rows = await claim_rows(session, worker=self.worker, platforms=self.platforms,
                                    now=self.clock.now(), limit=room, lease=self.lease,
                                    channels=self.channels_per_claim)
        added, channels = self._book.add(rows)
        for key in channels:
            if key not in self._workers:
                self._workers[key] = asyncio.create_task(self._channel_worker(key),
                                                         name=f"send-{key[0]}-{key[1]}")
        if self._workers and (self._heartbeat_task is None or self._heartbeat_task.done()):
            self._heartbeat_task = asyncio.create_task(self._heartbeat(), name="outbox-lease")
        return added

    async def _heartbeat(self) -> None:
        """Keep the leases of rows still queued here fresh: a big fan-out paced by the
        platform's limits can take longer than one lease, and an expired lease would let
        another process take rows this one is about to send in order."""
        period = self.lease.total_seconds() / 3
        while self._workers:
            await asyncio.sleep(period)
            if not len(self._book):
                continue
            now = self.clock.now()
            try:
                async with self.sessions() as session, session.begin():
                    await session.execute(
                        update(Delivery)
                        .where(Delivery.claimed_by == self.worker,
                               Delivery.status == RowStatus.CLAIMED.value)
                        .values(lease_until=now + self.lease)
                        .execution_options(synchronize_session=False))
            except Exception:
                log.exception("sender %s: renewing leases failed", self.worker)

    async def _channel_worker(self, key: ChannelKey) -> None:
        try:
            while (row := self._book.head(key)) is not None:
                if self._stopping:
                    break
                try:
                    ok = await self.send_one(row)
                except Exception:
                    # e.g. the store failed: give the row back (a started send keeps its
                    # unknown-outcome mark, so the retry checks the platform first).
                    log.exception("sender %s: row %s failed unexpectedly", self.worker,
                                  row.row_id)
                    break
                self._book.done(key)
                if not ok:
                    break  # keep the channel's order: later rows wait for this one
        finally:
            rest = self._book.close(key)
            del self._workers[key]
            self._posts.forget(key)
            if rest:
                async with self.sessions() as session, session.begin():
                    await outbox.release(session, self.worker, rest)
            self.wakeup.set()

    async def send_one(self, row: Claimed) -> bool:
        """Send one claimed row. Returns False when it was not sent and the rows behind it
        in its channel must wait (retry); True when the channel may go on."""
        prepared = await self._preparer.prepare(row, self.clock.now())
        if isinstance(prepared, Hold):
            return prepared is Hold.SKIP
        try:
            delivered = await self._call(prepared)
        except PlatformError as exc:
            await self._record_failure(row.row_id, exc)
            return False
        except Exception as exc:  # a bug or an unexpected transport error: retry later
            log.exception("delivery %s via %s failed unexpectedly", prepared.key,
                          prepared.platform)
            await self._record_failure(row.row_id, PlatformError(type(exc).__name__))
            return False
        if delivered is not None:
            await self._record_sent(row, delivered)
        return True

    async def _call(self, prepared: Prepared) -> Delivered | None:
        """The platform calls of one row; None when the claim was lost before sending."""
        row = prepared.row
        call = Call(prepared, self.platforms[row.platform], self.pacer(row.platform),
                    lambda: self._calling(row.channel))
        target = prepared.target
        if prepared.thread_to_open is not None:
            parent = prepared.thread_to_open
            thread_id = await call.open_thread(parent)
            await self.journal.thread_opened(parent.parent_key, thread_id)
            self._posts.thread_opened(row.channel, parent.parent_key, thread_id)
            target = replace(target, thread_id=thread_id)
        ref = await call.find_sent(target) if prepared.unknown else None
        if ref is None:
            ref = await call.post(target, lambda: self._mark_started(row.row_id))
            if ref is None:  # no longer ours: the lease ran out and the row was taken
                log.info("delivery %s: claim lost before sending; this copy is dropped",
                         prepared.key)
                return None
        return Delivered(ref, target.thread_id)

    async def _mark_started(self, row_id: int) -> bool:
        now = self.clock.now()
        return await self.journal.mark_started(row_id, worker=self.worker, now=now,
                                               lease_until=now + self.lease)

    @asynccontextmanager
    async def _calling(self, channel: ChannelKey) -> AsyncIterator[None]:
        """Mark a platform call in progress: shutdown lets it finish (its outcome must be
        recorded) instead of cancelling it."""
        self._in_call.add(channel)
        try:
            yield
        finally:
            self._in_call.discard(channel)

    async def _record_sent(self, row: Claimed, delivered: Delivered) -> None:
        root = row.parent_key is None
        ref = delivered.ref
        posted = ((row.subscription_id, row.story_id)
                  if root and row.story_id is not None and row.subscription_id else None)
        await self.journal.mark_sent(row.row_id, now=self.clock.now(),
                                     message_id=ref.message_id,
                                     thread_id=ref.thread_id if root else delivered.thread_of,
                                     posted=posted)
        if root:
            # Kept so this channel's replies and links need no query: an entry missed (kept
            # under no channel or key) is read from the store, the same post, one query more.
            self._posts.remember(
                row.channel, row.key,  # pragma: no mutate
                PostedMessage(ref.message_id, ref.thread_id, self._parts.title(row.payload)))
        self.sent += 1
        if self.on_sent is not None:
            self.on_sent(self.worker, True)

    async def _record_failure(self, row_id: int, exc: PlatformError) -> None:
        async with self.sessions() as session, session.begin():
            outcome = await record_failure(session, row_id, exc, self.clock.now())
        if outcome is Outcome.FAILED:
            self.failed += 1
            if self.on_sent is not None:
                self.on_sent(self.worker, False)


__all__: Sequence[str] = ["REPLY_PREFIX", "Sender"]
