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
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections import deque
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.delivery import outbox
from bot.delivery.journal import Journal
from bot.delivery.pacing import Pacer, Priority, Window
from bot.errors import PlatformError
from bot.model import Notice, Part, UpdatePost, load_part
from bot.platforms.base import MessageRef, PlatformAdapter, Target
from bot.store.db import SessionFactory
from bot.store.models import Delivery, PostedStory, Subscription

log = logging.getLogger(__name__)

ChannelKey = tuple[str, str]

#: Outbox keys of replies to people (queued when a direct reply could not go out in time).
REPLY_PREFIX = "reply:"

#: Seconds a woken sender waits for more wake-ups before claiming again.
CLAIM_GAP = 0.05

#: Parsed payloads the sender keeps (see ``Sender._load``).
PART_CACHE = 256


@dataclass(frozen=True)
class Claimed:
    """What the claim read of a row; while the claim is held nobody else changes it."""

    key: str
    platform: str
    channel_id: str
    parent_key: str | None
    payload: str
    #: A send of it was started before this claim: its outcome is unknown.
    started: bool
    subscription_id: int | None
    story_id: int | None
    #: The subscription's time zone, for the times the platform shows.
    zone: str | None = None
    #: The row whose message this one links to.
    link_key: str | None = None
    #: The subscription's workspace or guild.
    space_id: str | None = None


