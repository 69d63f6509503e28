"""Claim: take due outbox rows for one worker and queue them per channel, in order.

A claimed row is read once, here; while the claim is held nobody else changes it, so the
later steps (prepare, send, journal) work from this copy instead of reading it again.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.delivery import outbox
from bot.platforms.base import PlatformAdapter
from bot.store.models import Subscription

#: (platform, channel id): rows of one channel go out in order, one at a time.
ChannelKey = tuple[str, str]


@dataclass(frozen=True)
class Claimed:
    """What the claim read of a row."""

    row_id: int
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

    @property
    def channel(self) -> ChannelKey:
        return (self.platform, self.channel_id)


@dataclass(frozen=True)
class Place:
    """Where a subscription lives: its time zone and its workspace or guild."""

    zone: str | None
    space_id: str | None


async def claim_rows(session: AsyncSession, *, worker: str,
                     platforms: Mapping[str, PlatformAdapter], now: datetime, limit: int,
                     lease: timedelta, channels: int | None) -> list[Claimed]:
    """Claim up to ``limit`` due rows of ``platforms`` for ``worker`` (see
    ``outbox.claim``), with their subscriptions' places (one query for the whole claim)."""
    rows = await outbox.claim(session, worker=worker, platforms=list(platforms), now=now,
                              limit=limit, lease=lease, shards={
                                  name: p.shards for name, p in platforms.items()
                                  if p.shards is not None},
                              channels=channels)
    places = await subscription_places(session, {r.subscription_id for r in rows})
    nowhere = Place(None, None)
    claimed = []
    for r in rows:
        place = places.get(r.subscription_id, nowhere)
        claimed.append(Claimed(
            r.id, r.key, r.platform, r.channel_id, r.parent_key, r.payload,
            r.send_started_at is not None, r.subscription_id, r.story_id, place.zone,
            r.link_key, place.space_id))
    return claimed


async def subscription_places(session: AsyncSession, ids: set[int | None]
                              ) -> dict[int | None, Place]:
    """Time zone and space (workspace, guild) of the given subscriptions."""
    wanted = [i for i in ids if i is not None]
    if not wanted:
        return {}
    rows = await session.execute(
        select(Subscription.id, Subscription.timezone, Subscription.space_id)
        .where(Subscription.id.in_(wanted)))
    return {sub_id: Place(zone, space) for sub_id, zone, space in rows.tuples()}


class ClaimBook:
    """The rows one worker holds, queued per channel in claim order."""

    def __init__(self) -> None:
        self._queues: dict[ChannelKey, deque[Claimed]] = {}
        self._held: set[int] = set()

    def __len__(self) -> int:
        return len(self._held)

    def add(self, rows: Iterable[Claimed]) -> tuple[int, list[ChannelKey]]:
        """Queue newly claimed rows (a row already held is skipped). Returns how many
        were added and the channels they went to, in order of first appearance."""
        added = 0
        touched: dict[ChannelKey, None] = {}
        for row in rows:
            if row.row_id in self._held:
                continue
            self._held.add(row.row_id)
            self._queues.setdefault(row.channel, deque()).append(row)
            touched[row.channel] = None  # pragma: no mutate (an ordered set: keys only)
            added += 1
        return added, list(touched)

    def head(self, channel: ChannelKey) -> Claimed | None:
        """The row the channel sends next, if any."""
        queue = self._queues.get(channel)
        return queue[0] if queue else None

    def done(self, channel: ChannelKey) -> None:
        """The channel's head row was handled: it is no longer held here."""
        row = self._queues[channel].popleft()
        self._held.discard(row.row_id)

    def close(self, channel: ChannelKey) -> list[int]:
        """Stop queueing for the channel; returns the rows still held for it (to give
        back)."""
        rest = [row.row_id for row in self._queues.pop(channel, deque())]
        self._held.difference_update(rest)
        return rest
