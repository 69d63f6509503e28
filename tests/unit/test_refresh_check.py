"""The answer index's store checks read indexes: ``articles.updated_at`` and
``articles.changed_at`` are indexed by migrations that agree with the models, the refresh
check finds what an ``OR`` of its two ranges finds (and every update, batch after batch,
ties at a batch boundary, late commits inside the grace window), and the saved index's
stamp counts the same."""

from __future__ import annotations

import itertools
import random
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, event, func, inspect, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.answer import engine as engine_module
from bot.answer.engine import EPOCH, GRACE, Engine, changed_since
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
                   source="Wire", lang="en", published_at=when, fetched_at=when,
                   changed_at=when)


async def add_articles(sessions: SessionFactory, numbers: range) -> None:
    async with sessions() as session, session.begin():
        session.add_all([article(i) for i in numbers])


async def stamp_updates(sessions: SessionFactory, stamps: dict[int, datetime]) -> None:
    """New texts stored at ``stamps`` (as the pipeline's ``apply_update`` writes them)."""
    async with sessions() as session, session.begin():
        for article_id, when in stamps.items():
            await session.execute(update(Article).where(Article.id == article_id).values(
                text=f"Revised at {when:%d %B %H:%M:%S}.", updated_at=when, changed_at=when,
                update_count=1))


def indexes(conn: Connection) -> set[str]:
    return {str(ix["name"]) for ix in inspect(conn).get_indexes("articles")}


async def test_the_migrations_build_the_schema_the_models_declare(tmp_path: Path) -> None:
    async with open_store(sqlite_url(tmp_path / "new.db")) as (engine, _sessions), \
            engine.connect() as conn:
        differences = await conn.run_sync(
            lambda c: compare_metadata(MigrationContext.configure(c), Base.metadata))
        assert {"ix_articles_updated_at", "ix_articles_changed_at"} <= await conn.run_sync(
            indexes)
    assert differences == []


@asynccontextmanager
async def at_revision(url: str, revision: str) -> AsyncIterator[AsyncConnection]:
    """A new store migrated only up to ``revision``, open in a transaction."""
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(lambda c: command.upgrade(alembic_config(c), revision))
            yield conn
    finally:
        await engine.dispose()


async def test_a_store_of_the_previous_head_gets_the_index_at_start(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "old.db")
    async with at_revision(url, PREVIOUS) as conn:
        assert "ix_articles_updated_at" not in await conn.run_sync(indexes)
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
    assert "SEARCH articles USING INDEX ix_articles_changed_at (changed_at>?)" in check
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
        since = rng.choice([EPOCH, START + timedelta(days=rng.randrange(31))])
        async with store() as session:
            found = sorted(r.id for r in await session.execute(
                changed_since(max_id, since, limit=100)))
            expected = list((await session.scalars(select(Article.id).where(or_(
                Article.id > max_id, Article.changed_at >= since)).order_by(
                Article.id))).all())
        assert found == expected


async def test_updates_beyond_one_batch_are_all_indexed(store: SessionFactory) -> None:
    """Updated in the opposite order of their ids: a batch in id order would hold the
    newest update first, and the check after it would skip the older ones."""
    await add_articles(store, range(10))
    engine = Engine(refresh_interval=0, refresh_batch=3)
    async with store() as session:
        assert await engine.refresh(session) == 10
    await stamp_updates(store, {engine.max_id - n: START + timedelta(days=1 + n)
                                for n in range(7)})
    await add_articles(store, range(10, 12))
    async with store() as session:
        assert await engine.refresh(session) == 7 + 2
        assert await engine.refresh(session) == 0
    assert engine.changed_to == START + timedelta(days=7)


async def test_the_stamp_counts_the_articles_up_to_its_id(store: SessionFactory) -> None:
    await add_articles(store, range(12))
    async with store() as session, session.begin():
        ids = sorted((await session.scalars(select(Article.id))).all())
        await session.delete(await session.get(Article, ids[3]))
    async with store() as session:
        stamp = await fetch_stamp(session, max_id=ids[8], changed_to=EPOCH)
        whole = await fetch_stamp(session, max_id=ids[-1], changed_to=EPOCH)
    assert (stamp.count, stamp.first_guid, stamp.last_guid) == (8, "g0", "g8")
    assert (whole.count, whole.last_guid) == (11, "g11")


