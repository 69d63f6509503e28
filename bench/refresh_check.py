"""`Engine.refresh`'s store check when nothing changed: before ``ix_articles_updated_at``
(stop 28's one ``OR``), stop 29's ``UNION ALL`` on ``updated_at``, stop 30's check on
``changed_at`` that read every text it found (full texts), and this head's check
(``read_changes``: keys first, then only the texts to index), in one run, so their ratios do
not depend on the host's load.

    python bench/refresh_check.py [--docs 100000] [--rounds 10] [--checks 40] [--pg URL]

Stores ``--docs`` synthetic articles (``bench/answer.py``'s generator and seed; one in a
hundred updated once; each ``changed_at`` its fetch or update time, the newest
``WINDOW_ROWS`` stored by one poll ten minutes after the rest) in a SQLite store migrated to
head, and a copy of it downgraded to ``issue19_id_blocks`` (no index on ``updated_at``, no
``changed_at``); with ``--pg`` (an admin URL such as
``postgresql://postgres@127.0.0.1:5432/postgres``) the same in two new PostgreSQL databases,
dropped at the end. Each round times ``--checks`` checks of every cell in turn, each check a
session of its own asking for what is newer than the newest article and update stored, as
the bot asks about once a second: at head, once inside the grace window (the last poll's
``WINDOW_ROWS`` are read again and skipped by the engine) and once after it has passed
(nothing read); the head's check as the engine runs it (``read_changes``, given the
window's (id, ``changed_at``) as indexed), stop 30's as one query; and the whole check of
an engine that holds the store (``Engine.refresh``, its state set, its index empty: only
the check is timed), this head's and stop 30's (``bench/refresh_stop30.py``); and the first
batch a rebuild reads (``REFRESH_BATCH`` new articles, once a round), both ways. Also times
``fetch_stamp`` (the saved index's check at a restart and after a save), and checks that
the queries find the same rows once articles are added and
updated. Prints the query plans, a table, then one line of JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import gc
import json
import random
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import asyncpg  # noqa: E402
from alembic import command  # noqa: E402
from sqlalchemy import (  # noqa: E402
    CompoundSelect,
    Executable,
    Row,
    func,
    or_,
    select,
    text,
    union_all,
    update,
)
from sqlalchemy.engine import make_url  # noqa: E402
from sqlalchemy.ext.asyncio import AsyncSession  # noqa: E402

from bench.answer import demo_sentences, fill, pct  # noqa: E402
from bench.refresh_stop30 import Stop30Engine  # noqa: E402
from bot.answer.engine import (  # noqa: E402
    EPOCH,
    GRACE,
    REFRESH_BATCH,
    Engine,
    changed_since,
    read_changes,
)
from bot.answer.persist import Stamp, fetch_stamp, stamp_of  # noqa: E402
from bot.store.db import SessionFactory, alembic_config, open_store, sqlite_url  # noqa: E402
from bot.store.models import Article  # noqa: E402
from bot.store.plans import fetch_plan  # noqa: E402
from bot.text.analyzer import Analyzer  # noqa: E402

#: The migration that adds the index, and the head before it.
ADDED = "issue12_updated_at_index"
PREVIOUS = "issue19_id_blocks"
#: One article in this many has been updated once.
UPDATED_EVERY = 100
#: Articles stored by the newest poll (one chunk, one ``changed_at``): what a check inside
#: the grace window reads again.
WINDOW_ROWS = 500


def or_query(max_id: int, max_updated: datetime) -> Executable:
    """The check before this change (``Engine._index_new`` at stop 28)."""
    return (select(Article.id, Article.title, Article.text, Article.lang,
                   Article.published_at, Article.story_id, Article.updated_at)
            .where(or_(Article.id > max_id, Article.updated_at > max_updated))
            .order_by(Article.id).limit(REFRESH_BATCH))


def updated_query(max_id: int, max_updated: datetime, *, limit: int = REFRESH_BATCH
                  ) -> CompoundSelect:
    """Stop 29's check (``changed_since`` on ``updated_at``, the feeds' dates)."""
    columns = (Article.id, Article.title, Article.text, Article.lang, Article.published_at,
               Article.story_id, Article.updated_at)
    new = select(*columns).where(Article.id > max_id)
    updated = (select(*columns).where(Article.updated_at > max_updated, Article.id <= max_id)
               .order_by(Article.updated_at).limit(limit).subquery())
    return union_all(new, select(updated)).order_by(new.selected_columns.id).limit(limit)


def window_start(store: Store, *, settled: bool) -> tuple[datetime, int | None]:
    """Where the keyset starts: ``GRACE`` before the watermark, or past it once settled."""
    assert store.changed_to is not None
    return (store.changed_to, None) if settled else (store.changed_to - GRACE, 0)


def full_texts(*, settled: bool) -> Query:
    """Stop 30's check: one query, every row with its text (``changed_since``'s texts)."""
    def query(store: Store) -> Executable:
        since, after_id = window_start(store, settled=settled)
        return changed_since(store.max_id, since, after_id=after_id)
    return query


def keys_first(*, settled: bool) -> Reader:
    """This head's check as ``Engine._index_new`` makes it: keys of the changed range,
    then the texts of those the index does not hold at that stamp (none here)."""
    async def read(store: Store, session: AsyncSession) -> Batch:
        since, after_id = window_start(store, settled=settled)
        return await read_changes(session, store.max_id, since, after_id=after_id,
                                  upto_id=store.max_id, limit=REFRESH_BATCH,
                                  indexed=store.recent)
    return read


def keys_query(*, settled: bool) -> Query:
    """The first query ``keys_first`` makes (its plan)."""
    def query(store: Store) -> Executable:
        since, after_id = window_start(store, settled=settled)
        return changed_since(store.max_id, since, after_id=after_id, texts=False)
    return query


Query = Callable[["Store"], Executable]
#: (id, ``changed_at``) of a batch's rows, the rows to index with their texts.
Batch = tuple[list[tuple[int, datetime | None]], list[Row]]
Reader = Callable[["Store", AsyncSession], Awaitable[Batch]]
#: The cells of each schema, by name: one query each.
BEFORE: dict[str, Query] = {
    "OR (before)": lambda s: or_query(s.max_id, s.latest_update())}
AFTER: dict[str, Query] = {
    "OR": lambda s: or_query(s.max_id, s.latest_update()),
    "stop 29 UNION ALL, updated_at": lambda s: updated_query(s.max_id, s.latest_update()),
    "changed_at, in grace window, full texts (stop 30)": full_texts(settled=False),
    "changed_at, settled, full texts (stop 30)": full_texts(settled=True)}
#: The head's cells as the engine reads (``read_changes``), with the plan of their first
#: query.
READERS: dict[str, tuple[Reader, Query]] = {
    "changed_at, in grace window, keys first (after)": (keys_first(settled=False),
                                                        keys_query(settled=False)),
    "changed_at, settled, keys first (after)": (keys_first(settled=True),
                                                keys_query(settled=True))}

#: The head's engine cells: (engine, settled).
ENGINES: dict[str, tuple[type[Engine], bool]] = {
    "engine, in grace window, stop 30": (Stop30Engine, False),
    "engine, in grace window (after)": (Engine, False),
    "engine, settled, stop 30": (Stop30Engine, True),
    "engine, settled (after)": (Engine, True)}
ANALYZER = Analyzer()
#: The cells of a rebuild's first batch (``REFRESH_BATCH`` new articles).
REBUILD = "rebuild, first batch read"


@dataclass
class Store:
    """One migrated store holding the articles, and the newest id and update it holds."""

    name: str
    url: str
    sessions: SessionFactory
    max_id: int = 0
    max_updated: datetime | None = None
    #: The newest ``changed_at`` (None: a schema without it).
    changed_to: datetime | None = None
    queries: dict[str, Query] | None = None
    #: (id, ``changed_at``) of the articles inside the grace window: what the engine holds
    #: as indexed when it checks again.
    recent: dict[int, datetime] = field(default_factory=dict)

    def latest_update(self) -> datetime:
        assert self.max_updated is not None
        return self.max_updated


async def mark_updated(sessions: SessionFactory, every: int) -> None:
    """Stamp every article's ``changed_at`` with its fetch time, give one in ``every`` an
    update a day after it was published (stored then), and the newest ``WINDOW_ROWS`` one
    poll's ``changed_at``, ten minutes after everything else."""
    async with sessions() as session, session.begin():
        await session.execute(update(Article).values(changed_at=Article.fetched_at))
        ids = (await session.scalars(select(Article.id).where(Article.id % every == 0))).all()
        rows = (await session.execute(select(Article.id, Article.published_at)
                                      .where(Article.id.in_(ids)))).all()
        for row in rows:
            when = row.published_at + timedelta(days=1)
            await session.execute(update(Article).where(Article.id == row.id).values(
                updated_at=when, changed_at=when, update_count=1))
        newest = (await session.execute(select(func.max(Article.id),
                                                func.max(Article.changed_at)))).one()
        await session.execute(update(Article).where(Article.id > newest[0] - WINDOW_ROWS)
                              .values(changed_at=newest[1] + timedelta(minutes=10)))


