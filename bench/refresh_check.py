"""`Engine.refresh`'s store check when nothing changed: before ``ix_articles_updated_at``
(stop 28's one ``OR``), stop 29's ``UNION ALL`` on ``updated_at``, and the check on
``changed_at`` (this head), in one run, so their ratios do not depend on the host's load.

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
(nothing read). Also times ``fetch_stamp`` (the saved index's check at a restart and after
a save), and checks that the queries find the same rows once articles are added and
updated. Prints the query plans, a table, then one line of JSON.
"""

from __future__ import annotations

import argparse
import asyncio
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
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import asyncpg  # noqa: E402
from alembic import command  # noqa: E402
from sqlalchemy import (  # noqa: E402
    CompoundSelect,
    Executable,
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
from bot.answer.engine import GRACE, REFRESH_BATCH, changed_since  # noqa: E402
from bot.answer.persist import Stamp, fetch_stamp, stamp_of  # noqa: E402
from bot.store.db import SessionFactory, alembic_config, open_store, sqlite_url  # noqa: E402
from bot.store.models import Article  # noqa: E402
from bot.store.plans import fetch_plan  # noqa: E402

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


def in_window(store: Store) -> Executable:
    """This head's check inside the grace window: from ``GRACE`` before the watermark."""
    assert store.changed_to is not None
    return changed_since(store.max_id, store.changed_to - GRACE, after_id=0)


def settled(store: Store) -> Executable:
    """This head's check once the window has passed: only past the watermark."""
    assert store.changed_to is not None
    return changed_since(store.max_id, store.changed_to, after_id=None)


Query = Callable[["Store"], Executable]
#: The cells of each schema, by name.
BEFORE: dict[str, Query] = {
    "OR (before)": lambda s: or_query(s.max_id, s.latest_update())}
AFTER: dict[str, Query] = {
    "OR": lambda s: or_query(s.max_id, s.latest_update()),
    "stop 29 UNION ALL, updated_at": lambda s: updated_query(s.max_id, s.latest_update()),
    "changed_at, in grace window (after)": in_window,
    "changed_at, settled (after)": settled}


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
    assert all(f == found[0] for f in found) and len(found[0]) == 7, found
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
        for sname, stamper in STAMPS.items():
            cells[f"{store.name} | {sname}"] = stamp_check(store, stamper)
        await same_stamps(store)
    times: dict[str, list[float]] = {key: [] for key in cells}
    for check in cells.values():  # warm: the first read of a store pays for its pages
        await timed(3, check)
    for _ in range(rounds):
        for key, check in cells.items():
            times[key] += await timed(checks, check)
    return times, plans


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
            print(f"\n{'cell':60}{'median ms':>10}{'p95 ms':>9}")
            for key, values in times.items():
                print(f"{key:60}{statistics.median(values):10.3f}{pct(values, 0.95):9.3f}")
            before = statistics.median(times[f"{stores[0].name} | OR (before)"])
            after = statistics.median(times[f"{stores[1].name} | changed_at, settled (after)"])
            window = statistics.median(
                times[f"{stores[1].name} | changed_at, in grace window (after)"])
            stamp_before = statistics.median(
                times[f"{stores[0].name} | stamp, range count (before)"])
            stamp_after = statistics.median(
                times[f"{stores[1].name} | stamp, total less newer (after)"])
            print(f"\ncheck, before (previous head, OR) / after (head, changed_at, settled): "
                  f"{before / after:.1f}x; in the grace window ({WINDOW_ROWS} rows read "
                  f"again): {before / window:.1f}x; the queries found the same {changed[1]} "
                  "rows once 3 were added and 4 updated")
            print(f"stamp, before (previous head) / after (head): "
                  f"{stamp_before / stamp_after:.1f}x; both stamps equal")
            figures[kind] = {
                "median_ms": {k: round(statistics.median(v), 3) for k, v in times.items()},
                "p95_ms": {k: round(pct(v, 0.95), 3) for k, v in times.items()},
                "before_over_after": round(before / after, 1),
                "before_over_in_window": round(before / window, 1),
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
