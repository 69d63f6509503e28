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
    writer = LateWriter(sessions)
    holder = sqlite3.connect(path, timeout=30)
    holder.execute("BEGIN IMMEDIATE")  # another transaction holds SQLite's writer
    try:
        ids = [await insert(writer, sessions, answer(f"q{i}", NOW + later))
               for i in range(5)]
        assert ids == sorted(ids) and len(set(ids)) == 5  # known before any write
        settled = asyncio.create_task(writer.settled(("loopback", "C1")))
        await asyncio.sleep(0.2)
        assert not settled.done()
        assert await answers(sessions) == {}
    finally:
        holder.rollback()
        holder.close()
    await settled
    assert await answers(sessions) == {i: f"q{n}" for n, i in enumerate(ids)}
    assert writer.transactions <= 2  # the first row alone at most, the rest together


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
    assert again >= written + ID_GAP
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(AnswerLog)) == 2