async def maxima(store: Store) -> None:
    async with store.sessions() as session:
        row = (await session.execute(
            select(func.max(Article.id), func.max(Article.updated_at)))).one()
        store.max_id, store.max_updated = int(row[0]), row[1]
        if store.queries is AFTER:
            store.changed_to = await session.scalar(select(func.max(Article.changed_at)))
            assert store.changed_to is not None
            window = await session.execute(select(Article.id, Article.changed_at).where(
                Article.changed_at >= store.changed_to - GRACE))
            store.recent = {i: at for i, at in window.tuples() if at is not None}


async def downgrade(store: Store) -> None:
    """Take the store back to the previous head: the schema the bot ran before."""
    async with store.sessions() as session:
        conn = await session.connection()
        await conn.run_sync(lambda c: command.downgrade(alembic_config(c), PREVIOUS))
        await session.commit()


async def explain(store: Store, query: Executable) -> str:
    """The database's plan for ``query``, one line."""
    async with store.sessions() as session:
        return " | ".join(await fetch_plan(await session.connection(), query))


async def timed(calls: int, check: Callable[[], Awaitable[object]]) -> list[float]:
    out: list[float] = []
    for _ in range(calls):
        t0 = time.perf_counter()
        await check()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def refresh_check(store: Store, query: Query, expected: int
                  ) -> Callable[[], Awaitable[object]]:
    async def check() -> object:
        async with store.sessions() as session:
            rows = (await session.execute(query(store))).all()
        assert len(rows) == expected, "nothing was pending (the window read again aside)"
        return rows
    return check


