"""The late writer (``bot.store.later``): rows written after the reply, in batches, never
lost at shutdown, a bad row or a dying writer task never losing the others, and answer ids
handed out before the write that a restart never hands out again."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.db import SessionFactory, open_store, sqlite_url
from bot.store.later import ID_GAP, LateWriter
from bot.store.models import AnswerLog

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[tuple[Path, SessionFactory]]:
    path = tmp_path / "bot.db"
    async with open_store(sqlite_url(path)) as (_engine, sessions):
        yield path, sessions


def answer(question: str, now: datetime = NOW) -> AnswerLog:
    return AnswerLog(platform="loopback", channel_id="C1", question=question,
                     answerable=True, article_ids=[], created_at=now)


async def answers(sessions: SessionFactory) -> dict[int, str]:
    async with sessions() as session:
        return dict((await session.execute(
            select(AnswerLog.id, AnswerLog.question))).tuples().all())


async def insert(writer: LateWriter, sessions: SessionFactory, row: AnswerLog) -> int:
    async with sessions() as session:
        return await writer.insert(session, ("loopback", "C1"), row)


@pytest.mark.parametrize("later", [timedelta(days=1), timedelta(days=365)])
async def test_rows_queued_while_the_writer_is_held_are_written_after_it_in_one_batch(
        store: tuple[Path, SessionFactory], later: timedelta) -> None:
    path, sessions = store
    writer = LateWriter(sessions, id_block=8)
    first = await insert(writer, sessions, answer("first"))  # the process's first block
    await writer.drain()
    before = writer.transactions
    holder = sqlite3.connect(path, timeout=30)
    holder.execute("BEGIN IMMEDIATE")  # another transaction holds SQLite's writer
    try:
        ids = [await insert(writer, sessions, answer(f"q{i}", NOW + later))
               for i in range(5)]
        assert ids == sorted(ids) and len(set(ids)) == 5  # known before any write
        assert await answers(sessions) == {first: "first"}
        settled = asyncio.create_task(writer.settled(("loopback", "C1")))
        await asyncio.sleep(0.2)
        assert not settled.done()
    finally:
        holder.rollback()
        holder.close()
    await settled
    assert await answers(sessions) == {first: "first"} | {i: f"q{n}" for n, i in enumerate(ids)}
    assert writer.transactions - before <= 2  # the first alone at most, the rest together


async def test_drain_writes_everything_queued_and_a_bad_row_loses_no_other(
        store: tuple[Path, SessionFactory], caplog: pytest.LogCaptureFixture) -> None:
    _path, sessions = store
    writer = LateWriter(sessions)
    holder_ids = [await insert(writer, sessions, answer("first"))]

    async def broken(session: AsyncSession) -> None:
        raise ValueError("not a row")

    writer.add(("loopback", "C1"), broken)
    holder_ids.append(await insert(writer, sessions, answer("second")))
    with caplog.at_level(logging.INFO, logger="bot.store.later"):
        await writer.drain()
    assert await answers(sessions) == {holder_ids[0]: "first", holder_ids[1]: "second"}
    assert writer.failed == 1
    assert "a late row could not be written" in caplog.text


async def test_a_writer_task_that_is_cancelled_is_logged_restarted_and_loses_nothing(
        store: tuple[Path, SessionFactory], caplog: pytest.LogCaptureFixture) -> None:
    _path, sessions = store
    writer = LateWriter(sessions)
    busy, go_on = asyncio.Event(), asyncio.Event()

    async def slow(session: AsyncSession) -> None:
        busy.set()
        await go_on.wait()

    writer.add(("loopback", "C1"), slow)
    ids = [await insert(writer, sessions, answer(f"q{i}")) for i in range(3)]
    await busy.wait()
    task = writer._task
    assert task is not None and not task.done()
    with caplog.at_level(logging.ERROR, logger="bot.store.later"):
        task.cancel()
        await asyncio.wait([task])
    assert "late writer cancelled" in caplog.text
    restarted = writer._task
    assert restarted is not None and restarted is not task and not restarted.done()
    go_on.set()
    await writer.drain()
    assert sorted(await answers(sessions)) == ids


async def test_ids_handed_out_but_never_written_are_not_handed_out_after_a_restart(
        store: tuple[Path, SessionFactory]) -> None:
    """A process killed with rows queued gave their ids to replies' buttons already."""
    _path, sessions = store
    first = LateWriter(sessions)
    written = await insert(first, sessions, answer("written"))
    await first.drain()
    async with sessions() as session:  # given to replies, then killed before writing
        lost = [await first._allocate(session, "answers") for _ in range(3)]
    second = LateWriter(sessions)
    again = await insert(second, sessions, answer("after restart"))
    await second.drain()
    assert again > max(lost) > written
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(AnswerLog)) == 2


