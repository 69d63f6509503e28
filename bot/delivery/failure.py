"""What a failed send does to its row: transient failures go back to pending with backoff;
permanent ones fail the row, cancel its thread replies, pause the subscription (cancelling
its queue) and tell the subscriber once."""

from __future__ import annotations

import logging
from datetime import datetime
from enum import Enum

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.delivery import outbox
from bot.delivery.journal import RowStatus
from bot.errors import PlatformError
from bot.model import Notice
from bot.store.models import Delivery, Subscription

log = logging.getLogger(__name__)

#: Rows that have not been sent and may still be: what a cancellation applies to.
OPEN = (RowStatus.PENDING.value, RowStatus.CLAIMED.value)


class Outcome(Enum):
    """What became of a failed row."""

    GONE = "gone"  # the row no longer exists
    RETRY = "retry"
    FAILED = "failed"


async def record_failure(session: AsyncSession, row_id: int, exc: PlatformError,
                         now: datetime) -> Outcome:
    row = await session.get(Delivery, row_id)
    if row is None:
        return Outcome.GONE
    row.error = str(exc)[:500]
    row.claimed_by = row.lease_until = None
    if exc.permanent or row.attempts >= outbox.MAX_ATTEMPTS:
        row.status = RowStatus.FAILED.value
        # Its thread replies can never go out inside its thread: cancel them.
        await session.execute(
            update(Delivery)
            .where(Delivery.parent_key == row.key, Delivery.status.in_(OPEN))
            .values(status=RowStatus.CANCELLED.value, error="parent message was not sent",
                    claimed_by=None, lease_until=None))
        if exc.permanent:
            await pause_subscription(session, row, str(exc), now)
        log.warning("delivery %s failed for good: %s", row.key, exc)
        return Outcome.FAILED
    row.status = RowStatus.PENDING.value
    if exc.retry_after is not None:
        # A rate limit means the platform did not take the message.
        row.send_started_at = None
    row.next_attempt_at = now + outbox.backoff(row.attempts, exc.retry_after)
    log.info("delivery %s will be retried: %s", row.key, exc)
    return Outcome.RETRY


async def pause_subscription(session: AsyncSession, row: Delivery, reason: str,
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
        .where(Delivery.subscription_id == sub.id, Delivery.status.in_(OPEN))
        .values(status=RowStatus.CANCELLED.value, error="subscription paused",
                claimed_by=None, lease_until=None))
    notice = Notice(
        f"Updates to this channel are paused: {reason}. "
        "Fix it, then run `subscribe` again to resume.")
    # Tell the subscriber once: the key names the failure that paused it. A DM user is
    # told in the DM; a channel is told there (it may be gone: then that fails quietly).
    await outbox.enqueue(session, [outbox.Outgoing(
        key=f"sub:{sub.id}:paused:{row.key}"[:255], platform=sub.platform,
        channel_id=sub.channel_id, part=notice)], now)