def reader_check(store: Store, reader: Reader, expected: int
                 ) -> Callable[[], Awaitable[object]]:
    async def check() -> object:
        async with store.sessions() as session:
            rows, fresh = await reader(store, session)
        assert (len(rows), fresh) == (expected, []), "the window's keys only, no text"
        return rows
    return check


def holding(store: Store, kind: type[Engine], *, settled: bool) -> Engine:
    """An engine that has indexed ``store`` as it is (its state only: the index stays
    empty), the last poll's rows inside its grace window, which is open or has closed."""
    engine = kind(analyzer=ANALYZER, refresh_interval=0, ticks=lambda: 0.0)
    assert store.changed_to is not None
    engine.max_id, engine.changed_to, engine.recent = (store.max_id, store.changed_to,
                                                       dict(store.recent))
    # The watermark rose now (the window is open), or GRACE before the last check.
    engine._raised_at = -GRACE.total_seconds() if settled else 0.0
    engine._last_check = 0.0
    return engine


def rebuild_read(store: Store, *, keys_first: bool) -> Callable[[], Awaitable[object]]:
    """The first batch a rebuild reads (no article indexed): stop 30's one query, or the
    head's keys then texts (``read_changes``)."""
    expected = min(store.max_id, REFRESH_BATCH)

    async def check() -> object:
        async with store.sessions() as session:
            if keys_first:
                pairs, rows = await read_changes(session, 0, EPOCH, after_id=0, upto_id=0,
                                                 limit=REFRESH_BATCH, indexed={})
                assert len(pairs) == expected
            else:
                rows = list((await session.execute(changed_since(0, EPOCH, upto_id=0))).all())
        assert len(rows) == expected and rows[-1].text
        return rows
    return check


