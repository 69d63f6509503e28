"""SQLite writers of one process take turns in order (``bot.store.gate``): a write waits
for the transaction writing before it, in the order the writes came, while reads go on;
a writer that never gets its turn gets a clear "database is locked" error."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from bot.store.db import open_store
from bot.store.gate import WriterGate, gate_of
from bot.store.models import Feed

WHEN = datetime(2025, 3, 18, 15, 0, tzinfo=UTC)


async def queued(gate: WriterGate, n: int) -> None:
    """Wait until ``n`` writers wait for their turn."""
    for _ in range(3000):
        if gate.queued >= n:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"{gate.queued} writers queued, not {n}")


async def test_writers_take_turns_in_order_and_reads_do_not_wait(tmp_path: Path) -> None:
    async with open_store(f"sqlite:///{tmp_path / 'bot.db'}") as (engine, sessions):
        gate = gate_of(engine)
        assert gate is not None
        order: list[str] = []
        first_wrote, finish_first = asyncio.Event(), asyncio.Event()

        async def first() -> None:
            async with sessions() as session, session.begin():
                session.add(Feed(url="demo:first", created_at=WHEN))
                await session.flush()  # holds the writer's turn until commit
                first_wrote.set()
                await finish_first.wait()
                order.append("first")

        async def later(name: str) -> None:
            async with sessions() as session, session.begin():
                session.add(Feed(url=f"demo:{name}", created_at=WHEN))
                await session.flush()
                order.append(name)

        one = asyncio.create_task(first())
        await first_wrote.wait()
        waiting = []
        for i in range(4):  # each writer reaches its first write, one after another
            waiting.append(asyncio.create_task(later(f"w{i}")))
            await queued(gate, i + 1)
        assert order == [] and not any(t.done() for t in waiting)
        async with sessions() as session:  # a read goes on meanwhile
            assert await session.scalar(select(func.count()).select_from(Feed)) == 0
        finish_first.set()
        await asyncio.wait_for(asyncio.gather(one, *waiting), 30)
        assert order == ["first", "w0", "w1", "w2", "w3"]
        async with sessions() as session:
            assert await session.scalar(select(func.count()).select_from(Feed)) == 5


async def test_a_writer_left_waiting_gets_a_locked_error_and_the_store_goes_on(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("bot.store.gate.WAIT", 0.3)
    monkeypatch.setattr(WriterGate.__init__, "__defaults__", (0.3,))
    async with open_store(f"sqlite:///{tmp_path / 'bot.db'}") as (_engine, sessions):
        async with sessions() as holder, holder.begin():
            holder.add(Feed(url="demo:held", created_at=WHEN))
            await holder.flush()
            with pytest.raises(OperationalError, match="database is locked"):
                async with sessions() as other, other.begin():
                    other.add(Feed(url="demo:other", created_at=WHEN))
                    await other.flush()
        async with sessions() as session, session.begin():  # the turn was given back
            session.add(Feed(url="demo:after", created_at=WHEN))
        async with sessions() as session:
            urls = set((await session.scalars(select(Feed.url))).all())
        assert urls == {"demo:held", "demo:after"}
