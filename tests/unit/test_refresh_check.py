"""The answer index's store checks read indexes: ``articles.updated_at`` is indexed by a
migration that agrees with the models, the refresh check finds what the ``OR`` it replaced
found (and every update, batch after batch), and the saved index's stamp counts the same."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, func, inspect, or_, select, update

from bot.answer.engine import EPOCH, Engine, changed_since
from bot.answer.persist import fetch_stamp
from bot.store.db import SessionFactory, alembic_config, create_engine, open_store, sqlite_url
from bot.store.models import Article, Base
from bot.store.plans import fetch_plan

#: The revision that adds the index, and the head before it.
ADDED = "issue12_updated_at_index"
PREVIOUS = "issue19_id_blocks"
START = datetime(2025, 3, 1, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest) -> SessionFactory:
    factory: SessionFactory = request.getfixturevalue(
        "sessions" if request.param == "sqlite" else "pg_sessions")
    return factory


def article(i: int) -> Article:
    when = START + timedelta(hours=i)
    return Article(guid=f"g{i}", url=f"https://example.test/{i}", title=f"Talks {i}",
                   text=f"Negotiators met for round {i} of the ceasefire talks.",
                   source="Wire", lang="en", published_at=when, fetched_at=when)


async def add_articles(sessions: SessionFactory, numbers: range) -> None:
    async with sessions() as session, session.begin():
        session.add_all([article(i) for i in numbers])


async def stamp_updates(sessions: SessionFactory, stamps: dict[int, datetime]) -> None:
    async with sessions() as session, session.begin():
        for article_id, when in stamps.items():
            await session.execute(update(Article).where(Article.id == article_id)
                                  .values(updated_at=when, update_count=1))


def indexes(conn: Connection) -> set[str]:
    return {str(ix["name"]) for ix in inspect(conn).get_indexes("articles")}


async def test_the_migrations_build_the_schema_the_models_declare(tmp_path: Path) -> None:
    async with open_store(sqlite_url(tmp_path / "new.db")) as (engine, _sessions), \
            engine.connect() as conn:
        differences = await conn.run_sync(
            lambda c: compare_metadata(MigrationContext.configure(c), Base.metadata))
        assert "ix_articles_updated_at" in await conn.run_sync(indexes)
    assert differences == []


async def test_a_store_of_the_previous_head_gets_the_index_at_start(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "old.db")
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(lambda c: command.upgrade(alembic_config(c), PREVIOUS))
            assert "ix_articles_updated_at" not in await conn.run_sync(indexes)
    finally:
        await engine.dispose()
    async with open_store(url) as (engine, _sessions), engine.begin() as conn:
        assert "ix_articles_updated_at" in await conn.run_sync(indexes)
        await conn.run_sync(lambda c: command.downgrade(alembic_config(c), PREVIOUS))
        assert "ix_articles_updated_at" not in await conn.run_sync(indexes)


async def test_on_sqlite_the_checks_read_indexes_not_every_article(
        sessions: SessionFactory) -> None:
    # SQLite plans without statistics (the bot runs no ANALYZE): an empty store is planned
    # as one of 100k articles is.
    async with sessions() as session:
        conn = await session.connection()
        check = await fetch_plan(conn, changed_since(100_000, START))
        old = await fetch_plan(conn, select(Article.id).where(
            or_(Article.id > 100_000, Article.updated_at > START)).order_by(Article.id))
        stamp = await fetch_plan(conn, select(func.count()).select_from(Article))
    assert "SEARCH articles USING INTEGER PRIMARY KEY (rowid>?)" in check
    assert "SEARCH articles USING INDEX ix_articles_updated_at (updated_at>?)" in check
    assert not [line for line in check if line.startswith("SCAN articles")]
    assert "SCAN articles" in old  # what the one OR did, so the plans above are telling
    assert all("COVERING INDEX" in line for line in stamp if line.startswith("SCAN articles"))


async def test_the_check_finds_what_the_or_found(store: SessionFactory) -> None:
    rng = random.Random(12)
    await add_articles(store, range(40))
    async with store() as session:
        ids = sorted((await session.scalars(select(Article.id))).all())
    await stamp_updates(store, {i: START + timedelta(days=rng.randrange(30))
                                for i in rng.sample(ids, 15)})
    for _ in range(25):
        max_id = rng.choice([0, *ids])
        max_updated = rng.choice([EPOCH, START + timedelta(days=rng.randrange(31))])
        async with store() as session:
            found = [r.id for r in await session.execute(
                changed_since(max_id, max_updated, limit=100))]
            expected = list((await session.scalars(select(Article.id).where(or_(
                Article.id > max_id, Article.updated_at > max_updated)).order_by(
                Article.id))).all())
        assert found == expected


async def test_updates_beyond_one_batch_are_all_indexed(store: SessionFactory) -> None:
    """Updated in the opposite order of their ids: a batch in id order would hold the
    newest update first, and the check after it would skip the older ones."""
    await add_articles(store, range(10))
    engine = Engine(refresh_interval=0, refresh_batch=3)
    async with store() as session:
        assert await engine.refresh(session) == 10
    await stamp_updates(store, {engine.max_id - n: START + timedelta(days=n)
                                for n in range(7)})
    await add_articles(store, range(10, 12))
    async with store() as session:
        assert await engine.refresh(session) == 7 + 2
        assert await engine.refresh(session) == 0
    assert engine.max_updated == START + timedelta(days=6)


async def test_the_stamp_counts_the_articles_up_to_its_id(store: SessionFactory) -> None:
    await add_articles(store, range(12))
    async with store() as session, session.begin():
        ids = sorted((await session.scalars(select(Article.id))).all())
        await session.delete(await session.get(Article, ids[3]))
    async with store() as session:
        stamp = await fetch_stamp(session, max_id=ids[8], max_updated=EPOCH)
        whole = await fetch_stamp(session, max_id=ids[-1], max_updated=EPOCH)
    assert (stamp.count, stamp.first_guid, stamp.last_guid) == (8, "g0", "g8")
    assert (whole.count, whole.last_guid) == (11, "g11")
