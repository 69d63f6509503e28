"""The store: migrations at every start, URLs with their async driver, UTC times."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import inspect, select, text

from bot.errors import ConfigError
from bot.store.db import alembic_config, async_url, create_engine, open_store
from bot.store.models import Feed


@pytest.mark.parametrize(("given", "expected"), [
    ("sqlite:///data/bot.db", "sqlite+aiosqlite:///data/bot.db"),
    ("postgresql://bot@db/bot", "postgresql+asyncpg://bot@db/bot"),
    ("postgresql+asyncpg://bot@db/bot", "postgresql+asyncpg://bot@db/bot"),
])
def test_async_driver_is_added_when_missing(given: str, expected: str) -> None:
    assert async_url(given) == expected


def test_unsupported_or_malformed_urls_are_config_errors() -> None:
    with pytest.raises(ConfigError, match="unsupported database 'mysql'"):
        async_url("mysql://root@db/bot")
    with pytest.raises(ConfigError, match="not a database URL"):
        async_url("not a url")


async def test_migrations_create_the_schema_once_and_times_stay_utc(tmp_path: Path) -> None:
    (tmp_path / "nested" / "dir").mkdir(parents=True)
    url = f"sqlite:///{tmp_path / 'nested' / 'dir' / 'bot.db'}"
    when = datetime(2025, 3, 18, 15, 0, tzinfo=UTC)
    async with open_store(url) as (engine, sessions):
        async with engine.connect() as conn:
            tables = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
        assert {"feeds", "articles", "stories", "subscriptions", "deliveries",
                "posted_stories", "answers", "feedback", "alembic_version"} <= tables
        async with sessions() as session, session.begin():
            session.add(Feed(url="demo:x", created_at=when))
    async with open_store(url) as (_engine, sessions), sessions() as session:
        feed = await session.scalar(select(Feed))
        assert feed is not None
        assert feed.created_at == when and feed.created_at.tzinfo is not None


async def test_a_store_from_before_link_keys_is_upgraded_with_its_queue_kept(
        tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(lambda c: command.upgrade(alembic_config(c),
                                                          "issue8_rate_windows"))
            await conn.execute(text(
                "INSERT INTO deliveries (key, platform, channel_id, part, payload, status, "
                "attempts, next_attempt_at, created_at) VALUES ('k:p0', 'console', 'C', 0, "
                "'{}', 'pending', 0, '2025-03-18 15:00:00', '2025-03-18 15:00:00')"))
    finally:
        await engine.dispose()
    async with open_store(url) as (engine, _sessions), engine.connect() as conn:
        rows = (await conn.execute(text("SELECT key, link_key FROM deliveries"))).all()
    assert [tuple(r) for r in rows] == [("k:p0", None)]


async def test_a_burst_reuses_a_fixed_set_of_connections_each_with_a_bounded_cache(
        tmp_path: Path) -> None:
    """Issue 19: connections beyond the pool were opened and closed with every burst (a
    thread, the schema, a page cache each); now bursts share a fixed set."""
    from sqlalchemy import event

    from bot.store.db import SQLITE_CACHE_KIB, SQLITE_CONNECTIONS

    async with open_store(f"sqlite:///{tmp_path / 'bot.db'}") as (engine, sessions):
        opened: list[int] = []
        event.listen(engine.sync_engine, "connect", lambda *_: opened.append(1))

        async def read() -> int:
            async with sessions() as session:
                await asyncio.sleep(0.01)  # hold the connection while the others start
                return int(await session.scalar(text("PRAGMA cache_size")) or 0)

        for burst in range(3):
            caches = await asyncio.gather(*(read() for _ in range(3 * SQLITE_CONNECTIONS)))
            assert set(caches) == {-SQLITE_CACHE_KIB}
            if burst == 0:
                first = len(opened)
        assert 1 <= len(opened) <= SQLITE_CONNECTIONS
        assert len(opened) == first  # later bursts opened nothing new


def _sqlite_page_caches() -> int | None:
    """Bytes SQLite's page caches hold in this process (its own counter), or None."""
    from bench.memwatch import sqlite_memory

    used = sqlite_memory()
    return None if used is None else used[1]


#: The whole pool's page caches together (issue 19: with 1 MiB a connection, the caches of
#: a busy moment reached 7.3 MiB at once in the soak, RSS rising with them).
PAGE_CACHE_BUDGET = 4.5 * 2**20


async def test_the_whole_pool_reading_at_once_holds_a_few_mib_of_pages(
        tmp_path: Path) -> None:
    """Every pooled connection scans a 2.4 MB table inside one open transaction (each
    cache fills as far as it may); SQLite's page caches then hold at most the pool's
    budget (2.7 MB here; with 1 MiB a connection, 14.8 MB)."""
    from bot.store.db import SQLITE_CONNECTIONS

    if _sqlite_page_caches() is None:
        pytest.skip("no shared libsqlite3 to ask")
    async with open_store(f"sqlite:///{tmp_path / 'bot.db'}") as (engine, sessions):
        async with engine.begin() as conn:
            await conn.execute(text("CREATE TABLE big (id INTEGER PRIMARY KEY, body TEXT)"))
            await conn.execute(text("INSERT INTO big (body) VALUES (:b)"),
                               [{"b": f"{n:04d}" * 1000} for n in range(600)])
        before = _sqlite_page_caches() or 0
        scanned = asyncio.Event()
        done = 0

        async def scan() -> int:
            nonlocal done
            async with sessions() as session, session.begin():
                rows = await session.scalar(text("SELECT count(*) FROM big WHERE body > ''"))
                done += 1
                if done == SQLITE_CONNECTIONS:
                    scanned.set()
                await scanned.wait()  # every connection holds its pages at the same time
                held = (_sqlite_page_caches() or 0) - before
                return held if rows == 600 else -1

        held = await asyncio.wait_for(
            asyncio.gather(*(scan() for _ in range(SQLITE_CONNECTIONS))), 60)
    assert min(held) >= 0
    assert 0 < max(held) <= PAGE_CACHE_BUDGET, max(held)


