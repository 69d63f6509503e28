"""The late writer on PostgreSQL (issue 19): an answer's id comes from the table's own
sequence before its row is written, so two processes (two writers) never hand out the
same id and an insert that takes the default id afterwards does not collide."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from bot.store.db import open_store
from bot.store.later import LateWriter
from bot.store.models import AnswerLog

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def answer(question: str) -> AnswerLog:
    return AnswerLog(platform="discord", channel_id="C1", question=question,
                     answerable=False, article_ids=[], created_at=NOW)


async def test_two_processes_get_distinct_ids_from_the_sequence(pg_url: str) -> None:
    async with open_store(pg_url) as (_engine, sessions):
        one, two = LateWriter(sessions), LateWriter(sessions)  # as two processes would
        ids: list[int] = []
        for _ in range(3):
            for writer in (one, two):
                async with sessions() as session:
                    ids.append(await writer.insert(session, ("discord", "C1"),
                                                   answer(f"q{len(ids)}")))
        await one.drain()
        await two.drain()
        async with sessions() as session, session.begin():
            session.add(answer("written directly"))  # takes the sequence's next value
        async with sessions() as session:
            stored = dict((await session.execute(
                select(AnswerLog.id, AnswerLog.question))).tuples().all())
    assert len(set(ids)) == 6
    assert {stored[i] for i in ids} == {f"q{n}" for n in range(6)}
    assert len(stored) == 7 and max(stored) > max(ids)
    assert one.failed == two.failed == 0
