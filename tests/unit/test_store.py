"""The store: migrations at every start, URLs with their async driver, UTC times."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import inspect, select

from bot.errors import ConfigError
from bot.store.db import async_url, open_store
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
