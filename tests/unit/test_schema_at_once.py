"""A store with no table is created at once from the models and stamped at alembic's newest
revisions (``CREATE_EMPTY_AT_ONCE``): the schema is the one every migration in turn builds
(tables, columns in their order, types, nullability, defaults, keys, indexes, constraints,
the version rows), on SQLite and PostgreSQL; alembic takes over from it (upgrade is a no-op,
downgrade and upgrade again work), and a store with any table is left to alembic."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, inspect, text
from sqlalchemy.ext.asyncio import create_async_engine

from bot.store import db
from bot.store.db import alembic_config, create_engine, head_revisions, open_store, sqlite_url
from bot.store.models import Base

PG_SERVER = "postgresql+asyncpg://postgres@127.0.0.1:5432"
#: A revision before the newest ones (as tests/unit/test_refresh_check.py steps back to).
PREVIOUS = "issue19_id_blocks"


def schema(conn: Connection) -> dict[str, Any]:
    """Everything the inspector reads of every table, columns in their order, and the
    stored revisions."""
    found = inspect(conn)
    tables: dict[str, Any] = {}
    for table in sorted(found.get_table_names()):
        tables[table] = {
            "columns": [(c["name"], str(c["type"]), c["nullable"], str(c.get("default")),
                         c.get("autoincrement")) for c in found.get_columns(table)],
            "primary key": found.get_pk_constraint(table),
            "foreign keys": sorted(map(repr, found.get_foreign_keys(table))),
            "indexes": sorted(map(repr, found.get_indexes(table))),
            "unique": sorted(map(repr, found.get_unique_constraints(table))),
            "checks": sorted(map(repr, found.get_check_constraints(table))),
        }
    if conn.dialect.name == "postgresql":
        tables["sequences"] = sorted(found.get_sequence_names())
    else:
        tables["sqlite_master"] = sorted(conn.exec_driver_sql(
            "SELECT type, name, tbl_name FROM sqlite_master").all())
    tables["revisions"] = sorted(conn.exec_driver_sql(
        "SELECT version_num FROM alembic_version").scalars())
    return tables


def record_upgrades(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """alembic's upgrades run from now on (each still runs)."""
    upgrades: list[str] = []
    real = command.upgrade

    def upgrade(config: Any, revision: str, **kwargs: Any) -> None:
        upgrades.append(revision)
        real(config, revision, **kwargs)

    monkeypatch.setattr(command, "upgrade", upgrade)
    return upgrades


async def schema_of(url: str, *, at_once: bool, monkeypatch: pytest.MonkeyPatch
                    ) -> tuple[dict[str, Any], list[str]]:
    """The schema a new store at ``url`` gets, and the alembic upgrades that built it."""
    monkeypatch.setattr(db, "CREATE_EMPTY_AT_ONCE", at_once)
    upgrades = record_upgrades(monkeypatch)
    async with open_store(url) as (engine, _sessions), engine.connect() as conn:
        return await conn.run_sync(schema), upgrades


@pytest.fixture
async def empty_pg() -> AsyncIterator[Callable[[], str]]:
    """New, empty PostgreSQL databases (dropped at the end); skipped without a server."""
    admin = create_async_engine(f"{PG_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    names: list[str] = []
    try:
        async with admin.connect() as conn:
            for _ in range(2):
                names.append(f"ceasefire_schema_{uuid.uuid4().hex[:8]}")
                await conn.execute(text(f'CREATE DATABASE "{names[-1]}"'))
    except Exception as exc:  # no server here: nothing to test against
        await admin.dispose()
        pytest.skip(f"PostgreSQL not available: {type(exc).__name__}")
    made = iter(names)
    try:
        yield lambda: f"{PG_SERVER}/{next(made)}"
    finally:
        async with admin.connect() as conn:
            for name in names:
                await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()


async def test_sqlite_created_at_once_has_the_schema_the_migrations_build(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    migrated, upgrades = await schema_of(sqlite_url(tmp_path / "migrated.db"), at_once=False,
                                         monkeypatch=monkeypatch)
    assert upgrades == ["heads"]  # every migration in turn
    created, upgrades = await schema_of(sqlite_url(tmp_path / "created.db"), at_once=True,
                                        monkeypatch=monkeypatch)
    assert upgrades == []  # at once, without alembic
    assert created == migrated
    assert set(created["revisions"]) == head_revisions()
    assert len(created) > 10  # the tables were read


async def test_postgresql_created_at_once_has_the_schema_the_migrations_build(
        empty_pg: Callable[[], str], monkeypatch: pytest.MonkeyPatch) -> None:
    migrated, upgrades = await schema_of(empty_pg(), at_once=False, monkeypatch=monkeypatch)
    assert upgrades == ["heads"]
    created, upgrades = await schema_of(empty_pg(), at_once=True, monkeypatch=monkeypatch)
    assert upgrades == []
    assert created == migrated
    assert set(created["revisions"]) == head_revisions()
    assert created["sequences"]  # PostgreSQL's own parts were read


async def test_alembic_takes_over_a_store_created_at_once(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "created.db")
    async with open_store(url):
        pass
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(lambda c: command.upgrade(alembic_config(c), "heads"))
            assert await conn.run_sync(lambda c: compare_metadata(
                MigrationContext.configure(c), Base.metadata)) == []
            await conn.run_sync(lambda c: command.downgrade(alembic_config(c), PREVIOUS))
            assert "ix_articles_updated_at" not in {
                ix["name"] for ix in await conn.run_sync(
                    lambda c: inspect(c).get_indexes("articles"))}
            await conn.run_sync(lambda c: command.upgrade(alembic_config(c), "heads"))
            assert set((await conn.execute(text("SELECT version_num FROM alembic_version"))
                        ).scalars()) == head_revisions()
    finally:
        await engine.dispose()


async def test_a_store_with_any_table_is_left_to_alembic(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = sqlite_url(tmp_path / "old.db")
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:  # a store migrated up to an older revision
            await conn.run_sync(lambda c: command.upgrade(alembic_config(c), PREVIOUS))
            assert not await conn.run_sync(db.create_if_empty)
    finally:
        await engine.dispose()
    upgrades = record_upgrades(monkeypatch)
    async with open_store(url) as (engine, _sessions), engine.connect() as conn:
        assert set((await conn.execute(text("SELECT version_num FROM alembic_version"))
                    ).scalars()) == head_revisions()
        assert "ix_articles_updated_at" in {
            ix["name"] for ix in await conn.run_sync(
                lambda c: inspect(c).get_indexes("articles"))}
    assert upgrades == ["heads"]
