"""Outbox rows: enqueue (idempotent by key), claim with a lease, record the outcome."""

from __future__ import annotations

import functools
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    Row,
    Select,
    Table,
    and_,
    bindparam,
    exists,
    func,
    or_,
    select,
    text,
    tuple_,
    update,
)
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

from bot.model import Part, dump_part
from bot.platforms.base import Shards
from bot.store.models import Delivery, Subscription

LEASE = timedelta(seconds=60)
MAX_BACKOFF = timedelta(minutes=15)
#: A row still failing transiently after this many attempts is given up (status failed).
MAX_ATTEMPTS = 12
#: PostgreSQL advisory lock ("cfb-clai") serialising claim transactions across processes,
#: so two processes never pick up rows of one channel at the same instant (its order).
CLAIM_LOCK = 0x6366622D636C6169


@dataclass(frozen=True)
class Outgoing:
    """A message to enqueue."""

    key: str
    platform: str
    channel_id: str
    part: Part
    index: int = 0
    parent_key: str | None = None
    subscription_id: int | None = None
    story_id: int | None = None
    #: Key of a row this message links to (e.g. a story's first post); see ``Delivery``.
    link_key: str | None = None


async def enqueue(session: AsyncSession, items: Sequence[Outgoing], now: datetime) -> int:
    """Insert rows whose key is new; existing keys are left alone. Returns rows added."""
    if not items:
        return 0
    dumped: dict[int, str] = {}  # a fan-out sends one part object to many channels
    values = [{
        "key": o.key, "parent_key": o.parent_key, "link_key": o.link_key,
        "subscription_id": o.subscription_id,
        "platform": o.platform, "channel_id": o.channel_id, "story_id": o.story_id,
        "part": o.index, "payload": _dump(o.part, dumped), "status": "pending",
        "attempts": 0, "next_attempt_at": now, "created_at": now,
    } for o in items]
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    if dialect != "postgresql":
        # One cached statement run as executemany: a multi-row VALUES statement is compiled
        # afresh for every size, on the event loop, while the writer lock is held (1,500
        # rows: 0.3-0.5 s of CPU against 0.02 s this way). SQLite sums the rows inserted.
        result = await session.execute(
            sqlite_insert(DELIVERIES).on_conflict_do_nothing(index_elements=["key"]), values)
        return int(result.rowcount)  # type: ignore[attr-defined]  # an INSERT's CursorResult
    # PostgreSQL's dialect is imported only for a PostgreSQL store (about 30 ms at start).
    from sqlalchemy.dialects.postgresql import insert

    added = 0
    for start in range(0, len(values), ENQUEUE_CHUNK):  # inside the bound-parameter limit
        stmt = (insert(Delivery).values(values[start:start + ENQUEUE_CHUNK])
                .on_conflict_do_nothing(index_elements=["key"]))
        result = await session.execute(stmt)
        added += int(result.rowcount)  # type: ignore[attr-defined]
    return added


#: Rows per INSERT statement.
ENQUEUE_CHUNK = 500


def _dump(part: Part, dumped: dict[int, str]) -> str:
    payload = dumped.get(id(part))
    if payload is None:
        payload = dumped[id(part)] = dump_part(part)
    return payload


DELIVERIES: Table = Delivery.__table__  # type: ignore[assignment]

#: Row ids per claiming UPDATE (well inside SQLite's bound-parameter limit).
CLAIM_CHUNK = 500


def shard_clause(platform: str, shards: Shards):  # type: ignore[no-untyped-def]
    """Rows of ``platform`` whose space (the subscription's) is on ``shards``: by the
    subscription's stored route. A subscription with a space but no route yet waits for
    ``route_subscriptions``; rows without a space (DMs) go through shard 0."""
    route = (select(Subscription.route)
             .where(Subscription.id == Delivery.subscription_id).scalar_subquery())
    space = (select(Subscription.space_id)
             .where(Subscription.id == Delivery.subscription_id).scalar_subquery())
    clause: ColumnElement[bool] = (route % shards.count).in_(list(shards.ids))
    if 0 in shards.ids:
        clause = or_(clause, space.is_(None))  # DMs go through shard 0
    return or_(Delivery.platform != platform, clause)


async def route_subscriptions(session: AsyncSession, platform: str, shards: Shards) -> int:
    """Store the route of each subscription of ``platform`` that has a space but no route
    yet (the platform's routing is the adapter's: ``shards.route_of``). Returns how many."""
    rows = (await session.execute(select(Subscription.id, Subscription.space_id).where(
        Subscription.platform == platform, Subscription.route.is_(None),
        Subscription.space_id.is_not(None),  # pragma: no mutate (`if space` drops them too)
    ))).tuples().all()
    routed = [{"sub_id": sub_id, "new_route": shards.route_of(space)}
              for sub_id, space in rows if space]
    if routed:
        table: Table = Subscription.__table__  # type: ignore[assignment]
        await session.execute(update(table).where(table.c.id == bindparam("sub_id"))
                              .values(route=bindparam("new_route")), routed)
    return len(routed)