class Ticks:
    """The engine's seconds, moved by hand (the grace window's time, not the news's)."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


async def indexed_text(store: SessionFactory, engine: Engine, words: str) -> set[int]:
    """The ids of the articles the index holds with all of ``words`` (their current text)."""
    ids: set[int] | None = None
    for token in engine.analyzer.tokens(words):
        token_id = engine.index.token_id(token)
        found = set() if token_id is None else {
            int(engine.index.segments[seg].ids[p]) for seg, docs, _ in
            engine.index.postings(token_id) for p in docs
            if engine.index.segments[seg].alive[p]}
        ids = found if ids is None else ids & found
    return ids or set()


async def test_updates_sharing_one_stamp_across_a_batch_boundary_are_all_indexed(
        store: SessionFactory) -> None:
    await add_articles(store, range(10))
    engine = Engine(refresh_interval=0, refresh_batch=3)
    async with store() as session:
        assert await engine.refresh(session) == 10
    at = START + timedelta(days=2)
    await stamp_updates(store, {engine.max_id - n: at for n in range(7)})
    async with store() as session:
        assert await engine.refresh(session) == 7
        assert await engine.refresh(session) == 0
    assert await indexed_text(store, engine, f"Revised at {at:%d %B %H:%M:%S}") == {
        engine.max_id - n for n in range(7)}


async def test_a_text_stamped_earlier_but_committed_later_is_indexed_once(
        store: SessionFactory) -> None:
    """Two writers: the one that stamped later commits first and is indexed; the other's
    text, stamped inside the grace window before it, is still read, and only once."""
    await add_articles(store, range(6))
    engine = Engine(refresh_interval=0)
    async with store() as session:
        assert await engine.refresh(session) == 6
    first, late = engine.max_id, engine.max_id - 1
    at = START + timedelta(days=1)
    await stamp_updates(store, {first: at})
    async with store() as session:
        assert await engine.refresh(session) == 1
    early = at - GRACE / 2
    await stamp_updates(store, {late: early})
    async with store() as session:
        assert await engine.refresh(session) == 1
        assert await engine.refresh(session) == 0  # the window is read again, not indexed
    assert await indexed_text(store, engine, f"Revised at {early:%d %B %H:%M:%S}") == {late}
    assert engine.changed_to == at


async def test_once_the_grace_window_has_passed_a_check_reads_past_the_watermark(
        store: SessionFactory) -> None:
    """The window closes ``GRACE`` after the watermark last rose: an idle store's check
    reads nothing. (A text stamped before it and committed that late is not read: the
    bound the grace window stands for.)"""
    await add_articles(store, range(4))
    ticks = Ticks()
    engine = Engine(refresh_interval=0, ticks=ticks)
    async with store() as session:
        assert await engine.refresh(session) == 4
    at = START + timedelta(days=1)
    await stamp_updates(store, {engine.max_id: at})
    async with store() as session:
        assert await engine.refresh(session) == 1
        ticks.now += GRACE.total_seconds()
        assert await engine.refresh(session) == 0
        assert await engine.refresh(session) == 0
    assert engine.recent == {}
    await stamp_updates(store, {engine.max_id - 1: at - timedelta(seconds=1),
                                engine.max_id - 2: at + timedelta(seconds=1)})
    async with store() as session:
        assert await engine.refresh(session) == 1
    assert engine.changed_to == at + timedelta(seconds=1)


async def test_a_store_of_the_previous_head_gets_changed_at_filled_in(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "old.db")
    async with at_revision(url, ADDED) as conn:
        for n, updated in enumerate([None, START + timedelta(days=3)]):
            await conn.execute(Article.__table__.insert().values(
                guid=f"g{n}", url=f"https://example.test/{n}", title="Talks",
                text="Negotiators met.", source="Wire", lang="en", published_at=START,
                fetched_at=START + timedelta(hours=n), updated_at=updated))
    async with open_store(url) as (engine, sessions):
        async with sessions() as session:
            rows = (await session.execute(select(Article.guid, Article.changed_at)
                                          .order_by(Article.guid))).tuples().all()
        assert rows == [("g0", START), ("g1", START + timedelta(days=3))]
        async with engine.begin() as conn:
            assert "ix_articles_changed_at" in await conn.run_sync(indexes)
            await conn.run_sync(lambda c: command.downgrade(alembic_config(c), ADDED))
            assert "ix_articles_changed_at" not in await conn.run_sync(indexes)
            assert "changed_at" not in {c["name"] for c in await conn.run_sync(
                lambda c: inspect(c).get_columns("articles"))}


class TextReads:
    """The store's SELECTs while it is open, run again afterwards to count the rows that
    came back with a text: what the checks loaded, whichever queries the engine used."""

    def __init__(self, sessions: SessionFactory) -> None:
        self.sessions = sessions
        self.statements: list[tuple[str, Any]] = []

    def record(self, _conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any
               ) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            self.statements.append((statement, parameters))

    @asynccontextmanager
    async def watching(self) -> AsyncIterator[TextReads]:
        async with self.sessions() as session:
            engine = (await session.connection()).engine.sync_engine
        self.statements = []
        event.listen(engine, "after_cursor_execute", self.record)
        try:
            yield self
        finally:
            event.remove(engine, "after_cursor_execute", self.record)

    async def count(self) -> int:
        """Rows with a text among the recorded statements' results (the store unchanged
        since they ran)."""
        loaded = 0
        async with self.sessions() as session:
            conn = await session.connection()
            for statement, parameters in self.statements:
                result = await conn.exec_driver_sql(statement, parameters)
                if "text" in result.keys():
                    loaded += sum(row["text"] is not None for row in result.mappings())
        return loaded


async def checked(store: SessionFactory, engine: Engine) -> tuple[int, int]:
    """(articles the check indexed, texts it loaded)."""
    reads = TextReads(store)
    async with reads.watching(), store() as session:
        added = await engine.refresh(session, force=True)
    return added, await reads.count()


@pytest.mark.parametrize("batch", [3, 1000])
async def test_inside_the_grace_window_a_check_loads_only_the_texts_it_indexes(
        store: SessionFactory, batch: int) -> None:
    """Texts indexed at their stamp are skipped without their text being read again (the
    old check loaded every text of the window on each check, about once a second)."""
    await add_articles(store, range(12))
    ticks = Ticks()
    engine = Engine(refresh_interval=0, refresh_batch=batch, ticks=ticks)
    assert await checked(store, engine) == (12, 12)
    at = START + timedelta(days=2)
    await stamp_updates(store, {engine.max_id - n: at for n in range(8)})
    assert await checked(store, engine) == (8, 8)
    assert await checked(store, engine) == (0, 0)  # the window read again: keys only
    await stamp_updates(store, {engine.max_id - 9: at - GRACE / 2,
                                engine.max_id - 1: at + timedelta(days=1)})
    await add_articles(store, range(12, 14))
    assert await checked(store, engine) == (4, 4)
    assert await checked(store, engine) == (0, 0)
    ticks.now += GRACE.total_seconds()
    assert await checked(store, engine) == (0, 0)
    assert engine.recent == {}
    assert await indexed_text(store, engine, f"Revised at {at:%d %B %H:%M:%S}") == {
        engine.max_id - 2 - n for n in range(8) if n != 1}


async def test_after_a_restart_the_saved_window_is_skipped_unread(
        store: SessionFactory, tmp_path: Path) -> None:
    await add_articles(store, range(6))
    first = Engine(refresh_interval=0, index_dir=tmp_path / "ix")
    assert await checked(store, first) == (6, 6)
    at = START + timedelta(days=2)
    await stamp_updates(store, {first.max_id - n: at for n in range(4)})
    assert await checked(store, first) == (4, 4)
    again = Engine(analyzer=first.analyzer, refresh_interval=0, index_dir=tmp_path / "ix")
    assert await checked(store, again) == (0, 0)
    assert again.recent == first.recent and len(again.recent) == 4


async def test_texts_are_read_in_chunks_of_ids(store: SessionFactory,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine_module, "TEXT_CHUNK", 2)
    await add_articles(store, range(8))
    engine = Engine(refresh_interval=0)
    assert await checked(store, engine) == (8, 8)
    at = START + timedelta(days=2)
    await stamp_updates(store, {engine.max_id - n: at for n in range(5)})
    await add_articles(store, range(8, 11))
    reads = TextReads(store)
    async with reads.watching(), store() as session:
        assert await engine.refresh(session, force=True) == 5 + 3
    assert len(reads.statements) == 1 + 3 + 1  # the keys, 3 chunks of ids, the new ids
    assert await reads.count() == 5 + 3
    assert await indexed_text(store, engine, f"Revised at {at:%d %B %H:%M:%S}") == {
        engine.max_id - 3 - n for n in range(5)}


async def test_on_sqlite_the_check_reads_the_changed_range_from_its_index_alone(
        sessions: SessionFactory) -> None:
    async with sessions() as session:
        check = await fetch_plan(await session.connection(),
                                 changed_since(100_000, START, texts=False))
    assert "SEARCH articles USING COVERING INDEX ix_articles_changed_at (changed_at>?)" in check
    assert "SEARCH articles USING INTEGER PRIMARY KEY (rowid>?)" in check


async def test_the_check_without_texts_finds_the_same_rows(store: SessionFactory) -> None:
    await add_articles(store, range(12))
    async with store() as session:
        ids = sorted((await session.scalars(select(Article.id))).all())
    await stamp_updates(store, {i: START + timedelta(days=n % 3)
                                for n, i in enumerate(ids[::2])})
    grid = itertools.product([0, ids[3], ids[-1]], [START, START + timedelta(days=1)],
                             [None, 0, ids[4]], [2, 100])
    async with store() as session:
        for max_id, since, after_id, limit in grid:
            keys = {"max_id": max_id, "since": since, "after_id": after_id, "limit": limit}
            full = (await session.execute(changed_since(**keys))).all()
            bare = (await session.execute(changed_since(**keys, texts=False))).all()
            assert [tuple(r) for r in bare] == [(r.id, r.changed_at) for r in full], keys
