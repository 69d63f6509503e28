"""Shard routing by a stored column: the outbox asks the platform's Shards for a space's
route once, stores it on the subscription, and picks a shard's rows by it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import ClassVar

from sqlalchemy import select

from bot.delivery import outbox
from bot.model import Notice
from bot.platforms.base import Shards
from bot.platforms.loopback.shards import LoopbackShards
from bot.store.db import SessionFactory
from bot.store.models import Subscription

NOW = datetime(2025, 8, 20, 9, 0, tzinfo=UTC)


class CountingShards(LoopbackShards):
    """Loopback routing that remembers which spaces it was asked about."""

    asked: ClassVar[list[str]] = []

    def route_of(self, space_id: str) -> int:
        CountingShards.asked.append(space_id)
        return super().route_of(space_id)


async def _subscribe(sessions: SessionFactory, spaces: dict[str, str | None]) -> None:
    async with sessions() as session, session.begin():
        subs = [Subscription(platform="loopback", channel_id=channel, space_id=space,
                             lang="en", timezone="UTC", since=NOW, created_at=NOW)
                for channel, space in spaces.items()]
        session.add_all(subs)
        await session.flush()
        await outbox.enqueue(session, [outbox.Outgoing(
            key=f"k:{s.channel_id}", platform="loopback", channel_id=s.channel_id,
            part=Notice("x"), subscription_id=s.id) for s in subs], NOW)


async def _claim(sessions: SessionFactory, shards: Shards) -> list[str]:
    async with sessions() as session, session.begin():
        rows = await outbox.claim(session, worker=f"w{shards.ids}", platforms=["loopback"],
                                  now=NOW, shards={"loopback": shards})
    return sorted(r.channel_id for r in rows)


async def test_routes_are_stored_once_and_pick_each_shards_rows(
        sessions: SessionFactory) -> None:
    spaces = {f"C{g}": str((g << 22) | 5) for g in range(4)} | {"D": None}
    await _subscribe(sessions, spaces)
    CountingShards.asked = []
    assert await _claim(sessions, CountingShards((1,), 2)) == ["C1", "C3"]
    async with sessions() as session:
        routes = dict((await session.execute(
            select(Subscription.channel_id, Subscription.route))).tuples().all())
    assert routes == {"C0": 0, "C1": 1, "C2": 2, "C3": 3, "D": None}
    assert sorted(CountingShards.asked) == sorted(s for s in spaces.values() if s)
    assert await _claim(sessions, CountingShards((0,), 2)) == ["C0", "C2", "D"]
    assert len(CountingShards.asked) == 4  # stored: not asked again


async def test_a_subscription_that_moves_to_another_space_is_routed_again(
        sessions: SessionFactory) -> None:
    await _subscribe(sessions, {"C": str((2 << 22) | 1)})
    assert await _claim(sessions, LoopbackShards((1,), 2)) == []
    async with sessions() as session, session.begin():
        sub = await session.scalar(select(Subscription))
        assert sub is not None and sub.route == 2
        sub.space_id = str((3 << 22) | 1)
    async with sessions() as session:
        assert await session.scalar(select(Subscription.route)) is None
    assert await _claim(sessions, LoopbackShards((1,), 2)) == ["C"]
