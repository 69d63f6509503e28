"""A rate-limit budget shared by every process, so N processes together stay inside a
platform's global limit instead of each spending all of it.

Same semantics as the local pacing (``bot.delivery.pacing.SlidingWindow``): at most
``calls`` in any ``period`` seconds, which is how the platforms count (a token bucket with a
full burst could spend twice the limit in one window). Each acquisition *reserves* a slot
atomically in the shared store (one round trip) and then sleeps until its slot; the store's
own clock is used, so the processes' clocks need not agree.

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
from sqlalchemy.dialects.postgresql import insert as pg_insert

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
    async def reserve(self, name: str, *, calls: int, period: float) -> float:
        """Reserve one call in window ``name``. Returns seconds to wait before making it."""

    async def close(self) -> None:  # noqa: B027 - optional
        """Release connections."""


class RedisBudget(BudgetStore):
    def __init__(self, url: str, *, namespace: str) -> None:
        import redis.asyncio as aioredis

        self.namespace = namespace
        self._redis: Any = aioredis.from_url(url)
        self._script = self._redis.register_script(RESERVE_LUA)

    async def reserve(self, name: str, *, calls: int, period: float) -> float:
        waited = await self._script(keys=[f"{self.namespace}:rate:{name}"],
                                    args=[calls, int(period * 1_000_000), uuid.uuid4().hex])
        return max(0.0, int(waited) / 1_000_000)

    async def close(self) -> None:
        await self._redis.aclose()


class PostgresBudget(BudgetStore):
    def __init__(self, sessions: SessionFactory, *, namespace: str) -> None:
        self.sessions = sessions
        self.namespace = namespace

    async def reserve(self, name: str, *, calls: int, period: float) -> float:
        key = f"{self.namespace}:{name}"[:200]
        async with self.sessions() as session, session.begin():
            await session.execute(pg_insert(RateWindow).values(name=key, slots=[])
                                  .on_conflict_do_nothing(index_elements=["name"]))
            row = await session.scalar(
                select(RateWindow).where(RateWindow.name == key).with_for_update())
            assert row is not None
            now = float(await session.scalar(
                text("SELECT extract(epoch FROM clock_timestamp())::float8")) or 0.0)
            slots = [s for s in row.slots if now - s < period]
            slot = next_slot(slots, now, calls=calls, period=period)
            row.slots = [*slots, slot]
        return slot - now


class SharedWindow:
    """At most ``calls`` in any ``period`` seconds across every process using ``name``.

    A slot is reserved for the moment the call starts; the platform sees it up to one
    network latency later, so ``slack`` seconds are added to the period to keep two calls'
    arrivals at least a period apart.
    """

    def __init__(self, store: BudgetStore, name: str, *, calls: int, period: float,
                 slack: float = 0.02) -> None:
        self.store = store
        self.name = name
        self.calls = calls
        self.period = period + slack

    async def acquire(self) -> None:
        delay = await self.store.reserve(self.name, calls=self.calls, period=self.period)
        if delay > 0:
            await asyncio.sleep(delay)

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        await self.acquire()
        yield


def build_budget(kind: str, *, redis_url: str, sessions: SessionFactory,
                 namespace: str) -> BudgetStore | None:
    """The configured shared budget store, or None for local pacing."""
    if kind == "redis":
        return RedisBudget(redis_url, namespace=namespace)
    if kind == "postgres":
        return PostgresBudget(sessions, namespace=namespace)
    return None
