"""The sender: claims outbox rows and sends them through the platform adapters.

Rows of one channel go out in order; different channels proceed in parallel. A send is
marked as started before the platform call, so after a crash the outcome is checked
(``find_sent``) or the platform's idempotency for the key is relied on, never guessed.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.delivery import outbox
from bot.errors import PlatformError
from bot.model import Notice, load_part
from bot.platforms.base import MessageRef, PlatformAdapter, Target
from bot.store.db import SessionFactory
from bot.store.models import Delivery, PostedStory, Subscription

log = logging.getLogger(__name__)

#: How long a row another process holds is left before this one looks at it again.
OTHER_HOLDER_DELAY = timedelta(seconds=5)


class Sender:
    def __init__(self, sessions: SessionFactory, platforms: Mapping[str, PlatformAdapter],
                 clock: Clock, *, worker: str | None = None, batch: int = 200) -> None:
        self.sessions = sessions
        self.platforms = dict(platforms)
        self.clock = clock
        self.worker = worker or f"sender-{uuid.uuid4().hex[:8]}"
        self.batch = batch
        self.wakeup = asyncio.Event()
        self.sent = 0
        self.failed = 0

    def poke(self) -> None:
        """New rows were enqueued: look now rather than at the next tick."""
        self.wakeup.set()

    async def run(self, stop: asyncio.Event, *, idle_seconds: float = 1.0) -> None:
        """Send until ``stop`` is set; then finish in-flight sends and release claims."""
        while not stop.is_set():
            try:
                busy = await self.send_due()
            except Exception:
                log.exception("sender %s: a pass failed; retrying", self.worker)
                busy = 0
            if not busy:
                self.wakeup.clear()
                try:
                    await asyncio.wait_for(self.wakeup.wait(), idle_seconds)
                except TimeoutError:
                    pass
        async with self.sessions() as session, session.begin():
            await outbox.release(session, self.worker)

    async def drain(self, *, within: float = 30.0) -> None:
        """Send everything that is due now (scripted console runs, tests)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while loop.time() < deadline:
            if not await self.send_due():
                async with self.sessions() as session:
                    waiting = await session.scalar(
                        select(Delivery.next_attempt_at)
                        .where(Delivery.status == "pending",
                               Delivery.platform.in_(list(self.platforms)))
                        .order_by(Delivery.next_attempt_at).limit(1))
                if waiting is None or waiting > self.clock.now():
                    if waiting is None:
                        return
                    await asyncio.sleep(min(0.2, max(0.0, deadline - loop.time())))

    async def send_due(self) -> int:
        """One pass: claim what is due, send it. Returns how many rows were handled."""
        now = self.clock.now()
        async with self.sessions() as session, session.begin():
            rows = await outbox.claim(session, worker=self.worker, platforms=list(self.platforms),
                                      now=now, limit=self.batch)
            claimed = [(r.id, r.platform, r.channel_id) for r in rows]
        if not claimed:
            return 0
        by_channel: dict[tuple[str, str], list[int]] = defaultdict(list)
        for row_id, platform, channel in claimed:
            by_channel[(platform, channel)].append(row_id)
        await asyncio.gather(*(self._send_channel(ids) for ids in by_channel.values()))
        return len(claimed)

    async def _send_channel(self, ids: Sequence[int]) -> None:
        for row_id in ids:
            if not await self.send_one(row_id):
                # Keep the channel's order: later rows wait for the failed one.
                async with self.sessions() as session, session.begin():
                    await session.execute(
                        update(Delivery)
                        .where(Delivery.id.in_(ids), Delivery.id > row_id,
                               Delivery.status == "claimed", Delivery.claimed_by == self.worker)
                        .values(status="pending", claimed_by=None, lease_until=None))
                return

    async def send_one(self, row_id: int) -> bool:
        """Send one claimed row. Returns False when it was not sent (retry or failure)."""
        async with self.sessions() as session, session.begin():
            row = await session.get(Delivery, row_id)
            if row is None or row.status != "claimed" or row.claimed_by != self.worker:
                return False
            adapter = self.platforms[row.platform]
            if not adapter.holds(await self._space_of(session, row)):
                # Another process holds this guild's shard: leave the row to it.
                row.status, row.claimed_by, row.lease_until = "pending", None, None
                row.next_attempt_at = self.clock.now() + OTHER_HOLDER_DELAY
                return False
            target = await self._target(session, row)
            key, unknown = row.key, row.send_started_at is not None
            part = load_part(row.payload)
            row.send_started_at = self.clock.now()
            row.attempts += 1
        try:
            ref = await adapter.find_sent(target, key) if unknown else None
            if ref is None:
                ref = await adapter.send(target, part, key=key)
        except PlatformError as exc:
            await self._record_failure(row_id, exc)
            return False
        except Exception as exc:  # a bug or an unexpected transport error: retry later
            log.exception("delivery %s via %s failed unexpectedly", key, adapter.name)
            await self._record_failure(row_id, PlatformError(type(exc).__name__))
            return False
        await self._record_sent(row_id, ref)
        return True

    @staticmethod
    async def _space_of(session: AsyncSession, row: Delivery) -> str | None:
        if row.subscription_id is None:
            return None
        return await session.scalar(select(Subscription.space_id).where(
            Subscription.id == row.subscription_id))

    async def _target(self, session: AsyncSession, row: Delivery) -> Target:
        sub = (await session.get(Subscription, row.subscription_id)
               if row.subscription_id is not None else None)
        zone = sub.timezone if sub is not None else None
        if row.parent_key is None:
            return Target(row.channel_id, zone=zone)
        parent = await session.scalar(select(Delivery).where(Delivery.key == row.parent_key))
        if parent is None or parent.message_id is None:
            raise RuntimeError(f"parent of {row.key} was not sent")
        if parent.thread_id is None:
            adapter = self.platforms[row.platform]
            ref = await adapter.open_thread(Target(row.channel_id),
                                            MessageRef(parent.message_id), _thread_title(parent))
            parent.thread_id = ref.thread_id
        return Target(row.channel_id, thread_id=parent.thread_id, zone=zone)

    async def _record_sent(self, row_id: int, ref: MessageRef) -> None:
        now = self.clock.now()
        async with self.sessions() as session, session.begin():
            row = await session.get(Delivery, row_id)
            if row is None:
                return
            row.status, row.sent_at = "sent", now
            row.message_id = ref.message_id
            row.thread_id = row.thread_id or ref.thread_id
            row.lease_until = None
            if row.parent_key is None and row.story_id is not None and row.subscription_id:
                await session.execute(
                    update(PostedStory)
                    .where(PostedStory.subscription_id == row.subscription_id,
                           PostedStory.story_id == row.story_id,
                           PostedStory.message_id.is_(None))
                    .values(message_id=ref.message_id, thread_id=ref.thread_id))
        self.sent += 1

    async def _record_failure(self, row_id: int, exc: PlatformError) -> None:
        now = self.clock.now()
        async with self.sessions() as session, session.begin():
            row = await session.get(Delivery, row_id)
            if row is None:
                return
            row.error = str(exc)
            row.claimed_by = row.lease_until = None
            if exc.permanent:
                row.status = "failed"
                self.failed += 1
                await self._pause_subscription(session, row, str(exc), now)
                log.warning("delivery %s failed permanently: %s", row.key, exc)
            else:
                row.status = "pending"
                row.send_started_at = None if exc.retry_after is not None else row.send_started_at
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
            .where(Delivery.subscription_id == sub.id, Delivery.status == "pending")
            .values(status="cancelled", error="subscription paused"))
        notice = Notice(
            f"Updates to this channel are paused: {reason}. "
            "Fix it, then run `subscribe` again to resume.")
        await outbox.enqueue(session, [outbox.Outgoing(
            key=f"sub:{sub.id}:paused:{now.isoformat()}", platform=sub.platform,
            channel_id=sub.user_id or sub.channel_id, part=notice)], now)


def _thread_title(parent: Delivery) -> str:
    try:
        part = load_part(parent.payload)
    except ValueError:
        return "Q&A"
    return str(getattr(part, "headline", None) or getattr(part, "title", None) or "Q&A")[:100]