def engine_check(store: Store, kind: type[Engine], *, settled: bool
                 ) -> Callable[[], Awaitable[object]]:
    engine = holding(store, kind, settled=settled)

    async def check() -> object:
        async with store.sessions() as session:
            added = await engine.refresh(session, force=True)
        assert (added, len(engine.recent)) == (0, 0 if settled else WINDOW_ROWS)
        return added
    return check


async def old_stamp(session: AsyncSession, *, max_id: int, changed_to: datetime) -> Stamp:
    """``fetch_stamp`` before stop 29: the ids up to ``max_id`` counted as a range."""
    row = (await session.execute(
        select(func.count(Article.id), func.min(Article.id)).where(Article.id <= max_id))).one()
    return await stamp_of(session, max_id=max_id, changed_to=changed_to,
                          count=int(row[0]), first_id=row[1])


Stamper = Callable[..., Awaitable[Stamp]]
STAMPS: dict[str, Stamper] = {"stamp, range count (before)": old_stamp,
                              "stamp, total less newer (after)": fetch_stamp}


def stamp_check(store: Store, stamper: Stamper) -> Callable[[], Awaitable[object]]:
    async def check() -> object:
        async with store.sessions() as session:
            return await stamper(session, max_id=store.max_id, changed_to=store.latest_update())
    return check


async def same_stamps(store: Store) -> Stamp:
    """Both stamps of the store as it is now, and of an index 10 articles behind it."""
    for max_id in (store.max_id, store.max_id - 10):
        async with store.sessions() as session:
            found = [await stamper(session, max_id=max_id, changed_to=store.latest_update())
                     for stamper in STAMPS.values()]
        assert found[0] == found[1], found
    return found[0]


async def same_rows(store: Store, pool: dict[str, list[str]], rng: random.Random) -> int:
    """Add 3 articles and update 4 old ones (their new text stored an hour after the
    newest): every check past the watermark must find these 7."""
    await fill(store.sessions, store.max_id, 3, pool, rng)
    values: dict[str, object] = {"updated_at": store.latest_update() + timedelta(hours=1),
                                 "update_count": 2}
    if store.changed_to is not None:
        values["changed_at"] = store.changed_to + timedelta(hours=1)
    async with store.sessions() as session, session.begin():
        await session.execute(update(Article).where(Article.id.in_([5, 6, 7, 8]))
                              .values(values))
    found = []
    assert store.queries is not None
    for name, query in store.queries.items():
        if "grace" in name:
            continue
        async with store.sessions() as session:
            found.append(sorted(r.id for r in (await session.execute(query(store))).all()))
    for name, (reader, _query) in READERS.items() if store.queries is AFTER else ():
        if "grace" in name:
            continue
        async with store.sessions() as session:
            pairs, fresh = await reader(store, session)
        found += [sorted(i for i, _at in pairs), sorted(r.id for r in fresh)]
    assert all(f == found[0] for f in found) and len(found[0]) == 7, found
    for kind, settled in ENGINES.values() if store.queries is AFTER else ():
        engine = holding(store, kind, settled=settled)
        async with store.sessions() as session:
            assert await engine.refresh(session, force=True) == 7, kind
    return len(found[0])


@asynccontextmanager
async def sqlite_stores(folder: Path, n_docs: int, pool: dict[str, list[str]]
                        ) -> AsyncIterator[list[Store]]:
    after, before = folder / "after.db", folder / "before.db"
    async with open_store(sqlite_url(after)) as (_engine, sessions):
        await fill(sessions, 0, n_docs, pool, random.Random(7))
        await mark_updated(sessions, UPDATED_EVERY)
    shutil.copyfile(after, before)
    async with open_store(sqlite_url(after)) as (_e1, s_after), \
            open_store(sqlite_url(before)) as (_e2, s_before):
        stores = [Store("sqlite, previous head", sqlite_url(before), s_before, queries=BEFORE),
                  Store("sqlite, head", sqlite_url(after), s_after, queries=AFTER)]
        await downgrade(stores[0])
        yield stores


