"""Fixtures shared by the unit tests: a fresh SQLite store, a fresh PostgreSQL database
on 127.0.0.1 (skipped when none answers), a started loopback adapter talking to the
module's ``fake`` chat server, and what a command handler is given (``deps``)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from bot.deps import Deps
from bot.platforms.loopback import LoopbackAdapter
from bot.store.db import SessionFactory, open_store
from config.settings import load_settings
from tests import storefix
from tests.conftest import FakeClock
from tests.fakes.chat_fake import ChatFake
from tests.storefix import fresh_copy, from_template

PG_SERVER = "postgresql+asyncpg://postgres@127.0.0.1:5432"


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str | None]:
    """One migrated database per session, copied by ``pg_sessions`` (tests/storefix.py)."""
    with storefix.pg_template("postgresql://postgres@127.0.0.1:5432/postgres",
                              lambda name: f"{PG_SERVER}/{name}") as name:
        yield name


@pytest.fixture
async def sessions(tmp_path: Path, migrated_store: Path) -> AsyncIterator[SessionFactory]:
    async with open_store(fresh_copy(migrated_store, tmp_path / "outbox.db")) as (_engine, factory):
        yield factory


@pytest.fixture
async def pg_sessions(pg_template: str | None) -> AsyncIterator[SessionFactory]:
    """A new, migrated PostgreSQL database (a copy of the session's template), dropped
    afterwards."""
    name = f"ceasefire_outbox_{uuid.uuid4().hex[:8]}"
    admin = create_async_engine(f"{PG_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as conn:
            await conn.execute(text(f'CREATE DATABASE "{name}"{from_template(pg_template)}'))
    except Exception as exc:  # no server here: nothing to test against
        await admin.dispose()
        pytest.skip(f"PostgreSQL not available: {type(exc).__name__}")
    try:
        async with open_store(f"{PG_SERVER}/{name}") as (_engine, factory):
            yield factory
    finally:
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()


@pytest.fixture
async def adapter(fake: ChatFake) -> AsyncIterator[LoopbackAdapter]:
    # A call to the local fake times out well before its planned hangs (2 s), and well
    # after a busy host's hiccup (0.5 s timed out once at start-up in CI, stop 43).
    a = LoopbackAdapter(fake.url, zone=UTC, timeout=1.5)
    await a.start()
    yield a
    await a.stop()


#: The handler tests' fixed "now".
HANDLER_NOW = datetime(2025, 3, 12, 9, 0, tzinfo=UTC)


@pytest.fixture
async def deps(sessions: SessionFactory) -> AsyncIterator[Deps]:
    """Default settings, a fresh store and a clock that stays at ``HANDLER_NOW``: handler
    tests dispatch a request with these as the running bot would."""
    async with aiohttp.ClientSession() as http:
        yield Deps(load_settings(env={}), sessions, http, FakeClock(HANDLER_NOW))