def due_conditions(now: datetime, platforms: Sequence[str], *,  # type: ignore[no-untyped-def]
                   worker: str | None = None, shards: Mapping[str, Shards] | None = None):
    """What makes a row ready to send (see ``due_query``)."""
    parent = aliased(Delivery)
    parent_unsent = exists().where(and_(parent.key == Delivery.parent_key,
                                        parent.status != "sent"))
    linked = aliased(Delivery)
    linked_waiting = exists().where(and_(linked.key == Delivery.link_key,
                                         linked.status.in_(("pending", "claimed"))))
    conditions = [
        Delivery.platform.in_(platforms),
        or_(
            and_(Delivery.status == "pending", Delivery.next_attempt_at <= now),
            and_(Delivery.status == "claimed", Delivery.lease_until < now),
        ),
        # A NULL key matches no row, so each NOT EXISTS would hold alone (no mutate).
        or_(Delivery.parent_key.is_(None), ~parent_unsent),  # pragma: no mutate
        or_(Delivery.link_key.is_(None), ~linked_waiting),  # pragma: no mutate
    ]
    if worker is not None:
        other = aliased(Delivery)
        conditions.append(~exists().where(
            other.platform == Delivery.platform, other.channel_id == Delivery.channel_id,
            other.status == "claimed", other.claimed_by != worker, other.lease_until >= now))
    for platform, held in (shards or {}).items():
        conditions.append(shard_clause(platform, held))
    return conditions


def due_query(now: datetime, platforms: Sequence[str], limit: int, *,  # type: ignore[no-untyped-def]
              worker: str | None = None, shards: Mapping[str, Shards] | None = None):
    """Rows ready to send: pending and due, or claimed by a holder whose lease ran out;
    a thread reply only once its parent has been sent; a row linking to another only once
    that one is sent (or never will be).

    ``worker``: skip channels another live worker is sending to (one sender per channel
    keeps its order across processes). ``shards``: only rows of the spaces this process
    holds, per sharded platform.
    """
    conditions = due_conditions(now, platforms, worker=worker, shards=shards)
    return select(Delivery).where(*conditions).order_by(Delivery.id).limit(limit)


@functools.lru_cache(maxsize=16)
def _due_statement(platforms: tuple[str, ...], worker: str,
                   shards: tuple[tuple[str, Shards], ...]) -> Select[Any]:
    """``due_query`` with ``now`` as the bound parameter ``due_now`` (no limit)."""
    now: Any = bindparam("due_now")
    conditions = due_conditions(now, platforms, worker=worker, shards=dict(shards))
    return select(*DELIVERIES.c).where(*conditions).order_by(Delivery.id)