async def test_the_first_block_starts_past_ids_the_previous_version_may_have_handed_out(
        store: tuple[Path, SessionFactory]) -> None:
    """Before the counter, a process counted on from the highest id plus ``ID_GAP``."""
    path, sessions = store
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO answers (id, platform, channel_id, question, answerable,"
                     " article_ids, created_at) VALUES (5000, 'loopback', 'C1', 'old', 1,"
                     " '[]', '2026-03-10 12:00:00')")
    writer = LateWriter(sessions)
    first = await insert(writer, sessions, answer("new"))
    await writer.drain()
    assert first > 5000 + ID_GAP


async def test_a_block_starts_past_rows_written_beyond_the_counter(
        store: tuple[Path, SessionFactory]) -> None:
    path, sessions = store
    writer = LateWriter(sessions, id_block=4)
    ids = [await insert(writer, sessions, answer(f"q{i}")) for i in range(4)]
    beyond = ids[-1] + 100
    await writer.drain()  # nothing of ours holds the writer while this blocks the loop
    with sqlite3.connect(path) as conn:  # written by something that ignores the counter
        conn.execute("INSERT INTO answers (id, platform, channel_id, question, answerable,"
                     " article_ids, created_at) VALUES (?, 'loopback', 'C1', 'x', 1, '[]',"
                     " '2026-03-10 12:00:00')", (beyond,))
    # The block reserved before that write is used up; the one reserved after starts past.
    more = [await insert(writer, sessions, answer(f"r{i}")) for i in range(5)]
    assert max(more[:4]) < beyond < more[4]
    await writer.drain()
    assert writer.failed == 0


async def test_the_next_block_is_reserved_before_the_current_one_runs_out(
        store: tuple[Path, SessionFactory]) -> None:
    """So a request takes its id without waiting for another transaction to let go
    of SQLite's writer."""
    path, sessions = store
    writer = LateWriter(sessions, id_block=8)
    taken = [await insert(writer, sessions, answer(f"q{i}")) for i in range(7)]
    await writer.drain()  # the refill started with a quarter of the block left has finished
    holder = sqlite3.connect(path, timeout=30)
    holder.execute("BEGIN IMMEDIATE")
    try:
        more = await asyncio.wait_for(
            asyncio.gather(*(insert(writer, sessions, answer(f"r{i}")) for i in range(6))), 5)
    finally:
        holder.rollback()
        holder.close()
    assert len(set(taken + more)) == 13
    await writer.drain()
    assert len(await answers(sessions)) == 13


async def test_two_processes_answering_into_one_sqlite_file_never_collide(
        tmp_path: Path) -> None:
    """Two stores (two engines, as two processes) hand out ids and write them at once:
    every row is written, none dropped for a taken id."""
    url = sqlite_url(tmp_path / "bot.db")
    async with open_store(url) as (_e1, one), open_store(url) as (_e2, two):
        writers = [LateWriter(one, id_block=7), LateWriter(two, id_block=7)]

        async def answering(n: int) -> list[int]:
            writer, sessions = writers[n], (one, two)[n]
            ids = []
            for i in range(60):
                ids.append(await insert(writer, sessions, answer(f"p{n} q{i}")))
                await asyncio.sleep(0)  # the other process answers meanwhile
            return ids

        handed = await asyncio.gather(answering(0), answering(1))
        await asyncio.gather(*(w.drain() for w in writers))
        assert len(set(handed[0]) | set(handed[1])) == 120
        assert [w.failed for w in writers] == [0, 0]
        stored = await answers(one)
        assert len(stored) == 120
        assert all(stored[i] == f"p{n} q{k}" for n in (0, 1) for k, i in enumerate(handed[n]))


async def test_a_block_is_reserved_while_the_requests_hold_every_pooled_connection(
        tmp_path: Path) -> None:
    """Each request asking for an id holds a pooled connection (its reads); the block
    is reserved on a connection of its own, never waiting for the pool."""
    url = sqlite_url(tmp_path / "bot.db")
    async with open_store(url, pool_size=2, pool_timeout=2) as (_engine, sessions):
        writer = LateWriter(sessions)

        async def request(n: int) -> int:
            async with sessions() as session, session.begin():
                await session.scalar(select(func.count()).select_from(AnswerLog))
                return await writer.insert(session, ("loopback", f"C{n}"), answer(f"q{n}"))

        ids = await asyncio.wait_for(asyncio.gather(request(0), request(1)), 30)
        await writer.drain()
        assert sorted(await answers(sessions)) == sorted(ids)
