"""SQLite ``IN`` lists of every length run as a few statement texts, with the same rows."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import delete, event, select

from bot.store.db import open_store
from bot.store.inlists import bucket, pad_in_lists
from bot.store.models import Feed

WHEN = datetime(2026, 4, 2, 12, 0, tzinfo=UTC)


def test_padding_repeats_the_last_value_of_each_list_only() -> None:
    sql = "SELECT a FROM t WHERE t.x = ? AND t.id IN (?, ?, ?) AND t.k NOT IN (?, ?, ?, ?, ?)"
    padded, params = pad_in_lists(sql, ("a", 1, 2, 3, "p", "q", "r", "s", "t"))
    assert padded == ("SELECT a FROM t WHERE t.x = ? AND t.id IN (?, ?, ?, ?) AND t.k "
                      "NOT IN (?, ?, ?, ?, ?, ?, ?, ?)")
    assert params == ("a", 1, 2, 3, 3, "p", "q", "r", "s", "t", "t", "t", "t")
    assert [bucket(n) for n in (1, 2, 3, 5, 8, 9, 100)] == [1, 2, 4, 8, 8, 16, 128]
    # Parameters that do not line up with the text are left alone.
    assert pad_in_lists("SELECT '?' WHERE id IN (?, ?, ?)", (1, 2, 3)) == (
        "SELECT '?' WHERE id IN (?, ?, ?)", (1, 2, 3))


async def test_lists_of_a_hundred_lengths_run_as_a_few_texts_with_the_same_rows(
        tmp_path: Path) -> None:
    """The way the bot reads and prunes by id lists (claims, retention, articles): every
    list length from 1 to 100, each returning exactly its rows."""
    async with open_store(f"sqlite:///{tmp_path / 'bot.db'}") as (engine, sessions):
        texts: set[str] = set()

        def seen(_c: Any, _cur: Any, statement: str, *_a: Any) -> None:
            if "IN (" in statement:
                texts.add(statement)

        event.listen(engine.sync_engine, "after_cursor_execute", seen)
        async with sessions() as session, session.begin():
            session.add_all(Feed(url=f"https://feed{i}.example/rss", created_at=WHEN)
                            for i in range(200))
        async with sessions() as session:
            ids = list((await session.scalars(select(Feed.id).order_by(Feed.id))).all())
            for n in range(1, 101):
                wanted = ids[n:2 * n]
                got = (await session.scalars(select(Feed.id).where(Feed.id.in_(wanted))
                                             .order_by(Feed.id))).all()
                assert list(got) == wanted
        async with sessions() as session, session.begin():
            await session.execute(delete(Feed).where(Feed.id.in_(ids[:3])))
        async with sessions() as session:
            left = (await session.scalars(select(Feed.id))).all()
        assert sorted(left) == ids[3:]
    assert len(texts) <= 9, len(texts)  # 1, 2, 4, ..., 128 and the delete: not 101