async def claim(session: AsyncSession, *, worker: str, platforms: Sequence[str],
                now: datetime, limit: int = 100, lease: timedelta = LEASE,
                shards: Mapping[str, Shards] | None = None,
                channels: int | None = None) -> list[Row[Any]]:
    """Claim due rows for ``worker`` (``FOR UPDATE SKIP LOCKED`` on PostgreSQL).

    Returns plain rows (the ``deliveries`` columns as read before claiming): loading ORM
    objects costs more than the claim itself in a big fan-out.

    The thread replies of a post claimed here are claimed with it (they follow their post
    in the channel's order), so a post and its thread go out in one pass. On PostgreSQL
    claims are serialised by an advisory transaction lock (they are short), so a channel
    being claimed by one process is seen as taken by the next.

    ``channels``: take rows of at most this many channels (oldest first), so one process
    does not take every channel's queue while other processes idle.
    """
    postgres = session.bind is not None and session.bind.dialect.name == "postgresql"
    if postgres:
        await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CLAIM_LOCK})
    for platform, held in (shards or {}).items():
        await route_subscriptions(session, platform, held)
    params: dict[str, Any] = {}  # pragma: no mutate (no parameters and None run the same)
    if channels is None:
        # Built once per (platforms, worker, shards): building this statement costs more
        # CPU (on the event loop) than running it, and a busy sender claims often.
        query = _due_statement(tuple(platforms), worker,
                               tuple(sorted((shards or {}).items()))).limit(limit)
        params = {"due_now": now}
    else:
        query = due_query(now, platforms, limit,
                          worker=worker,  # pragma: no mutate (picked channels are free)
                          shards=shards).with_only_columns(*DELIVERIES.c)
    if channels is not None:
        conditions = due_conditions(now, platforms, worker=worker, shards=shards)
        picked = (await session.execute(
            select(Delivery.platform, Delivery.channel_id).where(*conditions)
            .group_by(Delivery.platform, Delivery.channel_id)
            .order_by(func.min(Delivery.id)).limit(channels))).all()
        if not picked:
            return []
        query = query.where(tuple_(Delivery.platform, Delivery.channel_id).in_(
            [tuple(p) for p in picked]))
    if postgres:
        query = query.with_for_update(skip_locked=True, of=Delivery)
    rows = list((await session.execute(query, params)).all())
    if channels is not None:
        # An even share per channel: the rest of a long queue is left for the next claim.
        cap = max(1, -(-limit // channels))
        per: dict[tuple[str, str], int] = {}
        kept = []
        for row in rows:
            n = per[(row.platform, row.channel_id)] = per.get((row.platform, row.channel_id), 0) + 1
            if n <= cap:
                kept.append(row)
        rows = kept
    roots = [r.key for r in rows]
    if roots:
        # Claimable as a row of its own would be: a reply whose claim lapsed with its
        # post's (a holder gone quiet) is taken over with it, not a pass later.
        children = (select(*DELIVERIES.c)
                    .where(Delivery.parent_key.in_(roots), still_claimable(now))
                    .order_by(Delivery.id))
        if postgres:
            children = children.with_for_update(skip_locked=True, of=Delivery)
        seen = {r.id for r in rows}
        rows += [c for c in (await session.execute(children)).all() if c.id not in seen]
        rows.sort(key=lambda r: r.id)
    # One UPDATE per chunk of ids (not one per row), taking only rows still due as read.
    lease_until = now + lease
    ids = [r.id for r in rows]
    taken: set[int] = set()
    for start in range(0, len(ids), CLAIM_CHUNK):
        result = await session.execute(
            update(Delivery).where(Delivery.id.in_(ids[start:start + CLAIM_CHUNK]),
                                   still_claimable(now))
            .values(status="claimed", claimed_by=worker, lease_until=lease_until)
            .returning(Delivery.id)
            .execution_options(synchronize_session=False))
        taken.update(result.scalars())
    return [r for r in rows if r.id in taken]


def still_claimable(now: datetime) -> ColumnElement[bool]:
    """The claiming write's own check that a row read as due still is (issue 19).

    On SQLite the read and the write of a claim are not one atomic step: the driver opens
    the write transaction only at the UPDATE, which may wait for the writer lock while
    the row's holder sends it and records "sent" (or renews its lease). Without this
    check the UPDATE turned a sent row back into a claimed one, and the copy queued from
    the stale read posted it a second time. (PostgreSQL's ``FOR UPDATE`` already locks.)
    """
    return or_(and_(Delivery.status == "pending", Delivery.next_attempt_at <= now),
               and_(Delivery.status == "claimed", Delivery.lease_until < now))


def backoff(attempts: int, retry_after: float | None = None) -> timedelta:
    """Exponential backoff with full jitter, never shorter than the platform asked."""
    # 2**10 s is past MAX_BACKOFF already: a larger exponent cap changes nothing.
    base = min(MAX_BACKOFF.total_seconds(), 2.0 ** min(attempts, 10))  # pragma: no mutate
    delay = random.uniform(base / 2, base)
    return timedelta(seconds=max(delay, retry_after or 0.0))


async def release(session: AsyncSession, worker: str, ids: Sequence[int] | None = None) -> None:
    """Give back this worker's claims (at shutdown, or rows queued behind a failure).

    ``send_started_at`` is kept: a row whose send began has an unknown outcome, and whoever
    claims it next checks the platform before sending again.
    """
    stmt = update(Delivery).where(Delivery.claimed_by == worker, Delivery.status == "claimed")
    if ids is not None:
        stmt = stmt.where(Delivery.id.in_(list(ids)))
    await session.execute(stmt.values(status="pending", claimed_by=None, lease_until=None))


async def recover(session: AsyncSession) -> int:
    """At start of a single-process store (SQLite): claims left by a killed process are
    given back at once instead of after their lease. Returns rows recovered."""
    result = await session.execute(
        update(Delivery).where(Delivery.status == "claimed")
        .values(status="pending", claimed_by=None, lease_until=None))
    return int(result.rowcount)  # type: ignore[attr-defined]  # an UPDATE's CursorResult


async def depth(session: AsyncSession) -> int:
    """How many rows still wait to be sent."""
    return int(await session.scalar(
        select(func.count()).select_from(Delivery)
        .where(Delivery.status.in_(("pending", "claimed")))) or 0)
