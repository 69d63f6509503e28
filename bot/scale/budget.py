"""A rate-limit budget shared by every process, so N processes together stay inside a
platform's global limit instead of each spending all of it.

Same semantics as the local pacing (``bot.delivery.pacing.SlidingWindow``): at most
``calls`` in any ``period`` seconds, which is how the platforms count (a token bucket with a
full burst could spend twice the limit in one window), and a call occupies the window from
its start until ``period`` after its response (the platform saw it somewhere in between).
Each call *reserves* a slot atomically in the shared store (one round trip), sleeps until
its slot, and when its response is back *settles* it (moves the slot to that moment). The
store's own clock is used, so the processes' clocks need not agree.

Stores: Redis (a sorted set of slot times updated by one Lua script) or PostgreSQL (a row
per window, locked while a slot is reserved).
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.db import SessionFactory
from bot.store.models import RateWindow

log = logging.getLogger(__name__)

#: KEYS[1]: sorted set of reserved slot times (µs). ARGV: calls, period (µs), member.
#: Returns how many µs the caller must wait for its slot.
RESERVE_LUA = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local calls = tonumber(ARGV[1])
local period = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - period)
local n = redis.call('ZCARD', KEYS[1])
local slot = now
if n >= calls then
  local nth = redis.call('ZRANGE', KEYS[1], n - calls, n - calls, 'WITHSCORES')
  slot = math.max(slot, tonumber(nth[2]) + period)
end
if n > 0 then
  local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
  slot = math.max(slot, tonumber(last[2]))
end
redis.call('ZADD', KEYS[1], slot, ARGV[3])
redis.call('PEXPIRE', KEYS[1], math.ceil((slot - now + period) / 1000) + 1000)
return slot - now
"""

#: KEYS[1] as above; ARGV[1]: the member whose call returned. Moves its slot to now.
SETTLE_LUA = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local at = redis.call('ZSCORE', KEYS[1], ARGV[1])
if at and tonumber(at) < now then
  redis.call('ZADD', KEYS[1], now, ARGV[1])
end
return 1
"""


def next_slot(slots: list[float], now: float, *, calls: int, period: float) -> float:
    """The earliest time >= now (and >= every reserved slot) that keeps at most ``calls``
    slots in any ``period`` (pure; ``slots`` sorted and younger than ``period``)."""
    slot = now
    if len(slots) >= calls:
        slot = max(slot, slots[len(slots) - calls] + period)
    if slots:
        slot = max(slot, slots[-1])
    return slot


class BudgetStore(ABC):
    """Where shared windows keep their reservations."""

    @abstractmethod
    async def reserve(self, name: str, *, calls: int, period: float) -> tuple[float, str]:
        """Reserve one call in window ``name``. Returns the seconds to wait before making
        it, and the reservation's token for ``settle``."""

    @abstractmethod
    async def settle(self, name: str, token: str) -> None:
        """The call returned: its slot counts from now (not from when it started)."""

    @abstractmethod
    async def cancel(self, name: str, token: str) -> None:
        """Give back a reservation no call was made on (later reservations placed after
        it keep their slots: they only wait longer than they had to)."""

    async def close(self) -> None:  # noqa: B027 - optional
        """Release connections."""


class RedisBudget(BudgetStore):
    def __init__(self, url: str, *, namespace: str) -> None:
        import redis.asyncio as aioredis

        self.namespace = namespace
        self._redis: Any = aioredis.from_url(url)
        self._reserve = self._redis.register_script(RESERVE_LUA)
        self._settle = self._redis.register_script(SETTLE_LUA)

    def key(self, name: str) -> str:
        return f"{self.namespace}:rate:{name}"

    async def reserve(self, name: str, *, calls: int, period: float) -> tuple[float, str]:
        token = uuid.uuid4().hex
        waited = await self._reserve(keys=[self.key(name)],
                                     args=[calls, int(period * 1_000_000), token])
        return max(0.0, int(waited) / 1_000_000), token

    async def settle(self, name: str, token: str) -> None:
        await self._settle(keys=[self.key(name)], args=[token])

    async def cancel(self, name: str, token: str) -> None:
        await self._redis.zrem(self.key(name), token)

    async def close(self) -> None:
        await self._redis.aclose()


