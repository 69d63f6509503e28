"""PostgreSQL and Redis for the scale-out tests.

Each test gets its own fresh database (``CREATE DATABASE`` with a unique name on the local
server, dropped afterwards), so runs never collide: empty (``pg_url``) where migrating is the
point, else a copy of one migrated in the session (``pg_migrated_url``, tests/storefix.py).
Without a reachable server the tests skip with the reason, except in CI (``CI=true``),
where they fail: `.ci/run` starts both.
Override the servers with ``CEASEFIRE_BOT_TEST_PG`` / ``CEASEFIRE_BOT_TEST_REDIS``.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator

import pytest

from tests import storefix

PG_ADMIN = os.environ.get("CEASEFIRE_BOT_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS = os.environ.get("CEASEFIRE_BOT_TEST_REDIS", "redis://127.0.0.1:6379/0")


def unavailable(what: str, exc: BaseException) -> None:
    reason = f"{what} is not reachable ({type(exc).__name__}: {exc})"
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"{reason}; CI must provide it (.ci/run starts one)", pytrace=False)
    pytest.skip(f"{reason}; start it or set CEASEFIRE_BOT_TEST_PG / _REDIS to run these")


def db_url(name: str) -> str:
    """The asyncpg URL of database ``name`` on the admin URL's server."""
    from sqlalchemy.engine import make_url

    return make_url(PG_ADMIN).set(drivername="postgresql+asyncpg", database=name) \
        .render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str | None]:
    with storefix.pg_template(PG_ADMIN.replace("postgresql+asyncpg://", "postgresql://"),
                              db_url) as name:
        yield name


@pytest.fixture
async def pg_url() -> AsyncIterator[str]:
    """A fresh, empty database of its own; dropped at the end."""
    async for url in new_database(None):
        yield url


@pytest.fixture
async def pg_migrated_url(pg_template: str | None) -> AsyncIterator[str]:
    """A fresh database of its own at the newest revision; dropped at the end."""
    async for url in new_database(pg_template):
        yield url


async def new_database(template: str | None) -> AsyncIterator[str]:
    import asyncpg

    dsn = PG_ADMIN.replace("postgresql+asyncpg://", "postgresql://")
    try:
        admin = await asyncpg.connect(dsn, timeout=5)
    except (OSError, asyncpg.PostgresError) as exc:
        unavailable(f"PostgreSQL at {PG_ADMIN}", exc)
        raise
    name = f"cfb_test_{uuid.uuid4().hex[:12]}"
    try:
        await admin.execute(f'CREATE DATABASE "{name}"{storefix.from_template(template)}')
        yield db_url(name)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


@pytest.fixture
async def redis_url() -> AsyncIterator[str]:
    import redis.asyncio as aioredis
    from redis.exceptions import RedisError

    client = aioredis.from_url(REDIS, socket_connect_timeout=3)
    try:
        await client.ping()
    except (OSError, RedisError) as exc:
        await client.aclose()
        unavailable(f"Redis at {REDIS}", exc)
        raise
    await client.aclose()
    yield REDIS
