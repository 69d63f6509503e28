"""Engine, sessions and automatic migrations."""

from __future__ import annotations

import ast
import contextlib
import functools
import inspect
import logging
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import event, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, SQLAlchemyError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from bot.errors import ConfigError, StoreError
from bot.store import inlists
from bot.store.problems import store_problem

if TYPE_CHECKING:
    from alembic.config import Config

    from config.settings import Settings

# alembic, filelock and asyncpg are imported where they are used: a store already at the
# newest revision opens without alembic's machinery (``CHECK_HEAD_FIRST``), SQLite never
# needs asyncpg, and only a migration takes the file lock.

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).parent / "migrations"
ASYNC_DRIVERS = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+asyncpg",
                 "postgres": "postgresql+asyncpg"}

SessionFactory = async_sessionmaker[AsyncSession]

#: Pooled SQLite connections (each an aiosqlite thread); no overflow beyond them.
SQLITE_CONNECTIONS = 16
#: KiB of page cache per SQLite connection (SQLite's default: 2,000). In WAL mode a
#: connection empties its cache whenever another one has written since its last read (in
#: the bot, nearly every read), so the cache serves hardly more than one transaction; with
#: 1,024 the 16 caches of a busy moment held 7.3 MiB at once, RSS rising with them
#: (bench/soak.py, ``sqlite_pagecache`` in ``bench/memwatch.py --timeline``).
SQLITE_CACHE_KIB = 256
#: Prepared statements each SQLite connection keeps (Python's default: 128). A statement
#: holds KiB of SQLite memory (about 4 for a 20-id ``IN`` list), and every length of an
#: ``IN (?, ?, ...)`` list is a text of its own: with 128 a connection, the pool's caches
#: kept filling for hours (bench/soak.py: SQLite +67-101 MiB/h, ``sqlite`` in its
#: ``memory_components``; +7-12 with 32). The hot statements (claims, journal, answers)
#: stay cached; a rare one is prepared again, on the connection's thread, not the loop.
SQLITE_STATEMENTS = 32


