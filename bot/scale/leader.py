"""Leader election: one process polls feeds and runs the scheduler; every process sends.

On PostgreSQL the leader is whoever holds a session-level advisory lock on a connection it
keeps (taken from the app's engine, never returned to its pool). The lock lives exactly as
long as that connection: when the leader dies, the server drops the connection and the
lock with it, and the next follower to try takes over. The leader re-checks its lock every
``check_seconds`` (bounded by the same timeout) and, the moment the check fails, stops its
scheduler and cancels the leader-only jobs in flight, so two processes never run the jobs
at once. SQLite is single-process: always the leader.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable
from functools import wraps
from typing import Any, ParamSpec

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

log = logging.getLogger(__name__)

#: The advisory lock key of the leader ("cfb-lead" as a 64-bit integer). Advisory locks are
#: per database, so deployments on separate databases of one server do not interfere.
LEADER_LOCK = 0x6366622D6C656164

P = ParamSpec("P")


class Leader(ABC):
    """Whether this process is the leader. ``solo``: no election (single process)."""

    solo: bool = False
    is_leader: bool = False

    @abstractmethod
    async def try_acquire(self) -> bool:
        """Try once to become the leader, without waiting. Returns ``is_leader``."""

    @abstractmethod
    async def check(self) -> bool:
        """Leader only: verify the lock is still held (False: it is lost)."""

    @abstractmethod
    async def release(self) -> None:
        """Give leadership up (at shutdown). MUST be safe to call twice."""


class SoloLeader(Leader):
    """A single-process store (SQLite): always the leader."""

    solo = True
    is_leader = True

    async def try_acquire(self) -> bool:
        return True

    async def check(self) -> bool:
        return True

    async def release(self) -> None:
        return None


class AdvisoryLeader(Leader):
    """Leadership = a session-level ``pg_advisory_lock`` on a dedicated connection."""

    def __init__(self, engine: AsyncEngine, *, key: int = LEADER_LOCK,
                 timeout: float = 5.0) -> None:
        self.engine = engine
        self.key = key
        self.timeout = timeout
        self.is_leader = False
        self._conn: AsyncConnection | None = None

    async def _connection(self) -> AsyncConnection:
        if self._conn is None:
            conn = await self.engine.connect()
            keepalive = max(1, int(self.timeout))
            # Server-side keepalives: if this host vanishes without closing its socket, the
            # server notices within a few timeouts and frees the lock for a follower. The
            # name lets operators (and tests) find the leader's connection.
            for setting, value in (("tcp_keepalives_idle", str(keepalive)),
                                   ("tcp_keepalives_interval", str(keepalive)),
                                   ("tcp_keepalives_count", "3"),
                                   ("application_name", "ceasefire-bot leader")):
                await conn.execute(text("SELECT set_config(:name, :value, false)"),
                                   {"name": setting, "value": value})
            await conn.commit()
            self._conn = conn
        return self._conn

    async def try_acquire(self) -> bool:
        try:
            got = await asyncio.wait_for(self._try_lock(), self.timeout)
        except Exception as exc:  # the database is unreachable: stay a follower
            log.warning("leader election: cannot reach the database (%s)", type(exc).__name__)
            await self._drop()
            got = False
        if got and not self.is_leader:
            log.info("this process is now the leader")
        self.is_leader = bool(got)
        return self.is_leader

    async def _try_lock(self) -> bool:
        conn = await self._connection()
        got = await conn.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": self.key})
        await conn.commit()
        return bool(got)

    async def check(self) -> bool:
        try:
            held = await asyncio.wait_for(self._holds(), self.timeout)
        except Exception as exc:
            log.warning("leader: lost the database connection (%s)", type(exc).__name__)
            held = False
        if not held:
            if self.is_leader:
                log.warning("leader: the leader lock is lost; stepping down")
            self.is_leader = False
            await self._drop()
        return held

    async def _holds(self) -> bool:
        if self._conn is None:
            return False
        # A 64-bit advisory key shows in pg_locks as classid (high half) + objid (low half).
        held = await self._conn.scalar(text(
            "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' "
            "AND pid = pg_backend_pid() AND granted AND objsubid = 1 "
            "AND classid::bigint = :hi AND objid::bigint = :lo)"),
            {"hi": (self.key >> 32) & 0xFFFFFFFF, "lo": self.key & 0xFFFFFFFF})
        await self._conn.commit()
        return bool(held)

    async def release(self) -> None:
        if self._conn is not None and self.is_leader:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._conn.execute(
                    text("SELECT pg_advisory_unlock(:key)"), {"key": self.key}), self.timeout)
        self.is_leader = False
        await self._drop()

    async def _drop(self) -> None:
        """Forget the connection (closing it frees the lock if the server still has it);
        it is invalidated, so the pool never hands a lock-holding connection out again."""
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(conn.invalidate(), self.timeout)
            with contextlib.suppress(Exception):
                await asyncio.wait_for(conn.close(), self.timeout)


def build_leader(engine: AsyncEngine | None, *, solo: bool, timeout: float) -> Leader:
    """A solo leader for a single-process store (SQLite), else an advisory-lock election
    on a connection of ``engine``."""
    if solo or engine is None:
        return SoloLeader()
    return AdvisoryLeader(engine, timeout=timeout)


class LeaderGate:
    """Runs leader-only work while, and only while, this process is the leader.

    ``guard(job)`` wraps a scheduler job: it does nothing on a follower, and a run in flight
    is cancelled when leadership is lost. ``run`` is the election loop.
    """

    def __init__(self, leader: Leader, *, check_seconds: float,
                 on_elected: Callable[[], Awaitable[object]],
                 on_lost: Callable[[], object]) -> None:
        self.leader = leader
        self.check_seconds = check_seconds
        self.on_elected = on_elected
        self.on_lost = on_lost
        self.elections = 0
        self._tasks: set[asyncio.Task[Any]] = set()
        self._background: set[asyncio.Future[None]] = set()

    def guard(self, job: Callable[P, Awaitable[Any]]) -> Callable[P, Awaitable[None]]:
        @wraps(job)
        async def guarded(*args: P.args, **kwargs: P.kwargs) -> None:
            if not self.leader.is_leader:
                return
            task = asyncio.ensure_future(job(*args, **kwargs))
            self._tasks.add(task)
            try:
                await asyncio.shield(task)
            except asyncio.CancelledError:
                if not task.cancelled():
                    task.cancel()
                    raise
                # Cancelled because leadership was lost: the job simply did not happen.
            finally:
                self._tasks.discard(task)

        return guarded

    async def run(self, stop: asyncio.Event) -> None:
        """Elect, watch, step down; until ``stop``. Gives leadership up at the end."""
        try:
            while not stop.is_set():
                await self.step()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), self.check_seconds)
        finally:
            if self.leader.is_leader:
                self._step_down()
            if self._background:
                await asyncio.gather(*self._background, return_exceptions=True)
            await self.leader.release()

    async def step(self) -> None:
        """One election round: a follower tries to take over, a leader re-verifies."""
        if self.leader.is_leader:
            if not await self.leader.check():
                self._step_down()
            return
        if await self.leader.try_acquire():
            self.elections += 1
            # In the background, so the lock keeps being checked while the work runs.
            task: asyncio.Future[None] = asyncio.ensure_future(self.guard(self.on_elected)())
            self._background.add(task)
            task.add_done_callback(self._background.discard)

    def _step_down(self) -> None:
        self.leader.is_leader = False
        self.on_lost()
        for task in list(self._tasks):
            task.cancel()
