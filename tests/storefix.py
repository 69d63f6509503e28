"""Migrated stores built once per session and copied where a test wants a new one.

Migrating an empty store runs every revision's DDL (about 60 ms of CPU on SQLite, about a
second of waiting on PostgreSQL), and a few hundred tests want a new store; copying a migrated
one costs a file copy (SQLite) or ``CREATE DATABASE … TEMPLATE`` (PostgreSQL). The copy still
goes through ``open_store``'s migrate, which finds it at head. Migrating from empty stays
tested where that is the point (``tests/unit/test_store.py``,
``tests/scenario/test_migration_lock.py``, ``tests/scenario/scale/test_pg_store.py``).
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import asyncpg

from bot.store.db import open_store, sqlite_url


def build_template(folder: Path) -> Path:
    """Migrate an empty SQLite file to head and close it (no WAL left beside it)."""
    path = folder / "migrated.db"

    async def migrate() -> None:
        async with open_store(sqlite_url(path)):
            pass

    asyncio.run(migrate())
    return path


def fresh_copy(template: Path, path: Path) -> str:
    """Put a copy of the migrated store at ``path`` (folders made) and return its URL."""
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template, path)
    return sqlite_url(path)


@contextlib.contextmanager
def pg_template(admin_dsn: str, url_of: Callable[[str], str]) -> Iterator[str | None]:
    """The name of a migrated PostgreSQL database to copy, dropped at the end; None when
    no server answers (the fixtures that use it then skip, or fail in CI, as before).

    The name is new in every session: sessions of other checkouts may share the server,
    and a template must have no other connection while it is copied.
    """
    name = f"cfb_template_{uuid.uuid4().hex[:12]}"

    async def admin(sql: str) -> None:
        conn = await asyncpg.connect(admin_dsn, timeout=5)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    async def create() -> None:
        await admin(f'CREATE DATABASE "{name}"')
        async with open_store(url_of(name)):
            pass

    try:
        asyncio.run(create())
    except (OSError, asyncpg.PostgresError):
        with contextlib.suppress(OSError, asyncpg.PostgresError):
            asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        yield None
        return
    try:
        yield name
    finally:
        asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def from_template(template: str | None) -> str:
    """The ``TEMPLATE`` clause of a ``CREATE DATABASE`` (none without a template)."""
    return f' TEMPLATE "{template}"' if template else ""
