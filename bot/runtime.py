"""Everything the running bot holds, built in one step and torn down in reverse.

``open_runtime`` enters each resource on one ``AsyncExitStack`` as it makes it (store,
HTTP sessions, parse workers, picture cache, shared budget, leader, scheduler) and
yields a frozen ``Runtime``: nothing is set on it afterwards, so no part of the bot has
to ask whether another part exists yet. A failure half-way closes what was opened.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, cast

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from bot.answer.engine import Engine
from bot.answer.persist import index_dir_for
from bot.clock import Clock
from bot.delivery import outbox
from bot.delivery.replies import Replier
from bot.delivery.sender import Sender
from bot.deps import Deps
from bot.health import Metrics
from bot.model import Notice
from bot.news.pipeline import IngestInputs, PausedNotice
from bot.news.workers import ParsePool
from bot.platforms.base import PlatformAdapter
from bot.scale.budget import BudgetStore, SharedWindow, build_budget
from bot.scale.leader import Leader, build_leader
from bot.schedule import build_scheduler
from bot.store.db import SessionFactory, database_url, open_store
from bot.store.later import LateWriter
from bot.store.models import AnswerLog
from config.settings import Settings

if TYPE_CHECKING:
    import aiohttp
    from aiohttp.abc import AbstractResolver

#: Builds the platforms on the runtime's HTTP session for platform calls.
PlatformFactory = Callable[["aiohttp.ClientSession"], Sequence[PlatformAdapter]]

#: Make each HTTP session on its first use: a run that fetches nothing over HTTP (`ask`,
#: `brief`, the console over the bundled demo feeds) never imports aiohttp (about 0.2 s of
#: CPU at every start, stop 42). False: the sessions are made at start, as before.
LAZY_SESSIONS = True


@dataclass(frozen=True)
class Runtime:
    """The bot's resources, each built once; ``stack`` owns them (and whatever is
    started later for the same run, such as the platforms and the health server)."""

    settings: Settings
    clock: Clock
    engine: AsyncEngine
    sessions: SessionFactory
    deps: Deps
    ingest: IngestInputs
    leader: Leader
    budget: BudgetStore | None
    sender: Sender
    replier: Replier
    scheduler: AsyncIOScheduler
    platforms: tuple[PlatformAdapter, ...]
    stack: AsyncExitStack


def worker_name() -> str:
    """``host:pid:random``: who holds an outbox claim, readable by operators."""
    return f"{socket.gethostname()[:64]}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class LazySession:
    """An ``aiohttp.ClientSession`` made when first used (any attribute: ``get``,
    ``closed``, ...); ``close`` closes it only if it was made."""

    def __init__(self, make: Callable[[], aiohttp.ClientSession]) -> None:
        self._make = make
        self._session: aiohttp.ClientSession | None = None
        self._ended = False

    @property
    def made(self) -> bool:
        return self._session is not None

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # copy, pickle and friends ask for these: not a use
            raise AttributeError(name)
        if self._session is None:
            if self._ended:  # closed before any use: as a closed session answers
                if name == "closed":
                    return True
                raise RuntimeError("Session is closed")
            self._session = self._make()
        return getattr(self._session, name)

    async def close(self) -> None:
        self._ended = True
        if self._session is not None:
            await self._session.close()


async def _session(stack: AsyncExitStack,
                   make: Callable[[], aiohttp.ClientSession]) -> aiohttp.ClientSession:
    """A session closed with ``stack``: made now, or on first use (``LAZY_SESSIONS``)."""
    if not LAZY_SESSIONS:
        return await stack.enter_async_context(make())
    lazy = LazySession(make)
    stack.push_async_callback(lazy.close)
    return cast("aiohttp.ClientSession", lazy)


def http_session(settings: Settings, *,
                 guard_resolver: AbstractResolver | None = None) -> aiohttp.ClientSession:
    """An HTTP session: its pool is bounded overall; the per-host bound is the pipeline's
    (a slot taken before the request, outside the request timeout). With
    ``guard_resolver``, the SSRF-guarded session (private addresses refused on connect)."""
    import aiohttp

    from bot.news.guard import guarded_connector

    f = settings.fetch
    connector = (aiohttp.TCPConnector(limit=f.concurrency, ttl_dns_cache=300)
                 if guard_resolver is None else guarded_connector(
                     resolver=guard_resolver, allow_hosts=f.allow_hosts, limit=f.concurrency))
    return aiohttp.ClientSession(connector=connector, auto_decompress=True)


def _default_resolver() -> AbstractResolver:
    import aiohttp

    return aiohttp.DefaultResolver()


def _platform_session() -> aiohttp.ClientSession:
    import aiohttp

    return aiohttp.ClientSession()


def _shutdown(scheduler: AsyncIOScheduler) -> None:
    if scheduler.running:
        scheduler.shutdown(wait=False)


async def enqueue_paused(session: AsyncSession, notices: Sequence[PausedNotice],
                         now: datetime) -> None:
    """Paused-feed notices as outbox rows, in the poll's transaction (with the pause)."""
    await outbox.enqueue(session, [
        outbox.Outgoing(key=n.key, platform=n.platform, channel_id=n.channel_id,
                        part=Notice(n.text), subscription_id=n.subscription_id)
        for n in notices], now)


