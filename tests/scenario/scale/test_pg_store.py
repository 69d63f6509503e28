"""The store on a real PostgreSQL: every migration, concurrent start-up migrations, outbox
claims under contention (SKIP LOCKED + leases), shard routing, and the leader lock."""

from __future__ import annotations

import asyncio
import sqlite3
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import select, text

from bot.delivery import outbox
from bot.model import Notice
from bot.platforms.loopback.shards import LoopbackShards as Shards
from bot.scale.leader import AdvisoryLeader, LeaderGate
from bot.store.db import MIGRATIONS, alembic_config, create_engine, migrate, open_store
from bot.store.models import Base, Delivery, Subscription
from tests.conftest import cli_command

NOW = datetime(2025, 8, 20, 9, 0, tzinfo=UTC)


def heads() -> set[str]:
    cfg = alembic_config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return set(ScriptDirectory.from_config(cfg).get_heads())


async def test_every_migration_runs_on_postgresql_and_sqlite_alike(
        pg_url: str, tmp_path: Path) -> None:
    tables = set(Base.metadata.tables)
    engine = create_engine(pg_url)
    try:
        await migrate(engine)
        await migrate(engine)  # a second start is a no-op
        async with engine.connect() as conn:
            pg_tables = set((await conn.execute(text(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"))).scalars())
            pg_version = set((await conn.execute(
                text("SELECT version_num FROM alembic_version"))).scalars())
    finally:
        await engine.dispose()
    async with open_store(f"sqlite:///{tmp_path / 'x.db'}"):
        pass
    with sqlite3.connect(tmp_path / "x.db") as conn:
        lite_tables = {r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
        lite_version = {r[0] for r in conn.execute("SELECT version_num FROM alembic_version")}
    assert pg_tables - {"alembic_version"} == tables
    assert lite_tables - {"alembic_version"} == tables
    assert pg_version == lite_version == heads()


async def test_processes_starting_at_once_migrate_one_after_another(pg_url: str) -> None:
    engines = [create_engine(pg_url) for _ in range(4)]
    try:
        await asyncio.gather(*(migrate(e) for e in engines))
        async with engines[0].connect() as conn:
            assert set((await conn.execute(
                text("SELECT version_num FROM alembic_version"))).scalars()) == heads()
    finally:
        await asyncio.gather(*(e.dispose() for e in engines))


async def test_db_upgrade_command_takes_a_plain_postgresql_url(
        pg_url: str, cli_env: dict[str, str]) -> None:
    plain = pg_url.replace("postgresql+asyncpg://", "postgresql://")
    proc = await asyncio.create_subprocess_exec(
        *cli_command("db", "upgrade"), env={**cli_env, "CEASEFIRE_BOT_DATABASE_URL": plain},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 0, err.decode()[-2000:]
    assert b"up to date" in out


async def enqueue_notices(sessions, count: int, channels: int) -> None:  # type: ignore[no-untyped-def]
    async with sessions() as session, session.begin():
        await outbox.enqueue(session, [outbox.Outgoing(
            key=f"n:{i}", platform="loopback", channel_id=f"C{i % channels}",
            part=Notice(f"notice {i}")) for i in range(count)], NOW)


async def test_concurrent_claimers_never_share_a_row_or_a_channel(pg_migrated_url: str) -> None:
    async with open_store(pg_migrated_url, pool_size=8) as (_engine, sessions):
        await enqueue_notices(sessions, 200, 40)
        taken: Counter[int] = Counter()
        holder: dict[str, str] = {}  # channel -> the worker sending to it right now

        async def worker(name: str) -> None:
            while True:
                async with sessions() as session, session.begin():
                    rows = await outbox.claim(session, worker=name, platforms=["loopback"],
                                              now=NOW, limit=25, channels=3)
                    ids = [(r.id, r.channel_id) for r in rows]
                if not ids:
                    return
                for row_id, channel in ids:
                    taken[row_id] += 1
                    assert holder.setdefault(channel, name) == name, f"{channel} shared"
                await asyncio.sleep(0)
                async with sessions() as session, session.begin():
                    for row_id, _ in ids:
                        row = await session.get(Delivery, row_id)
                        assert row is not None and row.claimed_by == name
                        row.status, row.claimed_by, row.lease_until = "sent", None, None
                for _, channel in ids:
                    holder.pop(channel, None)

        await asyncio.gather(*(worker(f"w{i}") for i in range(6)))
        assert len(taken) == 200 and set(taken.values()) == {1}


async def test_a_dead_holders_claims_expire_and_are_taken_over(pg_migrated_url: str) -> None:
    async with open_store(pg_migrated_url) as (_engine, sessions):
        await enqueue_notices(sessions, 10, 2)
        lease = timedelta(seconds=5)
        async with sessions() as session, session.begin():
            dead = await outbox.claim(session, worker="dead", platforms=["loopback"],
                                      now=NOW, lease=lease)
        assert len(dead) == 10
        async with sessions() as session, session.begin():
            # The holder's channels are taken while its lease lasts...
            assert await outbox.claim(session, worker="live", platforms=["loopback"],
                                      now=NOW + lease / 2, lease=lease) == []
        async with sessions() as session, session.begin():
            # ...and free once it ran out.
            live = await outbox.claim(session, worker="live", platforms=["loopback"],
                                      now=NOW + lease * 2, lease=lease)
        assert sorted(r.id for r in live) == sorted(r.id for r in dead)


async def test_a_process_claims_only_the_spaces_of_its_shards(pg_migrated_url: str) -> None:
    async with open_store(pg_migrated_url) as (_engine, sessions):
        guilds = [str((g << 22) | 7) for g in range(6)]  # guild g lives on shard g % 3
        async with sessions() as session, session.begin():
            subs = [Subscription(platform="loopback", channel_id=f"C{g}", space_id=guild,
                                 lang="en", timezone="UTC", since=NOW, created_at=NOW)
                    for g, guild in enumerate(guilds)]
            session.add_all(subs)
            await session.flush()
            await outbox.enqueue(session, [
                *(outbox.Outgoing(key=f"k{s.id}", platform="loopback", channel_id=s.channel_id,
                                  part=Notice("x"), subscription_id=s.id) for s in subs),
                outbox.Outgoing(key="dm", platform="loopback", channel_id="D1",
                                part=Notice("dm"))], NOW)
        got = {}
        for shard in range(3):
            async with sessions() as session, session.begin():
                rows = await outbox.claim(session, worker=f"s{shard}", platforms=["loopback"],
                                          now=NOW, shards={"loopback": Shards((shard,), 3)})
                got[shard] = sorted(r.channel_id for r in rows)
        assert got == {0: ["C0", "C3", "D1"], 1: ["C1", "C4"], 2: ["C2", "C5"]}
        assert Shards((1,), 3).holds(guilds[4]) and not Shards((1,), 3).holds(None)


async def test_leader_lock_one_holder_and_takeover_when_its_connection_dies(
        pg_migrated_url: str) -> None:
    async with open_store(pg_migrated_url) as (engine, _sessions):
        first, second = AdvisoryLeader(engine, timeout=2), AdvisoryLeader(engine, timeout=2)
        try:
            assert await first.try_acquire()
            assert not await second.try_acquire()
            assert await first.check()
            async with engine.connect() as conn:  # the leader's connection is cut
                # Waits (up to 5 s, PostgreSQL 14+) until the backend has exited and so
                # let go of its advisory lock: without it the takeover below could run
                # first (seen once on a loaded host).
                await conn.execute(text(
                    "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity "
                    "WHERE application_name = 'ceasefire-bot leader' AND datname = "
                    "current_database() AND pid IN (SELECT pid FROM pg_locks "
                    "WHERE locktype = 'advisory')"))
            assert not await first.check() and not first.is_leader
            assert await second.try_acquire()
            assert not await first.try_acquire()
        finally:
            await first.release()
            await second.release()


async def test_gate_stops_leader_work_the_moment_leadership_is_lost(pg_migrated_url: str) -> None:
    async with open_store(pg_migrated_url) as (engine, _sessions):
        leader = AdvisoryLeader(engine, timeout=2)
        started, lost = asyncio.Event(), []

        async def long_job() -> None:
            started.set()
            await asyncio.sleep(60)

        gate = LeaderGate(leader, check_seconds=0.1, on_elected=long_job,
                          on_lost=lambda: lost.append(True))
        stop = asyncio.Event()
        runner = asyncio.create_task(gate.run(stop))
        await asyncio.wait_for(started.wait(), 10)
        job = asyncio.create_task(gate.guard(long_job)())
        await asyncio.sleep(0.05)
        async with engine.connect() as conn:
            await conn.execute(text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE application_name = 'ceasefire-bot leader' "
                "AND datname = current_database()"))
        await asyncio.wait_for(job, 10)  # cancelled by the step-down, not after 60 s
        assert lost == [True]
        stop.set()
        await asyncio.wait_for(runner, 10)
        async with _sessions() as session:
            assert (await session.scalars(select(Delivery))).all() == []
