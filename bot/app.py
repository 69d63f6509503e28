"""The running bot: owns the store, the HTTP session, the scheduler and the platforms.

Resources are entered on an AsyncExitStack and torn down in reverse; nothing does I/O in
``__init__``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AsyncExitStack
from types import TracebackType

import aiohttp
from aiohttp.abc import AbstractResolver
from sqlalchemy import select

from bot.clock import Clock, SystemClock
from bot.delivery.fanout import fan_out, welcome
from bot.delivery.sender import Sender
from bot.deps import Deps
from bot.model import Request, Result
from bot.news.guard import GuardedResolver
from bot.news.pipeline import FeedOutcome, IngestReport, ingest
from bot.platforms.base import PlatformAdapter
from bot.schedule import build_scheduler
from bot.store.db import open_store, sqlite_url
from bot.store.models import Subscription
from config.settings import FeedSettings, Settings
from handlers import Registry, default_registry, dispatch

log = logging.getLogger(__name__)


async def first_of(stop: Awaitable[object], *closers: Awaitable[object]) -> None:
    """Wait for ``stop``, or for every closer, whichever comes first."""
    tasks: list[asyncio.Future[object]] = [
        asyncio.ensure_future(stop), asyncio.ensure_future(asyncio.gather(*closers))]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()


def http_session(settings: Settings, *,
                 resolver: AbstractResolver | None = None) -> aiohttp.ClientSession:
    """The shared HTTP session: its pool is bounded overall; the per-host bound is the
    pipeline's (a slot taken before the request, outside the request timeout)."""
    f = settings.fetch
    connector = aiohttp.TCPConnector(limit=f.concurrency,
                                     resolver=resolver, ttl_dns_cache=300)
    return aiohttp.ClientSession(connector=connector, auto_decompress=True)


def database_url(settings: Settings) -> str:
    return settings.database_url or sqlite_url(settings.sqlite_path())


class BotApp:
    def __init__(self, settings: Settings, *, clock: Clock | None = None,
                 platforms: Sequence[PlatformAdapter] = (),
                 resolver: AbstractResolver | None = None) -> None:
        self.settings = settings
        #: DNS for user-added feeds (tests inject a fake; the guard wraps it).
        self.resolver = resolver
        self.clock = clock or SystemClock()
        self.platforms = list(platforms)
        self.registry: Registry = default_registry()
        self._stack = AsyncExitStack()
        self._deps: Deps | None = None
        self._sender: Sender | None = None

    @property
    def deps(self) -> Deps:
        assert self._deps is not None, "use `async with BotApp(...)`"
        return self._deps

    @property
    def sender(self) -> Sender:
        assert self._sender is not None, "use `async with BotApp(...)`"
        return self._sender

    async def __aenter__(self) -> BotApp:
        try:
            _engine, sessions = await self._stack.enter_async_context(
                open_store(database_url(self.settings)))
            http = await self._stack.enter_async_context(http_session(self.settings))
            guarded = await self._stack.enter_async_context(http_session(
                self.settings, resolver=GuardedResolver(
                    self.resolver or aiohttp.DefaultResolver(),
                    allow_hosts=self.settings.fetch.allow_hosts)))
            self._deps = Deps(self.settings, sessions, http, self.clock, guarded_http=guarded)
            self._sender = Sender(sessions, {p.name: p for p in self.platforms}, self.clock)
        except BaseException:
            await self._stack.aclose()
            raise
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None,
                        exc: BaseException | None, tb: TracebackType | None) -> None:
        await self._stack.aclose()

    async def handle(self, req: Request) -> Result:
        result = await dispatch(self.registry, req, self.deps)
        self.sender.poke()
        return result

    async def poll(self, feeds: Sequence[FeedSettings] | None = None, *, force: bool = False,
                   on_progress: Callable[[FeedOutcome], None] | None = None) -> IngestReport:
        """Ingest the followed feeds that are due (all of them with ``force``), plus the
        feeds users added, and enqueue realtime posts for new developments."""
        report = await ingest(self.deps, feeds if feeds is not None
                              else self.settings.followed_feeds, force=force,
                              include_user_feeds=feeds is None, on_progress=on_progress)
        if report.newsworthy:
            async with self.deps.sessions() as session, session.begin():
                await fan_out(session, report.newsworthy, self.clock.now())
            self.sender.poke()
        return report

    async def ensure_subscription(self, platform: str, channel_id: str) -> None:
        """Subscribe a channel at start (the console's own channel), with a welcome post."""
        now = self.clock.now()
        async with self.deps.sessions() as session, session.begin():
            exists = await session.scalar(select(Subscription).where(
                Subscription.platform == platform, Subscription.channel_id == channel_id))
            if exists is not None:
                return
            sub = Subscription(platform=platform, channel_id=channel_id, realtime=True,
                               lang=self.settings.language, timezone=self.settings.timezone,
                               since=now, created_at=now, created_by="operator")
            session.add(sub)
            await session.flush()
            await welcome(session, sub, now)

    async def serve(self, *, until_platforms_close: bool = False) -> None:
        """Run platforms, scheduler and sender until a signal (or, for scripted console
        runs, until every platform's input is closed and pending posts are sent)."""
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(sig, stop.set)
        for platform in self.platforms:
            platform.on_request = self.handle
        for platform in self.platforms:
            await platform.start()
            self._stack.push_async_callback(platform.stop)
        scheduler = build_scheduler(poll=self.poll,
                                    poll_minutes=self.settings.news.poll_interval_minutes,
                                    timezone=self.settings.timezone)
        await self.sender.drain()
        for platform in self.platforms:
            await platform.on_ready()
        scheduler.start()
        sender_task = asyncio.create_task(self.sender.run(stop), name="sender")
        try:
            if until_platforms_close:
                await first_of(stop.wait(), *(p.wait_closed() for p in self.platforms))
                await self.sender.drain()
            else:
                await stop.wait()
        finally:
            scheduler.shutdown(wait=False)
            stop.set()
            await sender_task
            for sig in (signal.SIGTERM, signal.SIGINT):
                with contextlib.suppress(NotImplementedError, RuntimeError):
                    loop.remove_signal_handler(sig)