def _sqlite_memory_used() -> int | None:
    """Bytes SQLite has allocated in this process (its own counter), or None."""
    from bench.memwatch import sqlite_memory

    used = sqlite_memory()
    return None if used is None else used[0]


async def test_a_connection_keeps_a_bounded_number_of_prepared_statements(
        tmp_path: Path) -> None:
    """Issue 19: each pooled connection kept Python's default of 128 prepared statements,
    and every length of an ``IN (...)`` list is a statement of its own, so SQLite's memory
    grew for hours. Now a connection keeps ``SQLITE_STATEMENTS``: four times as many
    distinct statements hold about as much memory as that many."""
    from bot.store.db import SQLITE_STATEMENTS

    if _sqlite_memory_used() is None:
        pytest.skip("no shared libsqlite3 to ask")
    async with open_store(f"sqlite:///{tmp_path / 'bot.db'}") as (engine, _sessions), \
            engine.connect() as conn:
        await conn.exec_driver_sql("SELECT count(*) FROM deliveries")

        async def distinct_statements(start: int, count: int) -> int:
            for n in range(start, start + count):  # same shape, a text of its own each
                await conn.exec_driver_sql(
                    "SELECT deliveries.id, deliveries.key FROM deliveries JOIN subscriptions"
                    " ON subscriptions.id = deliveries.subscription_id WHERE deliveries.id"
                    f" IN ({', '.join(str(n + i) for i in range(20))}) ORDER BY 1")
            return _sqlite_memory_used() or 0

        base = _sqlite_memory_used() or 0
        some = await distinct_statements(0, SQLITE_STATEMENTS) - base
        many = await distinct_statements(SQLITE_STATEMENTS, 3 * SQLITE_STATEMENTS) - base
    assert some > 0
    assert many < 1.5 * some, (some, many)


def test_the_newest_revisions_read_from_the_files_are_alembics_heads() -> None:
    """``head_revisions`` reads the migration files without alembic; it must name what
    alembic's own script directory calls the heads (a new migration keeps them in step)."""
    from alembic.script import ScriptDirectory

    from bot.store.db import head_revisions

    assert head_revisions() == set(ScriptDirectory.from_config(alembic_config()).get_heads())


async def test_a_store_at_the_newest_revision_opens_without_alembic(
        tmp_path: Path, migrated_store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Stop 42: the stored revisions are read first; alembic (its import, its scripts, its
    upgrade under the migration lock) runs only for a store that is not at head. With the
    switch off it runs at every start, as before."""
    import bot.store.db as db
    from tests.storefix import fresh_copy

    upgrades: list[str] = []
    real_upgrade = command.upgrade

    def counted(config: object, revision: str) -> None:
        upgrades.append(revision)
        real_upgrade(config, revision)  # type: ignore[arg-type]

    monkeypatch.setattr(command, "upgrade", counted)
    url = fresh_copy(migrated_store, tmp_path / "at-head.db")
    async with open_store(url) as (_engine, sessions), sessions() as session:
        assert await session.scalar(select(Feed)) is None
    assert upgrades == []
    assert not (tmp_path / "at-head.db.migrate.lock").exists()
    monkeypatch.setattr(db, "CHECK_HEAD_FIRST", False)
    async with open_store(url):
        pass
    assert upgrades == ["heads"]


async def test_a_store_behind_or_without_a_version_table_is_still_upgraded(
        tmp_path: Path, migrated_store: Path) -> None:
    """The cheap check only skips alembic when every stored revision is a head: a store
    one revision behind, or one whose version table is gone, goes through alembic."""
    from tests.storefix import fresh_copy

    behind = fresh_copy(migrated_store, tmp_path / "behind.db")
    engine = create_engine(behind)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(lambda c: command.downgrade(alembic_config(c),
                                                            "issue12_updated_at_index"))
            assert "changed_at" not in await conn.run_sync(
                lambda c: {col["name"] for col in inspect(c).get_columns("articles")})
    finally:
        await engine.dispose()
    async with open_store(behind) as (engine, _sessions), engine.connect() as conn:
        columns = await conn.run_sync(
            lambda c: {col["name"] for col in inspect(c).get_columns("articles")})
        versions = (await conn.execute(text("SELECT version_num FROM alembic_version"))
                    ).scalars().all()
    assert "issue12_changed_at" in versions and "changed_at" in columns
    fresh = f"sqlite:///{tmp_path / 'fresh.db'}"
    async with open_store(fresh) as (engine, _sessions), engine.connect() as conn:
        tables = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
    assert {"feeds", "alembic_version"} <= tables