@asynccontextmanager
async def pg_stores(admin: str, n_docs: int, pool: dict[str, list[str]]
                    ) -> AsyncIterator[list[Store]]:
    names = [f"cfb_updidx_{uuid.uuid4().hex[:10]}" for _ in range(2)]
    base = make_url(admin).set(drivername="postgresql+asyncpg")
    dsn = admin.replace("postgresql+asyncpg://", "postgresql://")

    async def sql(statement: str) -> None:
        conn = await asyncpg.connect(dsn, timeout=5)
        try:
            await conn.execute(statement)
        finally:
            await conn.close()

    for name in names:
        await sql(f'CREATE DATABASE "{name}"')
    try:
        urls = [base.set(database=name).render_as_string(hide_password=False) for name in names]
        async with open_store(urls[0]) as (_e1, s_before), \
                open_store(urls[1]) as (_e2, s_after):
            stores = [Store("postgresql, previous head", urls[0], s_before, queries=BEFORE),
                      Store("postgresql, head", urls[1], s_after, queries=AFTER)]
            for store in stores:
                await fill(store.sessions, 0, n_docs, pool, random.Random(7))
                await mark_updated(store.sessions, UPDATED_EVERY)
            await downgrade(stores[0])
            for store in stores:
                async with store.sessions() as session:
                    await (await session.connection()).execute(text("ANALYZE articles"))
                    await session.commit()
            yield stores
    finally:
        for name in names:
            await sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def measure(stores: list[Store], rounds: int, checks: int
                  ) -> tuple[dict[str, list[float]], dict[str, str]]:
    """Every cell (schema x query, and the stamp per schema), in turn, ``rounds`` times."""
    cells: dict[str, Callable[[], Awaitable[object]]] = {}
    plans: dict[str, str] = {}
    for store in stores:
        await maxima(store)
        assert store.queries is not None
        for qname, query in store.queries.items():
            key = f"{store.name} | {qname}"
            cells[key] = refresh_check(store, query, WINDOW_ROWS if "grace" in qname else 0)
            plans[key] = await explain(store, query(store))
        for rname, (reader, first) in READERS.items() if store.queries is AFTER else ():
            key = f"{store.name} | {rname}"
            cells[key] = reader_check(store, reader, WINDOW_ROWS if "grace" in rname else 0)
            plans[key] = await explain(store, first(store))
        for ename, (kind, settled) in ENGINES.items() if store.queries is AFTER else ():
            cells[f"{store.name} | {ename}"] = engine_check(store, kind, settled=settled)
        if store.queries is AFTER:
            cells[f"{store.name} | {REBUILD}, stop 30"] = rebuild_read(store, keys_first=False)
            cells[f"{store.name} | {REBUILD} (after)"] = rebuild_read(store, keys_first=True)
        for sname, stamper in STAMPS.items():
            cells[f"{store.name} | {sname}"] = stamp_check(store, stamper)
        await same_stamps(store)
    times: dict[str, list[float]] = {key: [] for key in cells}
    for key, check in cells.items():  # warm: the first read of a store pays for its pages
        await timed(1 if REBUILD in key else 3, check)
    for _ in range(rounds):
        for key, check in cells.items():
            # A rebuild's batch (about once per store) is timed once a round, after a full
            # collection: its 20,000 rows otherwise meet the garbage of the cells before.
            if REBUILD in key:
                gc.collect()
            times[key] += await timed(1 if REBUILD in key else checks, check)
    return times, plans


def cell_median(times: dict[str, list[float]], store: Store, cell: str) -> float:
    return statistics.median(times[f"{store.name} | {cell}"])


