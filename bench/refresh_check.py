"""`Engine.refresh`'s store check when nothing changed: before and after
``ix_articles_updated_at``, in one run, so their ratio does not depend on the host's load.

    python bench/refresh_check.py [--docs 100000] [--rounds 10] [--checks 40] [--pg URL]

Stores ``--docs`` synthetic articles (``bench/answer.py``'s generator and seed; one in a
hundred updated once) in a SQLite store migrated to head, and a copy of it downgraded to the
previous head (no index on ``updated_at``); with ``--pg`` (an admin URL such as
``postgresql://postgres@127.0.0.1:5432/postgres``) the same in two new PostgreSQL databases,
dropped at the end. Each round times ``--checks`` checks of every cell in turn: each schema
with the query before (one ``OR``, kept here as ``or_query``) and after
(``bot.answer.engine.changed_since``), each check a session of its own asking for what is
newer than the newest article and update stored (nothing), as the bot asks about once a
second. Also times ``fetch_stamp`` (the saved index's check at a restart and after a save),
and checks that both queries find the same rows once articles are added and updated. Prints
the query plans, a table, then one line of JSON.
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
from sqlalchemy import Executable, func, or_, select, text, update  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlalchemy.ext.asyncio import AsyncSession  # noqa: E402

from bench.answer import demo_sentences, fill, pct  # noqa: E402
from bot.answer.engine import REFRESH_BATCH, changed_since  # noqa: E402
from bot.answer.persist import Stamp, fetch_stamp, stamp_of  # noqa: E402
from bot.store.db import SessionFactory, alembic_config, open_store, sqlite_url  # noqa: E402
from bot.store.models import Article  # noqa: E402
from bot.store.plans import fetch_plan  # noqa: E402

#: The migration that adds the index, and the head before it.
ADDED = "issue12_updated_at_index"
PREVIOUS = "issue19_id_blocks"
#: One article in this many has been updated once.
UPDATED_EVERY = 100


def or_query(max_id: int, max_updated: datetime) -> Executable:
    """The check before this change (``Engine._index_new`` at stop 28)."""
    return (select(Article.id, Article.title, Article.text, Article.lang,
                   Article.published_at, Article.story_id, Article.updated_at)
            .where(or_(Article.id > max_id, Article.updated_at > max_updated))
            .order_by(Article.id).limit(REFRESH_BATCH))


Query = Callable[[int, datetime], Executable]
QUERIES: dict[str, Query] = {
    "OR (before)": or_query, "UNION ALL (after)": changed_since}


@dataclass
class Store:
    """One migrated store holding the articles, and the newest id and update it holds."""

    name: str
    url: str
    sessions: SessionFactory
    max_id: int = 0
    max_updated: datetime | None = None


async def mark_updated(sessions: SessionFactory, every: int) -> None:
    """Give one article in ``every`` an update stamp, a day after it was published."""
    async with sessions() as session, session.begin():
        ids = (await session.scalars(select(Article.id).where(Article.id % every == 0))).all()
        rows = (await session.execute(select(Article.id, Article.published_at)
                                      .where(Article.id.in_(ids)))).all()
        for row in rows:
            await session.execute(update(Article).where(Article.id == row.id).values(
                updated_at=row.published_at + timedelta(days=1), update_count=1))


async def maxima(store: Store) -> None:
    async with store.sessions() as session:
        row = (await session.execute(
            select(func.max(Article.id), func.max(Article.updated_at)))).one()
    store.max_id, store.max_updated = int(row[0]), row[1]


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


def refresh_check(store: Store, query: Query
                  ) -> Callable[[], Awaitable[object]]:
    async def check() -> object:
        assert store.max_updated is not None
        async with store.sessions() as session:
            rows = (await session.execute(
                query(store.max_id, store.max_updated))).all()
        assert not rows, "nothing was pending"
        return rows
    return check


async def old_stamp(session: AsyncSession, *, max_id: int, max_updated: datetime) -> Stamp:
    """``fetch_stamp`` before this change: the ids up to ``max_id`` counted as a range."""
    row = (await session.execute(
        select(func.count(Article.id), func.min(Article.id)).where(Article.id <= max_id))).one()
    return await stamp_of(session, max_id=max_id, max_updated=max_updated,
                          count=int(row[0]), first_id=row[1])


Stamper = Callable[..., Awaitable[Stamp]]
STAMPS: dict[str, Stamper] = {"stamp, range count (before)": old_stamp,
                              "stamp, total less newer (after)": fetch_stamp}


def stamp_check(store: Store, stamper: Stamper) -> Callable[[], Awaitable[object]]:
    async def check() -> object:
        assert store.max_updated is not None
        async with store.sessions() as session:
            return await stamper(session, max_id=store.max_id, max_updated=store.max_updated)
    return check


async def same_stamps(store: Store) -> Stamp:
    """Both stamps of the store as it is now, and of an index 10 articles behind it."""
    assert store.max_updated is not None
    for max_id in (store.max_id, store.max_id - 10):
        async with store.sessions() as session:
            found = [await stamper(session, max_id=max_id, max_updated=store.max_updated)
                     for stamper in STAMPS.values()]
        assert found[0] == found[1], found
    return found[0]


async def same_rows(store: Store, pool: dict[str, list[str]], rng: random.Random) -> int:
    """Add 3 articles and update 4 old ones: both queries must find these 7, in id order."""
    await fill(store.sessions, store.max_id, 3, pool, rng)
    assert store.max_updated is not None
    async with store.sessions() as session, session.begin():
        await session.execute(update(Article).where(Article.id.in_([5, 6, 7, 8])).values(
            updated_at=store.max_updated + timedelta(hours=1), update_count=2))
    found = []
    for query in QUERIES.values():
        async with store.sessions() as session:
            found.append([r.id for r in (await session.execute(
                query(store.max_id, store.max_updated))).all()])
    assert found[0] == found[1], found
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
        stores = [Store("sqlite, previous head", sqlite_url(before), s_before),
                  Store("sqlite, head", sqlite_url(after), s_after)]
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
            stores = [Store("postgresql, previous head", urls[0], s_before),
                      Store("postgresql, head", urls[1], s_after)]
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
        for qname, query in QUERIES.items():
            key = f"{store.name} | {qname}"
            cells[key] = refresh_check(store, query)
            assert store.max_updated is not None
            plans[key] = await explain(store, query(store.max_id, store.max_updated))
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
            after = statistics.median(times[f"{stores[1].name} | UNION ALL (after)"])
            stamp_before = statistics.median(
                times[f"{stores[0].name} | stamp, range count (before)"])
            stamp_after = statistics.median(
                times[f"{stores[1].name} | stamp, total less newer (after)"])
            print(f"\ncheck, before (previous head, OR) / after (head, UNION ALL): "
                  f"{before / after:.1f}x; both queries found the same {changed[0]} "
                  "rows once 3 were added and 4 updated")
            print(f"stamp, before (previous head) / after (head): "
                  f"{stamp_before / stamp_after:.1f}x; both stamps equal")
            figures[kind] = {
                "median_ms": {k: round(statistics.median(v), 3) for k, v in times.items()},
                "p95_ms": {k: round(pct(v, 0.95), 3) for k, v in times.items()},
                "before_over_after": round(before / after, 1),
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