@asynccontextmanager
async def open_runtime(settings: Settings, *, clock: Clock,
                       platforms: Sequence[PlatformAdapter] | PlatformFactory = (),
                       metrics: Metrics | None = None,
                       resolver: AbstractResolver | None = None) -> AsyncIterator[Runtime]:
    """Build the runtime; on exit, close everything in the reverse order of opening.

    Args:
        platforms: the platforms, or a factory that builds them on the runtime's HTTP
            session for platform calls (kept apart from feed fetching, whose connection
            limit must not hold replies back).
        resolver: DNS for user-added feeds (tests inject a fake; the SSRF guard wraps it).

    Raises:
        StoreError: the store cannot be opened or upgraded.
    """
    async with AsyncExitStack() as stack:
        url = database_url(settings)
        engine, sessions = await stack.enter_async_context(open_store(url))
        http = await _session(stack, lambda: http_session(settings))
        guarded = await _session(stack, lambda: http_session(
            settings, guard_resolver=resolver or _default_resolver()))
        deps = Deps(settings, sessions, http, clock, guarded_http=guarded,
                    engine=Engine(index_dir=index_dir_for(url, data_dir=settings.data_dir)),
                    later=LateWriter(sessions))
        assert deps.later is not None
        await deps.later.reserve_ahead(AnswerLog.__tablename__)
        # Written out before the store closes (SIGTERM loses no answer log or visit).
        stack.push_async_callback(deps.later.drain)
        platform_http = await _session(stack, _platform_session)
        adapters = tuple(platforms(platform_http) if callable(platforms) else platforms)
        if deps.pictures is not None:
            stack.callback(deps.pictures.close)
        pool = ParsePool()
        stack.callback(pool.close)
        scale = settings.scale
        solo = engine.dialect.name == "sqlite"
        leader = build_leader(engine, solo=solo, timeout=scale.leader_check_seconds)
        # Released before the engine is disposed (the lock lives on one of its connections).
        stack.push_async_callback(leader.release)
        budget = build_budget(scale.budget, redis_url=scale.redis_url, sessions=sessions,
                              namespace=scale.budget_namespace)
        if budget is not None:
            stack.push_async_callback(budget.close)
        shared = budget

        def window(platform: str, calls: int, period: float) -> SharedWindow:
            assert shared is not None
            return SharedWindow(shared, f"{platform}:global", calls=calls, period=period)

        on_sent = metrics.on_sent if metrics is not None else None
        # Several processes share the outbox: each claims a bounded share (solo: all).
        shares: dict[str, int] = {} if solo else {"batch": scale.claim_batch}
        sender = Sender(sessions, {p.name: p for p in adapters}, clock,
                        worker=worker_name(), on_sent=on_sent,
                        lease=timedelta(seconds=scale.lease_seconds),
                        shared=window if budget is not None else None,
                        channels_per_claim=None if solo else scale.claim_channels,
                        **shares)
        scheduler = build_scheduler(timezone=settings.timezone)
        stack.callback(_shutdown, scheduler)
        yield Runtime(
            settings=settings, clock=clock, engine=engine, sessions=sessions, deps=deps,
            ingest=IngestInputs(settings=settings, sessions=sessions, http=http, clock=clock,
                                topic=deps.topic, guarded_http=guarded, pool=pool,
                                on_paused=enqueue_paused),
            leader=leader, budget=budget, sender=sender, replier=Replier(sender),
            scheduler=scheduler, platforms=adapters, stack=stack)