@dataclass(frozen=True)
class Prepared:
    """A claimed row, ready for the platform call (read in one short transaction)."""

    row_id: int
    info: Claimed
    key: str
    platform: str
    target: Target
    part: Part
    #: A previous attempt started: ask the platform before sending again.
    unknown: bool
    #: The parent's message still has to become a thread (Discord).
    open_parent: tuple[str, str, str, str] | None = None
    #: The linked row's message: (message id, thread id).
    link: tuple[str, str | None] | None = None


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
        self._pacers: dict[str, Pacer] = {}
        self._queues: dict[ChannelKey, deque[int]] = {}
        self._workers: dict[ChannelKey, asyncio.Task[None]] = {}
        self._held: set[int] = set()
        self._claimed: dict[int, Claimed] = {}
        #: Posts this worker sent, per channel: key -> (message id, thread id, title), so
        #: their replies need no lookup while the channel's queue runs.
        self._parents: dict[ChannelKey, dict[str, tuple[str, str | None, str]]] = {}
        #: Channels whose worker is inside a platform call right now.
        self._in_call: set[ChannelKey] = set()
        self._stopping = False
        self._heartbeat_task: asyncio.Task[None] | None = None
        self.journal = Journal(sessions)
        #: Parsed payloads (parts are frozen values): a fan-out sends one part to many
        #: channels, so it is validated once rather than once per row.
        self._parts: dict[str, Part] = {}

    def _load(self, payload: str) -> Part:
        part = self._parts.get(payload)
        if part is None:
            if len(self._parts) >= PART_CACHE:
                self._parts.clear()
            part = self._parts[payload] = load_part(payload)
        return part

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
        return len(self._held)

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
        room = self.batch - len(self._held)
        if room <= 0 or self._stopping:
            return 0
        now = self.clock.now()
        async with self.sessions() as session, session.begin():
            rows = await outbox.claim(session, worker=self.worker,
                                      platforms=list(self.platforms), now=now, limit=room,
                                      lease=self.lease, shards={
                                          name: p.shards for name, p in self.platforms.items()
                                          if p.shards is not None},
                                      channels=self.channels_per_claim)
            places = await subscription_places(session, {r.subscription_id for r in rows})
            claimed = []
            for r in rows:
                zone, space = places.get(r.subscription_id, (None, None))
                claimed.append((r.id, r.platform, r.channel_id, Claimed(
                    r.key, r.platform, r.channel_id, r.parent_key, r.payload,
                    r.send_started_at is not None, r.subscription_id, r.story_id, zone,
                    r.link_key, space)))
        added = 0
        for row_id, platform, channel, info in claimed:
            if row_id in self._held:
                continue
            self._held.add(row_id)
            self._claimed[row_id] = info
            added += 1
            key = (platform, channel)
            self._queues.setdefault(key, deque()).append(row_id)
            if key not in self._workers:
                self._workers[key] = asyncio.create_task(self._channel_worker(key),
                                                         name=f"send-{platform}-{channel}")
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
            if not self._held:
                continue
            now = self.clock.now()
            try:
                async with self.sessions() as session, session.begin():
                    await session.execute(
                        update(Delivery)
                        .where(Delivery.claimed_by == self.worker,
                               Delivery.status == "claimed")
                        .values(lease_until=now + self.lease)
                        .execution_options(synchronize_session=False))
            except Exception:
                log.exception("sender %s: renewing leases failed", self.worker)

    async def _channel_worker(self, key: ChannelKey) -> None:
        queue = self._queues[key]
        try:
            while queue:
                if self._stopping:
                    break
                row_id = queue[0]
                try:
                    ok = await self.send_one(row_id)
                except Exception:
                    # e.g. the store failed: give the row back (a started send keeps its
                    # unknown-outcome mark, so the retry checks the platform first).
                    log.exception("sender %s: row %s failed unexpectedly", self.worker, row_id)
                    break
                queue.popleft()
                self._held.discard(row_id)
                self._claimed.pop(row_id, None)
                if not ok:
                    break  # keep the channel's order: later rows wait for this one
        finally:
            rest = list(queue)
            queue.clear()
            self._held.difference_update(rest)
            for row_id in rest:
                self._claimed.pop(row_id, None)
            del self._queues[key]
            del self._workers[key]
            self._parents.pop(key, None)
            if rest:
                async with self.sessions() as session, session.begin():
                    await outbox.release(session, self.worker, rest)
            self.wakeup.set()

    async def send_one(self, row_id: int) -> bool:
        """Send one claimed row. Returns False when it was not sent and the rows behind it
        in its channel must wait (retry); True when the channel may go on."""
        prepared = await self._prepare(row_id)
        if prepared is None:
            return True
        if isinstance(prepared, bool):
            return prepared
        adapter = self.platforms[prepared.platform]
        pacer = self.pacer(prepared.platform)
        target = prepared.target
        channel: ChannelKey = (prepared.platform, target.channel_id)
        try:
            if prepared.open_parent is not None:
                parent_key, _, message_id, title = prepared.open_parent
                async with pacer.slot(target, message=False), self._calling(channel):
                    opened = await adapter.open_thread(Target(channel[1]),
                                                       MessageRef(message_id), title)
                thread_id = opened.thread_id or message_id
                await self._record_thread(parent_key, thread_id)
                cached = self._parents.get(channel, {})
                if parent_key in cached:
                    cached[parent_key] = (message_id, thread_id, title)
                target = replace(target, thread_id=thread_id)
            ref = None
            if prepared.unknown:
                async with pacer.slot(target, message=False), self._calling(channel):
                    ref = await adapter.find_sent(target, prepared.key)
                if ref is not None:
                    log.info("delivery %s was already sent (found %s)", prepared.key,
                             ref.message_id)
            if ref is None:
                part = prepared.part
                if prepared.link is not None and isinstance(part, UpdatePost):
                    link = await self._message_link(prepared, target, prepared.link)
                    part = replace(part, thread_link=link) if link else part
                async with (pacer.slot(target, priority=_priority(prepared.key)) as ticket,
                            self._calling(channel)):
                    # "Started" is committed now, just before the request leaves: a row
                    # still waiting for its slot at a crash needs no lookup afterwards.
                    if not await self._mark_started(row_id):
                        return True  # no longer ours (lease lost)
                    await ticket.confirm()
                    ref = await adapter.send(target, part, key=prepared.key)
        except PlatformError as exc:
            await self._record_failure(row_id, exc)
            return False
        except Exception as exc:  # a bug or an unexpected transport error: retry later
            log.exception("delivery %s via %s failed unexpectedly", prepared.key, adapter.name)
            await self._record_failure(row_id, PlatformError(type(exc).__name__))
            return False
        await self._record_sent(row_id, ref, info=prepared.info, thread_of=target.thread_id)
        return True

    async def _message_link(self, prepared: Prepared, target: Target,
                            linked: tuple[str, str | None]) -> str | None:
        """The platform's link to the linked message; None (post without it) when the
        platform has none or says it never will. A transient failure retries the row."""
        adapter = self.platforms[prepared.platform]
        try:
            async with (self.pacer(prepared.platform).slot(target, message=False),
                        self._calling((prepared.platform, target.channel_id))):
                return await adapter.message_link(replace(target, thread_id=None), *linked)
        except PlatformError as exc:
            if not exc.permanent:
                raise
            log.warning("delivery %s: no link to %s (%s)", prepared.key,
                        prepared.info.link_key, exc)
            return None

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

    async def _prepare(self, row_id: int) -> Prepared | bool | None:
        """Mark the row started (committed before the platform call) and read what the send
        needs. Returns None to skip the row, False when it must wait (parent not sent)."""
        now = self.clock.now()
        info = self._claimed.get(row_id)
        if info is None:
            return None
        channel: ChannelKey = (info.platform, info.channel_id)
        sent_here = self._parents.get(channel, {})
        known = sent_here.get(info.parent_key) if info.parent_key is not None else None
        linked = sent_here.get(info.link_key) if info.link_key is not None else None
        if ((info.parent_key is None or known is not None)
                and (info.link_key is None or linked is not None)):
            # The common case, one batched statement: a post, or a reply (or a link) to a
            # post this worker just sent.
            target = Target(info.channel_id, zone=info.zone, space_id=info.space_id)
            open_parent = None
            if known is not None:
                message_id, thread_id, title = known
                target = replace(target, thread_id=thread_id or message_id)
                if thread_id is None:
                    open_parent = (str(info.parent_key), info.channel_id, message_id, title)
            return Prepared(row_id, info, info.key, info.platform, target,
                            self._load(info.payload), info.started, open_parent,
                            linked[:2] if linked is not None else None)
        mine = (Delivery.id == row_id, Delivery.status == "claimed",
                Delivery.claimed_by == self.worker)

        async def set_row(session: AsyncSession, **values: object) -> int:
            result = await session.execute(
                update(Delivery).where(*mine).values(**values)
                .execution_options(synchronize_session=False))
            return int(getattr(result, "rowcount", 0) or 0)

        async def op(session: AsyncSession) -> Prepared | bool | None:
            target = Target(info.channel_id, zone=info.zone, space_id=info.space_id)
            open_parent = link = None
            if info.parent_key is not None:
                row = (await session.execute(
                    select(Delivery.status, Delivery.message_id, Delivery.thread_id,
                           Delivery.channel_id, Delivery.payload)
                    .where(Delivery.key == info.parent_key))).first()
                parent = (_Parent(*row) if row is not None
                          else await _archived_parent(session, info))
                if parent is None or parent.status in ("failed", "cancelled"):
                    await set_row(session, status="cancelled", claimed_by=None,
                                  lease_until=None, error="parent message was not sent")
                    return None
                if parent.status != "sent" or parent.message_id is None:
                    # Never outside its thread: wait for the parent's id.
                    await set_row(session, status="pending", claimed_by=None,
                                  lease_until=None)
                    return False
                if parent.thread_id is None:
                    open_parent = (info.parent_key, parent.channel_id, parent.message_id,
                                   _thread_title(parent.payload))
                target = replace(target, thread_id=parent.thread_id or parent.message_id)
            if info.link_key is not None:
                linked = (await session.execute(
                    select(Delivery.status, Delivery.message_id, Delivery.thread_id)
                    .where(Delivery.key == info.link_key))).first()
                if linked is not None and linked.status in ("pending", "claimed"):
                    # Not before the message it links to: wait for its id.
                    await set_row(session, status="pending", claimed_by=None,
                                  lease_until=None)
                    return False
                if linked is not None and linked.status == "sent" and linked.message_id:
                    link = (linked.message_id, linked.thread_id)
            if not await set_row(session, lease_until=now + self.lease):
                return None  # no longer ours (lease lost)
            return Prepared(row_id, info, info.key, info.platform, target,
                            self._load(info.payload), info.started, open_parent, link)

        return await self.journal.write(op)

    async def _record_thread(self, parent_key: str, thread_id: str) -> None:
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

        await self.journal.write(op)

    async def _record_sent(self, row_id: int, ref: MessageRef, *, info: Claimed,
                           thread_of: str | None) -> None:
        root = info.parent_key is None
        posted = ((info.subscription_id, info.story_id)
                  if root and info.story_id is not None and info.subscription_id else None)
        await self.journal.mark_sent(row_id, now=self.clock.now(), message_id=ref.message_id,
                                     thread_id=ref.thread_id if root else thread_of,
                                     posted=posted)
        if root:
            self._parents.setdefault((info.platform, info.channel_id), {})[info.key] = (
                ref.message_id, ref.thread_id, _thread_title(info.payload, self._load))
        self.sent += 1
        if self.on_sent is not None:
            self.on_sent(self.worker, True)

    async def _record_failure(self, row_id: int, exc: PlatformError) -> None:
        now = self.clock.now()
        async with self.sessions() as session, session.begin():
            row = await session.get(Delivery, row_id)
            if row is None:
                return
            row.error = str(exc)[:500]
            row.claimed_by = row.lease_until = None
            if exc.permanent or row.attempts >= outbox.MAX_ATTEMPTS:
                row.status = "failed"
                self.failed += 1
                if self.on_sent is not None:
                    self.on_sent(self.worker, False)
                # Its thread replies can never go out inside its thread: cancel them.
                await session.execute(
                    update(Delivery)
                    .where(Delivery.parent_key == row.key,
                           Delivery.status.in_(("pending", "claimed")))
                    .values(status="cancelled", error="parent message was not sent",
                            claimed_by=None, lease_until=None))
                if exc.permanent:
                    await self._pause_subscription(session, row, str(exc), now)
                log.warning("delivery %s failed for good: %s", row.key, exc)
                return
            row.status = "pending"
            if exc.retry_after is not None:
                # A rate limit means the platform did not take the message.
                row.send_started_at = None
            row.next_attempt_at = now + outbox.backoff(row.attempts, exc.retry_after)
            log.info("delivery %s will be retried: %s", row.key, exc)

    async def _pause_subscription(self, session: AsyncSession, row: Delivery, reason: str,
                                  now: datetime) -> None:
        if row.subscription_id is None:
            return
        sub = await session.get(Subscription, row.subscription_id)
        if sub is None or not sub.active:
            return
        sub.active = False
        sub.paused_reason = reason
        await session.execute(
            update(Delivery)
            .where(Delivery.subscription_id == sub.id,
                   Delivery.status.in_(("pending", "claimed")))
            .values(status="cancelled", error="subscription paused", claimed_by=None,
                    lease_until=None))
        notice = Notice(
            f"Updates to this channel are paused: {reason}. "
            "Fix it, then run `subscribe` again to resume.")
        # Tell the subscriber once: the key names the failure that paused it. A DM user is
        # told in the DM; a channel is told there (it may be gone: then that fails quietly).
        await outbox.enqueue(session, [outbox.Outgoing(
            key=f"sub:{sub.id}:paused:{row.key}"[:255], platform=sub.platform,
            channel_id=sub.channel_id, part=notice)], now)