def async_url(url: str) -> str:
    """Add the async driver to a plain SQLAlchemy URL (``sqlite:///x.db`` -> aiosqlite)."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ConfigError(f"invalid setting database_url: not a database URL ({exc})") from None
    backend = parsed.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise ConfigError(
            f"invalid setting database_url: unsupported database {backend!r} "
            "(use sqlite:///path or postgresql://user@host/db)"
        )
    if "+" not in parsed.drivername:
        parsed = parsed.set(drivername=ASYNC_DRIVERS[parsed.drivername])
    elif parsed.drivername not in ASYNC_DRIVERS.values():
        raise ConfigError(
            f"invalid setting database_url: the driver {parsed.get_driver_name()!r} cannot be "
            f"used (the bot is async): write {backend}://… and "
            f"{ASYNC_DRIVERS[backend].split('+')[1]} is used")
    if backend == "postgresql":
        parsed = parsed.set(query=asyncpg_options(dict(parsed.query)))
    return parsed.render_as_string(hide_password=False)


SSL_MODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")
#: Query options SQLAlchemy's asyncpg dialect takes itself; asyncpg takes its connect()
#: keywords.
_DIALECT_OPTIONS = frozenset({"prepared_statement_cache_size", "prepared_statement_name_func"})


def asyncpg_options(query: dict[str, Any]) -> dict[str, Any]:
    """The URL's query options as asyncpg takes them: libpq's ``sslmode=require`` (what
    hosting providers print) is asyncpg's ``ssl=require``; an option asyncpg does not know
    is named here, not a ``TypeError`` from inside the first connect.

    Raises:
        ConfigError: an option neither asyncpg nor the dialect knows.
    """
    options = dict(query)
    if "sslmode" in options:
        options["ssl"] = options.pop("sslmode")
    if "ssl" in options and options["ssl"] not in SSL_MODES:
        raise ConfigError(f"invalid setting database_url: ssl mode {options['ssl']!r} is not "
                          f"one of {', '.join(SSL_MODES)}")
    import asyncpg

    known = set(inspect.signature(asyncpg.connect).parameters) | _DIALECT_OPTIONS
    unknown = sorted(set(options) - known)
    if unknown:
        raise ConfigError(
            f"invalid setting database_url: unknown option {unknown[0]!r} after '?' "
            "(PostgreSQL URLs take e.g. ?sslmode=require or ?ssl=require)")
    return options


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


def database_url(settings: Settings) -> str:
    """The configured store, else SQLite in the data dir (created here, and only here)."""
    if settings.database_url:
        return settings.database_url
    path = settings.sqlite_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(
            f"the data dir {path.parent} cannot be created "
            f"({'a file has that name' if isinstance(exc, FileExistsError) else exc.strerror}"
            "): set data_dir "
            "or CEASEFIRE_BOT_DATA_DIR to a writable folder") from None
    return sqlite_url(path)


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """Create the engine; SQLite gets WAL, a busy timeout and enforced foreign keys.

    Raises:
        StoreError: a SQLite file whose folder does not exist (a typo must not silently
            create folders; the default data dir is created by whoever chose it).
    """
    url = async_url(url)
    is_sqlite = url.startswith("sqlite")
    in_file = False
    if is_sqlite:
        db_path = make_url(url).database or ""
        in_file = db_path not in ("", ":memory:") and "mode=memory" not in db_path
        if in_file:
            # A SQLite URI ("file:/path?mode=ro", with uri=true) names its file after "file:".
            folder = Path(db_path.removeprefix("file:").split("?")[0]).expanduser().parent
            if not folder.is_dir():
                raise StoreError(f"the database folder {folder} does not exist: create it, "
                                 "or fix --db / CEASEFIRE_BOT_DATABASE_URL")
        kwargs.setdefault("connect_args", {"timeout": 30,
                                           "cached_statements": SQLITE_STATEMENTS})
    if is_sqlite and in_file:
        # A fixed set of connections: overflow connections were opened and closed again
        # with every burst (a thread, a file handle, the schema parsed, a page cache each:
        # CPU on the loop and churn in the allocator); SQLite writes one at a time anyway,
        # and reads (WAL) and the handlers' round trips overlap across these.
        kwargs.setdefault("pool_size", SQLITE_CONNECTIONS)
        kwargs.setdefault("max_overflow", 0)
        kwargs.setdefault("pool_timeout", 60)
    elif not is_sqlite:
        kwargs.setdefault("pool_pre_ping", True)
    engine = create_async_engine(url, **kwargs)
    if is_sqlite:
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        # A handful of texts per IN query, not one per list length (bot/store/inlists.py).
        event.listen(engine.sync_engine, "before_cursor_execute",
                     inlists.before_cursor_execute, retval=True)
    return engine


#: Tries at turning a new SQLite file to WAL while another process does the same: SQLite
#: answers that change "database is locked" at once, without its busy handler, when two
#: connections race for it (two bots started together on a fresh folder: 8-10 of 40 such
#: pairs failed in a stress loop, stop 43). WAL is kept in the file, so a file already in
#: WAL is not asked again, and only a new file's first connections ever wait (the wait
#: holds the loop: it happens while the store opens, before anything is served).
WAL_TRIES = 50
#: Seconds between those tries.
WAL_WAIT = 0.1


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    from tenacity import Retrying, retry_if_exception, stop_after_attempt, wait_fixed

    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    for attempt in Retrying(stop=stop_after_attempt(WAL_TRIES), wait=wait_fixed(WAL_WAIT),
                            retry=retry_if_exception(_locked), reraise=True):
        with attempt:
            cursor.execute("PRAGMA journal_mode")
            if str(cursor.fetchone()[0]).lower() != "wal":
                cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # Each pooled connection keeps its own page cache (default 2 MB, filling up as the
    # store grows); the OS caches the file for all of them. Bounded per connection.
    cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
    cursor.close()


def _locked(exc: BaseException) -> bool:
    return "database is locked" in str(exc)


def alembic_config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


#: Seconds a process waits for another one's SQLite migration before giving up.
MIGRATION_WAIT = 300.0

#: PostgreSQL advisory lock key held while migrating ("cfb-migr" as a 64-bit integer), so
#: several processes starting at once upgrade one after another, never side by side.
MIGRATION_LOCK = 0x6366622D6D696772


async def migrate(engine: AsyncEngine) -> None:
    """Bring the schema to the newest revision (idempotent; safe at every start).

    Processes starting together upgrade one after another, never side by side: on
    PostgreSQL under a transaction-level advisory lock, on a SQLite file under a file lock
    beside it (SQLite's own locking does not cover alembic's "is the table there yet?"
    check and the ``CREATE TABLE`` that follows). The others wait, then find the schema
    at head.
    """

    if CHECK_HEAD_FIRST and await at_head(engine):
        return
    from filelock import AsyncFileLock
    from filelock import Timeout as FileLockTimeout

    def upgrade(connection: Connection) -> None:
        if CREATE_EMPTY_AT_ONCE and create_if_empty(connection):
            return
        from alembic import command

        # "heads": branches merged from parallel work may each add a revision.
        command.upgrade(alembic_config(connection), "heads")

    async with contextlib.AsyncExitStack() as stack:
        lock = migration_lock_path(engine)
        if lock is not None:
            try:
                await stack.enter_async_context(AsyncFileLock(lock, timeout=MIGRATION_WAIT))
            except FileLockTimeout:
                raise ConfigError(f"another process has been migrating the database for "
                                  f"{MIGRATION_WAIT:g} s (lock {lock}); is one stuck?") from None
        async with engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                await conn.execute(text("SELECT pg_advisory_xact_lock(:key)"),
                                   {"key": MIGRATION_LOCK})
            await conn.run_sync(upgrade)


#: Read the stored revisions first and leave alembic out when they are the newest ones
#: (its import, its scripts and its upgrade cost a start about 0.2 s of CPU). False: alembic
#: looks at every start, under the migration lock, as before.
CHECK_HEAD_FIRST = True

#: A store without any table (a new folder, a new database) gets the models' schema in one
#: step and alembic's newest revisions stamped, instead of every migration in turn: alembic's
#: import and scripts, and SQLite's tables rebuilt by batch operations, cost a new folder's
#: start about 0.2 s of CPU and 0.5 s. tests/unit/test_schema_at_once.py compares the two
#: schemas (SQLite and PostgreSQL). False: alembic migrates from empty, as before.
CREATE_EMPTY_AT_ONCE = True


def create_if_empty(connection: Connection) -> bool:
    """Create the newest schema at once in a database with no table, and stamp it at the
    newest revisions; False (nothing done) when a table is there or the revisions are not
    read without alembic (``head_revisions``): then alembic migrates. Called under the
    migration lock, in the migration's transaction."""
    from sqlalchemy import Column, MetaData, PrimaryKeyConstraint, String, Table, inspect

    from bot.store.models import Base

    heads = head_revisions()
    if heads is None or inspect(connection).get_table_names():
        return False
    # alembic's own version table, as its first upgrade creates it.
    versions = Table("alembic_version", MetaData(),
                     Column("version_num", String(32), nullable=False),
                     PrimaryKeyConstraint("version_num", name="alembic_version_pkc"))
    Base.metadata.create_all(connection)
    versions.create(connection)
    connection.execute(versions.insert(), [{"version_num": head} for head in sorted(heads)])
    log.debug("new store: schema created at revision %s", ", ".join(sorted(heads)))
    return True


