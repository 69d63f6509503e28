"""Retention: delivered outbox rows and answer logs older than ``retention_days`` go.

The outbox is a queue plus a short memory (idempotency keys, thread ids for replies); once a
row is delivered (or given up) and older than the retention window nobody reads it again.
Stories, articles and ``PostedStory`` (where each story's thread is) are the archive and stay.

Deleted in small batches, each its own short transaction, so the leader never holds the
SQLite writer lock for long and the loop runs other work between batches.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select

from bot.store.db import SessionFactory
from bot.store.models import AnswerLog, Delivery, Feedback

log = logging.getLogger(__name__)

#: Outcomes after which a row is only history.
DONE = ("sent", "failed", "cancelled")
BATCH = 500


@dataclass(frozen=True)
class Pruned:
    deliveries: int
    answers: int

    @property
    def total(self) -> int:
        return self.deliveries + self.answers


async def prune(sessions: SessionFactory, *, now: datetime, days: float,
                batch: int = BATCH) -> Pruned:
    """Delete finished deliveries and answer logs created before ``now - days``.

    Deliveries are walked in id order (ids grow with time), so each batch reads a short
    range of the primary key instead of scanning the table; rows still pending or claimed
    are skipped and kept, however old.
    """
    cutoff = now - timedelta(days=days)
    deliveries = answers = 0
    after = 0
    while True:
        async with sessions() as session, session.begin():
            rows = (await session.execute(
                select(Delivery.id, Delivery.status, Delivery.created_at)
                .where(Delivery.id > after).order_by(Delivery.id).limit(batch))).all()
            old = [r for r in rows if r.created_at < cutoff]
            doomed = [r.id for r in old if r.status in DONE]
            if doomed:
                await session.execute(delete(Delivery).where(Delivery.id.in_(doomed)))
        deliveries += len(doomed)
        if len(old) < len(rows) or len(rows) < batch:
            break  # reached rows inside the window, or the end of the table
        after = rows[-1].id
        await asyncio.sleep(0)
    while True:
        async with sessions() as session, session.begin():
            ids = (await session.scalars(
                select(AnswerLog.id).where(AnswerLog.created_at < cutoff)
                .order_by(AnswerLog.id).limit(batch))).all()
            if ids:
                await session.execute(delete(Feedback).where(Feedback.answer_id.in_(ids)))
                await session.execute(delete(AnswerLog).where(AnswerLog.id.in_(ids)))
        answers += len(ids)
        if len(ids) < batch:
            break
        await asyncio.sleep(0)
    if deliveries or answers:
        log.info("retention: pruned %d delivered outbox rows and %d answer logs older than "
                 "%s days", deliveries, answers, days)
    return Pruned(deliveries, answers)