async def main(n_docs: int, rounds: int, checks: int, pg: str | None) -> dict[str, object]:
    pool = await demo_sentences()
    figures: dict[str, object] = {"bench": "refresh_check", "docs": n_docs, "rounds": rounds,
                                  "checks_per_round": checks}
    with tempfile.TemporaryDirectory() as tmp:
        kinds = [("sqlite", sqlite_stores(Path(tmp), n_docs, pool))]
        if pg:
            kinds.append(("postgresql", pg_stores(pg, n_docs, pool)))
        for kind, opened in kinds:
            async with opened as stores:
                times, plans = await measure(stores, rounds, checks)
                changed = [await same_rows(s, pool, random.Random(9)) for s in stores]
            print(f"\n{kind}: {n_docs:,} articles, one in {UPDATED_EVERY} updated; "
                  f"{rounds} rounds x {checks} checks per cell\n")
            for key, plan in plans.items():
                print(f"plan  {key}: {plan}")
            print(f"\n{'cell':72}{'median ms':>10}{'p95 ms':>9}")
            for key, values in times.items():
                print(f"{key:72}{statistics.median(values):10.3f}{pct(values, 0.95):9.3f}")
            median = functools.partial(cell_median, times, stores[1])
            before = cell_median(times, stores[0], "OR (before)")
            after = median("changed_at, settled, keys first (after)")
            window = median("changed_at, in grace window, keys first (after)")
            window_full = median("changed_at, in grace window, full texts (stop 30)")
            settled_full = median("changed_at, settled, full texts (stop 30)")
            engine_window = [median(f"engine, in grace window{v}")
                             for v in (", stop 30", " (after)")]
            engine_settled = [median(f"engine, settled{v}") for v in (", stop 30", " (after)")]
            rebuild = [median(f"{REBUILD}{v}") for v in (", stop 30", " (after)")]
            stamp_before = cell_median(times, stores[0], "stamp, range count (before)")
            stamp_after = median("stamp, total less newer (after)")
            print(f"\ncheck, before (previous head, OR) / after (head, settled): "
                  f"{before / after:.1f}x; in the grace window ({WINDOW_ROWS} rows read "
                  f"again): {before / window:.1f}x; the queries found the same {changed[1]} "
                  "rows once 3 were added and 4 updated")
            print(f"in the grace window, stop 30 (full texts) / head (keys first): "
                  f"{window_full / window:.1f}x; settled: {settled_full / after:.2f}x")
            print(f"the engine's whole check, stop 30 / head: in the grace window "
                  f"{engine_window[0] / engine_window[1]:.1f}x; settled: "
                  f"{engine_settled[0] / engine_settled[1]:.2f}x; a rebuild's first batch "
                  f"read: {rebuild[0] / rebuild[1]:.2f}x")
            print(f"stamp, before (previous head) / after (head): "
                  f"{stamp_before / stamp_after:.1f}x; both stamps equal")
            figures[kind] = {
                "median_ms": {k: round(statistics.median(v), 3) for k, v in times.items()},
                "p95_ms": {k: round(pct(v, 0.95), 3) for k, v in times.items()},
                "before_over_after": round(before / after, 1),
                "before_over_in_window": round(before / window, 1),
                "in_window_full_over_keys": round(window_full / window, 2),
                "settled_full_over_keys": round(settled_full / after, 2),
                "engine_in_window_stop30_over_head": round(
                    engine_window[0] / engine_window[1], 2),
                "engine_settled_stop30_over_head": round(
                    engine_settled[0] / engine_settled[1], 2),
                "rebuild_batch_stop30_over_head": round(rebuild[0] / rebuild[1], 2),
                "stamp_before_over_after": round(stamp_before / stamp_after, 1),
                "pending_found": changed}
    print(json.dumps(figures))
    return figures


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--rounds", type=int, default=10)
    ap.add_argument("--checks", type=int, default=40)
    ap.add_argument("--pg", help="a PostgreSQL admin URL: also measure there")
    args = ap.parse_args()
    asyncio.run(main(args.docs, args.rounds, args.checks, args.pg))
