"""Which queued new subscriptions are written together (issue 19: a burst of `subscribe`)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.delivery.fanout import Welcome
from bot.delivery.subscribing import (
    BATCH,
    EXISTS,
    NewSubscription,
    Queued,
    SubscriptionWriter,
    _first_per_target,
)
from bot.model import Lang
from bot.store.db import SessionFactory
from bot.store.models import Subscription

NOW = datetime(2026, 3, 1, tzinfo=UTC)


def queued(channel: str) -> Queued:
    new = NewSubscription(("loopback", channel), lambda: Subscription(), "en")
    return new, NOW, asyncio.get_running_loop().create_future()


async def test_a_batch_takes_each_channel_once_and_at_most_batch_of_them() -> None:
    queue = [queued(f"C{i}") for i in range(BATCH + 5)]
    queue.insert(3, queued("C0"))  # the same channel again
    now, later = _first_per_target(queue)
    assert [q[0].target[1] for q in now] == [f"C{i}" for i in range(BATCH)]
    assert [q[0].target[1] for q in later] == ["C0", *(f"C{i}" for i in range(BATCH,
                                                                              BATCH + 5))]


async def test_channels_already_in_the_write_and_past_its_room_wait_for_the_next() -> None:
    queue = [queued(c) for c in ("C1", "C2", "C3", "C4")]
    now, later = _first_per_target(queue, taken={("loopback", "C2")}, room=2)
    assert [q[0].target[1] for q in now] == ["C1", "C3"]
    assert [q[0].target[1] for q in later] == ["C2", "C4"]


def channel(target: str, *, dm: bool = False) -> NewSubscription:
    def build() -> Subscription:
        return Subscription(platform="loopback", channel_id=target, space_id=None if dm
                            else "S1", is_dm=dm, user_id="U1" if dm else None,
                            lang="en", timezone="UTC", since=NOW, created_at=NOW)

    return NewSubscription(("loopback", target), build, "en")


async def test_a_burst_is_written_in_one_go_and_a_subscribed_channel_is_handed_back(
        sessions: SessionFactory) -> None:
    await burst_in_one_go(sessions)


async def test_the_same_on_postgresql(pg_sessions: SessionFactory) -> None:
    await burst_in_one_go(pg_sessions)


async def burst_in_one_go(sessions: SessionFactory) -> None:
    """Channels and a DM (rows of two shapes) in one transaction, each with its own id; a
    channel subscribed already is handed back untouched."""
    async with sessions() as session, session.begin():
        session.add(channel("C9").build())
    writer = SubscriptionWriter()

    async def no_story(_session: AsyncSession, _lang: Lang) -> Welcome | None:
        return None

    news = [channel("C1"), channel("D1", dm=True), channel("C2"), channel("C9")]
    added = await asyncio.gather(*(writer.add(sessions, new, NOW, no_story) for new in news))
    assert added == [0, 0, 0, EXISTS]
    assert writer.transactions == 1
    async with sessions() as session:
        rows = (await session.execute(select(Subscription.channel_id, Subscription.is_dm,
                                             Subscription.space_id))).tuples().all()
    assert sorted(rows) == [("C1", False, "S1"), ("C2", False, "S1"), ("C9", False, "S1"),
                            ("D1", True, None)]