_ASSIGNMENT = re.compile(r"^(revision|down_revision)\s*(?::[^=]*)?=\s*(.+?)\s*$", re.M)


@functools.cache
def head_revisions() -> frozenset[str] | None:
    """The newest revisions, read from the migration files' ``revision`` and
    ``down_revision`` lines without alembic; None when a file is not in that shape (then
    alembic decides)."""
    revisions: set[str] = set()
    older: set[str] = set()
    for script in sorted((MIGRATIONS / "versions").glob("*.py")):
        if script.name == "__init__.py":
            continue
        found: dict[str, Any] = {}
        for name, value in _ASSIGNMENT.findall(script.read_text(encoding="utf-8")):
            try:
                found[name] = ast.literal_eval(value)
            except (ValueError, SyntaxError):
                return None
        revision, down = found.get("revision"), found.get("down_revision")
        if not isinstance(revision, str) or "down_revision" not in found:
            return None
        revisions.add(revision)
        for parent in (down,) if isinstance(down, str) else (down or ()):
            if not isinstance(parent, str):
                return None
            older.add(parent)
    heads = frozenset(revisions - older)
    return heads or None


async def at_head(engine: AsyncEngine) -> bool:
    """Whether the store's ``alembic_version`` rows are exactly the newest revisions.

    A failure to connect is raised as alembic's upgrade would raise it (the same
    connection); a missing or unreadable version table only means "ask alembic"."""
    heads = head_revisions()
    if heads is None:
        return False
    async with engine.connect() as conn:
        try:
            stored = (await conn.execute(text("SELECT version_num FROM alembic_version"))
                      ).scalars().all()
        except DBAPIError:
            return False
    return len(stored) == len(heads) and set(stored) == heads


def migration_lock_path(engine: AsyncEngine) -> Path | None:
    """``<database>.migrate.lock`` beside a SQLite file (None: another database, or one
    in memory, which no other process can open)."""
    if engine.dialect.name != "sqlite":
        return None
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    path = Path(database).expanduser()
    return path.with_name(path.name + ".migrate.lock")


def _driver_errors(engine: AsyncEngine) -> tuple[type[Exception], ...]:
    """asyncpg's own errors, which SQLAlchemy does not wrap (a PostgreSQL store only:
    SQLite never imports asyncpg)."""
    if engine.dialect.name != "postgresql":
        return ()
    import asyncpg

    return (asyncpg.PostgresError,)


def session_factory(engine: AsyncEngine) -> SessionFactory:
    return async_sessionmaker(engine, expire_on_commit=False)


@asynccontextmanager
async def open_store(url: str, **kwargs: Any) -> AsyncIterator[tuple[AsyncEngine, SessionFactory]]:
    """Open, migrate, and finally dispose of a store.

    Raises:
        StoreError: the store cannot be reached or upgraded (one line, password masked).
    """
    engine = create_engine(url, **kwargs)
    errors: tuple[type[Exception], ...] = (SQLAlchemyError, OSError, *_driver_errors(engine))
    try:
        try:
            await migrate(engine)
        except errors as exc:
            where = f"the database {make_url(url).render_as_string(hide_password=True)}"
            raise StoreError(store_problem(exc, where=where)) from exc
        yield engine, session_factory(engine)
    finally:
        await engine.dispose()
