"""The shared rate-limit budget: N senders (as N processes would: each its own store
connection, adapter and pacer) together stay inside the platform's global limit."""

from __future__ import annotations

import asyncio
from zoneinfo import ZoneInfo

import pytest

from bot.clock import SystemClock
from bot.delivery.sender import Sender
from bot.scale.budget import PostgresBudget, RedisBudget, SharedWindow, next_slot
from bot.store.db import open_store
from tests.fakes import chat_fake
from tests.fakes.chat_fake import ChatFake, Profile
from tests.scenario.scale.test_processes import enqueue

MESSAGES = 40


def test_next_slot_keeps_at_most_calls_in_any_period() -> None:
    assert next_slot([], 10.0, calls=2, period=1.0) == 10.0
    assert next_slot([9.5], 10.0, calls=2, period=1.0) == 10.0
    assert next_slot([9.5, 10.0], 10.0, calls=2, period=1.0) == 10.5
    # Reservations already in the future: queue behind them.
    assert next_slot([10.0, 10.5], 10.0, calls=2, period=1.0) == 11.0


def spread_ok(slots: list[float], *, calls: int, period: float) -> bool:
    slots = sorted(slots)
    return all(slots[i + calls] - slots[i] >= period - 1e-6
               for i in range(len(slots) - calls))


@pytest.mark.parametrize("kind", ["redis", "postgres"])
async def test_windows_of_several_processes_share_one_budget(
        kind: str, pg_migrated_url: str, redis_url: str) -> None:
    pg_url = pg_migrated_url  # a copy of the session's migrated database
    async with open_store(pg_url) as (_engine, sessions):
        namespace = pg_url.rsplit("/", 1)[1]
        stores = [RedisBudget(redis_url, namespace=namespace) if kind == "redis"
                  else PostgresBudget(sessions, namespace=namespace) for _ in range(3)]
        windows = [SharedWindow(s, "loopback:global", calls=5, period=2.0, slack=0)
                   for s in stores]
        try:
            await asyncio.gather(*(w.store.reserve(w.name, calls=5, period=2.0)
                                   for w in windows for _ in range(10)))
            if kind == "redis":
                import redis.asyncio as aioredis

                client = aioredis.from_url(redis_url)
                key = f"{namespace}:rate:loopback:global"
                slots = [score / 1e6 for _, score in
                         await client.zrange(key, 0, -1, withscores=True)]
                await client.delete(key)
                await client.aclose()
            else:
                from sqlalchemy import select

                from bot.store.models import RateWindow

                async with sessions() as session:
                    slots = [at for _, at in
                             (await session.scalar(select(RateWindow.slots))) or []]
            assert len(slots) == 30 and spread_ok(slots, calls=5, period=2.0)
        finally:
            for store in stores:
                await store.close()


@pytest.mark.parametrize("kind", ["redis", "postgres", "local"])
async def test_two_senders_stay_inside_the_global_limit_only_with_the_shared_budget(
        kind: str, pg_migrated_url: str, redis_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    pg_url = pg_migrated_url  # a copy of the session's migrated database
    from bot.platforms.loopback import LoopbackAdapter

    # A tight global limit (10 requests per 0.5 s), no per-channel limit.
    monkeypatch.setitem(chat_fake.PROFILES, "tight", Profile(10, 0.5, None, 1.0, False))
    namespace = pg_url.rsplit("/", 1)[1]
    async with ChatFake(profile="tight", idempotent=False) as fake, \
            open_store(pg_url) as (_e1, sessions1), open_store(pg_url) as (_e2, sessions2):
        await enqueue(pg_url, MESSAGES, 30)
        senders, adapters, stores = [], [], []
        for sessions in (sessions1, sessions2):
            adapter = LoopbackAdapter(fake.url, zone=ZoneInfo("UTC"))
            await adapter.start()
            store = (RedisBudget(redis_url, namespace=namespace) if kind == "redis" else
                     PostgresBudget(sessions, namespace=namespace) if kind == "postgres"
                     else None)

            def shared(platform: str, calls: int, period: float, store=store) -> SharedWindow:
                assert store is not None
                return SharedWindow(store, f"{platform}:global", calls=calls, period=period)

            adapters.append(adapter)
            stores.append(store)
            senders.append(Sender(sessions, {"loopback": adapter}, SystemClock(),
                                  shared=shared if store is not None else None,
                                  channels_per_claim=4, batch=20))
        stop = asyncio.Event()
        tasks = [asyncio.create_task(s.run(stop, idle_seconds=0.05)) for s in senders]
        try:
            if kind == "local":  # each process spends the whole budget: the platform says no
                await fake.wait_for(lambda: fake.stats["rate_limited"] > 0, within=20)
            else:
                await fake.wait_for(lambda: len(fake.messages) >= MESSAGES, within=30)
        finally:
            stop.set()
            await asyncio.gather(*tasks)
            for adapter in adapters:
                await adapter.stop()
            for store in stores:
                if store is not None:
                    await store.close()
        if kind != "local":
            # Together inside the limit: at most a few stray 429s from timing jitter on a
            # loaded machine (the local case gets them at once: each sender alone would go
            # 2x the limit). A request confirms its shared slot just before it leaves, so
            # a late one takes a new slot instead of crowding the ones reserved after it.
            assert fake.stats["rate_limited"] <= MESSAGES // 8, fake.stats
            assert len({m["key"] for m in fake.messages}) == len(fake.messages) == MESSAGES