def _priority(key: str) -> Priority:
    """Replies (a person waits) first, then realtime posts, then digests."""
    if key.startswith(REPLY_PREFIX):
        return Priority.REPLY
    return Priority.BULK if ":digest:" in key else Priority.REALTIME


@dataclass(frozen=True)
class _Parent:
    status: str
    message_id: str | None
    thread_id: str | None
    channel_id: str
    payload: str


async def _archived_parent(session: AsyncSession, info: Claimed) -> _Parent | None:
    """A story's first post whose outbox row retention already deleted: where it went is
    kept with the story (``PostedStory``), so a late follow-up still finds its thread."""
    if info.subscription_id is None or info.story_id is None:
        return None
    posted = await session.scalar(select(PostedStory).where(
        PostedStory.subscription_id == info.subscription_id,
        PostedStory.story_id == info.story_id))
    if posted is None or posted.message_id is None:
        return None
    return _Parent("sent", posted.message_id, posted.thread_id, posted.channel_id, "{}")


def _thread_title(payload: str, load: Callable[[str], Part] = load_part) -> str:
    try:
        part = load(payload)
    except ValueError:
        return "Q&A"
    return str(getattr(part, "headline", None) or getattr(part, "title", None) or "Q&A")[:100]


__all__: Sequence[str] = ["Sender"]


async def subscription_places(session: AsyncSession, ids: set[int | None]
                              ) -> dict[int | None, tuple[str | None, str | None]]:
    """Time zone and space (workspace, guild) of the given subscriptions (one query for
    a whole claim)."""
    wanted = [i for i in ids if i is not None]
    if not wanted:
        return {}
    rows = await session.execute(
        select(Subscription.id, Subscription.timezone, Subscription.space_id)
        .where(Subscription.id.in_(wanted)))
    return {sub_id: (zone, space) for sub_id, zone, space in rows.tuples()}
