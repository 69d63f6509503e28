"""The outbox's PostgreSQL-only rules, through its public functions (issue 18: outbox
mutants). Several processes share one PostgreSQL outbox; what keeps each message sent
once and each channel with one sender is checked here, one rule per test: a fan-out
larger than one INSERT is stored once, a claim waits for another process's claim to
commit (the advisory lock) and then leaves that channel alone, and rows another
transaction has locked are passed over, not waited for (``SKIP LOCKED``), replies too.

Skipped when no PostgreSQL answers on 127.0.0.1 (``pg_sessions``, conftest)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, text

from bot.delivery import outbox
from bot.model import UpdatePost
from bot.store.db import SessionFactory
from bot.store.models import Delivery

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
POST = UpdatePost(1, "Talks resume", ("Delegations met.",), ("Wire",), NOW, "en")
#: How long a claim may take here at most; a claim that waits on a lock it should skip
#: (or never takes one it should wait on) fails within this instead of hanging.
PATIENCE = 10.0


def out(key: str, channel: str, **extra: Any) -> outbox.Outgoing:
    return outbox.Outgoing(key=key, platform="loopback", channel_id=channel, part=POST, **extra)


def worker(name: str) -> str:
    """A name new in every test: claim caches its statement per worker."""
    return f"{name}-{uuid.uuid4().hex[:8]}"


async def claim(sessions: SessionFactory, name: str, **kwargs: Any) -> list[str]:
    async with sessions() as session, session.begin():
        rows = await outbox.claim(session, worker=name, platforms=["loopback"], now=NOW,
                                  **kwargs)
    return [r.key for r in rows]


async def test_a_fan_out_larger_than_one_insert_is_stored_once(
        pg_sessions: SessionFactory) -> None:
    items = [out(f"k{n}", f"C{n}") for n in range(outbox.ENQUEUE_CHUNK + 1)]
    async with pg_sessions() as session, session.begin():
        assert await outbox.enqueue(session, items, NOW) == len(items)
        assert await outbox.enqueue(session, [*items[-2:], out("new", "C0")], NOW) == 1
    async with pg_sessions() as session:
        keys = (await session.scalars(select(Delivery.key))).all()
        assert sorted(keys) == sorted([i.key for i in items] + ["new"])
        assert await outbox.depth(session) == len(items) + 1


async def waiting_on_advisory_lock(sessions: SessionFactory) -> bool:
    async with sessions() as session:
        found = await session.scalar(text(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND wait_event_type = 'Lock' AND wait_event = 'advisory'"))
    return bool(found)


async def blocked(task: asyncio.Task[Any], sessions: SessionFactory) -> bool:
    """Wait until ``task`` ends or waits on the advisory lock; True for the latter."""
    while not task.done():
        if await waiting_on_advisory_lock(sessions):
            return True
        await asyncio.wait({task}, timeout=0.01)
    return False


async def test_a_claim_waits_for_another_process_claim_and_leaves_its_channel_alone(
        pg_sessions: SessionFactory) -> None:
    """w1 claims A's first row and has not committed yet; w2's claim must not take A's
    second row meanwhile (two senders in one channel would break its order)."""
    async with pg_sessions() as session, session.begin():
        await outbox.enqueue(session, [out("a1", "A"), out("a2", "A"), out("b1", "B")], NOW)
    first, second = worker("w1"), worker("w2")
    async with pg_sessions() as session:
        await session.begin()
        rows = await outbox.claim(session, worker=first, platforms=["loopback"], now=NOW,
                                  limit=1)
        assert [r.key for r in rows] == ["a1"]
        other = asyncio.create_task(claim(pg_sessions, second))
        async with asyncio.timeout(PATIENCE):
            assert await blocked(other, pg_sessions)  # until the first claim commits
        await session.commit()
    async with asyncio.timeout(PATIENCE):
        assert await other == ["b1"]
    assert await claim(pg_sessions, first) == ["a2"]


async def test_rows_locked_by_another_transaction_are_passed_over_not_waited_for(
        pg_sessions: SessionFactory) -> None:
    """A post whose row another transaction holds is skipped; a reply held so is left
    out of its post's claim."""
    async with pg_sessions() as session, session.begin():
        await outbox.enqueue(session, [
            out("held", "A"), out("p", "B"), out("r1", "B", parent_key="p", index=1),
            out("r2", "B", parent_key="p", index=2)], NOW)
    async with pg_sessions() as holder:
        await holder.begin()
        await holder.execute(select(Delivery.id).where(Delivery.key.in_(("held", "r1")))
                             .with_for_update())
        async with asyncio.timeout(PATIENCE):
            assert await claim(pg_sessions, worker("w1")) == ["p", "r2"]
        await holder.rollback()