class PostgresBudget(BudgetStore):
    def __init__(self, sessions: SessionFactory, *, namespace: str) -> None:
        self.sessions = sessions
        self.namespace = namespace

    async def reserve(self, name: str, *, calls: int, period: float) -> tuple[float, str]:
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        key = f"{self.namespace}:{name}"[:200]
        token = uuid.uuid4().hex
        async with self.sessions() as session, session.begin():
            await session.execute(pg_insert(RateWindow).values(name=key, slots=[])
                                  .on_conflict_do_nothing(index_elements=["name"]))
            row, now = await self._locked(session, key)
            # Slots are [token, epoch seconds], kept sorted by time.
            slots = [(str(t), float(at)) for t, at in row.slots if now - float(at) < period]
            slot = next_slot([at for _, at in slots], now, calls=calls, period=period)
            new: list[list[str | float]] = [[t, at] for t, at in slots]
            row.slots = [*new, [token, slot]]
        return slot - now, token

    async def settle(self, name: str, token: str) -> None:
        key = f"{self.namespace}:{name}"[:200]
        async with self.sessions() as session, session.begin():
            row, now = await self._locked(session, key)
            moved = sorted(((str(t), max(float(at), now) if t == token else float(at))
                            for t, at in row.slots), key=lambda s: s[1])
            new: list[list[str | float]] = [[t, at] for t, at in moved]
            row.slots = new

    async def cancel(self, name: str, token: str) -> None:
        key = f"{self.namespace}:{name}"[:200]
        async with self.sessions() as session, session.begin():
            row, _now = await self._locked(session, key)
            row.slots = [[str(t), float(at)] for t, at in row.slots if t != token]

    @staticmethod
    async def _locked(session: AsyncSession, key: str) -> tuple[RateWindow, float]:
        row = await session.scalar(
            select(RateWindow).where(RateWindow.name == key).with_for_update())
        assert row is not None
        now = float(await session.scalar(
            text("SELECT extract(epoch FROM clock_timestamp())::float8")) or 0.0)
        return row, now


#: How many times a late slot is taken again before the call goes anyway.
RETAKES = 3


class SharedWindow:
    """At most ``calls`` in any ``period`` seconds across every process using ``name``.

    ``slack`` (default: a tenth of the period) is added to the period for what settling
    cannot see: a call still in flight while another process reserves after it, and a
    request leaving a little after its slot's stamp. A slot is stamped when reserved, so
    the request must follow that stamp: ``confirm()`` (just before it leaves) takes a new
    slot when more than half the slack went by since the stamp (a commit or a busy loop in
    between), since later reservations were placed counting from the old stamp.
    """

    def __init__(self, store: BudgetStore, name: str, *, calls: int, period: float,
                 slack: float | None = None) -> None:
        self.store = store
        self.name = name
        self.calls = calls
        extra = 0.1 * period if slack is None else slack
        self.period = period + extra
        #: How long after its slot's stamp a request may still leave on that slot.
        self.tolerance = extra / 2

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[_HeldSlot]:
        """Hold a slot while one call runs."""
        held = _HeldSlot(self)
        await held.take()
        try:
            yield held
        finally:
            try:
                await self.store.settle(self.name, held.token)
            except Exception as exc:  # the reservation still counts from its start
                log.warning("rate budget %s: could not settle a slot (%s)", self.name,
                            type(exc).__name__)


class _HeldSlot:
    """One reservation of a shared window, from its stamp until the call returned."""

    def __init__(self, window: SharedWindow) -> None:
        self.window = window
        self.token = ""
        #: The loop time the slot's stamp fell on (at the latest: the store's clock read
        #: the stamp before its answer came back).
        self.due = 0.0
        self.retaken = 0

    async def take(self) -> None:
        w = self.window
        delay, self.token = await w.store.reserve(w.name, calls=w.calls, period=w.period)
        self.due = asyncio.get_running_loop().time() + delay
        if delay > 0:
            await asyncio.sleep(delay)

    async def confirm(self) -> None:
        """The request leaves now: if the stamp is too far behind, give that reservation
        back (nothing was sent on it) and take a new one."""
        w = self.window
        loop = asyncio.get_running_loop()
        while loop.time() - self.due > w.tolerance and self.retaken < RETAKES:
            self.retaken += 1
            log.debug("rate budget %s: slot %.3f s late, taken again", w.name,
                      loop.time() - self.due)
            await w.store.cancel(w.name, self.token)
            await self.take()


def build_budget(kind: str, *, redis_url: str, sessions: SessionFactory,
                 namespace: str) -> BudgetStore | None:
    """The configured shared budget store, or None for local pacing."""
    if kind == "redis":
        return RedisBudget(redis_url, namespace=namespace)
    if kind == "postgres":
        return PostgresBudget(sessions, namespace=namespace)
    return None
