"""The running bot: owns the store, the HTTP session, the scheduler and the platforms.

Resources are entered on an AsyncExitStack and torn down in reverse; nothing does I/O in
``__init__``.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AsyncExitStack
from datetime import datetime, timedelta
from functools import partial
from types import TracebackType
from typing import TYPE_CHECKING

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock, SystemClock
from bot.connections import ConnectionWatch
from bot.delivery import known_edits, outbox, retention
from bot.delivery.digest import DIGESTS_AT_ONCE, digest_trigger, run_due_digests
from bot.delivery.fanout import fan_out, welcome
from bot.delivery.replies import Replier
from bot.delivery.sender import Sender
from bot.deps import Deps
from bot.errors import BotError
from bot.health import Metrics, serve_health
from bot.loopwatch import watch_loop
from bot.model import Request, Result
from bot.news.pipeline import FeedOutcome, IngestInputs, IngestReport, ingest
from bot.platforms.base import PlatformAdapter
from bot.runtime import PlatformFactory, Runtime, open_runtime
from bot.scale.leader import Leader, LeaderGate
from bot.schedule import (
    add_known_job,
    add_poll_jobs,
    add_prune_job,
    add_sync_job,
    add_user_feed_job,
    sync_digest_jobs,
)
from bot.since.visits import record_visit
from bot.stopping import catch_stop_signals, release_stop_signals
from bot.store.models import Story, Subscription
from config.settings import FeedSettings, Settings
from handlers import Registry, default_registry, dispatch
from handlers.context import owns_thread

if TYPE_CHECKING:
    from aiohttp.abc import AbstractResolver

log = logging.getLogger(__name__)


async def first_of(stop: Awaitable[object], *closers: Awaitable[object]) -> None:
    """Wait for ``stop``, or for every closer, whichever comes first.

    The loser is cancelled and awaited: a cancelled ``gather`` ends with an exception,
    which asyncio logs as "never retrieved" unless someone collects it; a closer's real
    error is logged here rather than lost.
    """
    tasks: list[asyncio.Future[object]] = [
        asyncio.ensure_future(stop), asyncio.ensure_future(asyncio.gather(*closers))]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        for outcome in await asyncio.gather(*tasks, return_exceptions=True):
            if isinstance(outcome, Exception):
                log.error("waiting for the platforms to close failed", exc_info=outcome)


def _log_end(task: asyncio.Task[None]) -> None:
    """A background task must not end silently: say how it ended."""
    if task.cancelled():
        return
    exc = task.exception()
    if exc is not None:
        log.error("background task %s died", task.get_name(), exc_info=exc)
    else:
        log.error("background task %s ended unexpectedly", task.get_name())


class BotApp:
    """The bot: its runtime (``bot.runtime``) plus what it does with it. ``async with``
    builds the runtime in one step and closes it in reverse."""

    def __init__(self, settings: Settings, *, clock: Clock | None = None,
                 platforms: Sequence[PlatformAdapter] | PlatformFactory = (),
                 resolver: AbstractResolver | None = None) -> None:
        self.settings = settings
        #: DNS for user-added feeds (tests inject a fake; the guard wraps it).
        self.resolver = resolver
        self.clock = clock or SystemClock()
        self._platforms = platforms
        #: The platforms (built by the runtime when a factory was given).
        self.platforms: list[PlatformAdapter] = [] if callable(platforms) else list(platforms)
        self.registry: Registry = default_registry()
        self.metrics = Metrics()
        self._stack = AsyncExitStack()
        self._runtime: Runtime | None = None
        self._ingest_lock = asyncio.Lock()
        #: Digests being built at once (one scheduler job per subscription, all due at
        #: the same minute): each holds a pooled store connection until it commits.
        self._digests = asyncio.Semaphore(DIGESTS_AT_ONCE)
        # What one ``serve`` run sets up.
        self._stop: asyncio.Event | None = None
        self.health_port: int | None = None
        self._gate: LeaderGate | None = None
        #: The error a platform stopped the bot with (a revoked token): ``serve`` raises it.
        self._fatal: BotError | None = None
        self.connections: ConnectionWatch | None = None

    @property
    def runtime(self) -> Runtime:
        assert self._runtime is not None, "use `async with BotApp(...)`"
        return self._runtime

    @property
    def deps(self) -> Deps:
        return self.runtime.deps

    @property
    def ingest_inputs(self) -> IngestInputs:
        return self.runtime.ingest

    @property
    def leader(self) -> Leader:
        """Who polls and schedules (SQLite: always this process; PostgreSQL: elected)."""
        return self.runtime.leader

    @property
    def sender(self) -> Sender:
        return self.runtime.sender

    async def __aenter__(self) -> BotApp:
        try:
            runtime = await self._stack.enter_async_context(open_runtime(
                self.settings, clock=self.clock, platforms=self._platforms,
                metrics=self.metrics, resolver=self.resolver))
        except BaseException:
            await self._stack.aclose()
            raise
        self._runtime = runtime
        self.platforms = list(runtime.platforms)
        for platform in self.platforms:
            self._wire(platform, runtime.replier)
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None,
                        exc: BaseException | None, tb: TracebackType | None) -> None:
        try:
            await self.settle()
        finally:
            await self._stack.aclose()

    async def settle(self) -> None:
        """Write out the rows queued after replies (answer logs, visits)."""
        if self._runtime is not None and self.deps.later is not None:
            await self.deps.later.drain()

    def _wire(self, platform: PlatformAdapter, replier: Replier) -> None:
        """Point a platform at the app: its requests, its thread checks, its fatal errors,
        and its replies (through the sender's budget)."""
        platform.on_request = self.handle
        if platform.commands is None:
            platform.commands = self.registry
        platform.owns_thread = functools.partial(self.owns_thread, platform.name)
        platform.on_fatal = self._on_fatal
        platform.reply_through = functools.partial(replier.send, platform.name)

    async def handle(self, req: Request) -> Result:
        started = time.perf_counter()
        later = self.deps.later
        assert later is not None  # the runtime builds one
        asker = (req.platform, req.channel_id, req.user_id)
        # What this request may read was written after earlier replies: the channel's
        # answer logs (follow-ups, feedback; keyed by channel in ``answer_for``) and the
        # asker's visit (`since my last visit`). Wait for those only, not for the rest.
        await later.settled((req.platform, req.channel_id))
        await later.settled(asker)
        try:
            return await dispatch(self.registry, req, self.deps)
        finally:
            self.metrics.answer_latency.observe(time.perf_counter() - started)
            # Recorded after the reply, not before it: a write waits for the store's
            # single writer (SQLite), which a digest, a fan-out or the sender may hold.
            later.add(asker, functools.partial(self._record_visit, req, self.clock.now()))
            self.sender.poke()

    @staticmethod
    async def _record_visit(req: Request, seen_at: datetime, session: AsyncSession) -> None:
        """Remember the asker was here at ``seen_at`` (taken when the request was answered,
        not when the late writer gets to it)."""
        await record_visit(session, req, seen_at)

    async def owns_thread(self, platform: str, channel_id: str, thread_id: str) -> bool:
        """Whether ``thread_id`` is one of the bot's update threads in that channel."""
        async with self.deps.sessions() as session:
            return await owns_thread(session, platform=platform, channel_id=channel_id,
                                     thread_id=thread_id)

    async def poll(self, feeds: Sequence[FeedSettings] | None = None, *, force: bool = False,
                   include_user_feeds: bool | None = None,
                   on_progress: Callable[[FeedOutcome], None] | None = None) -> IngestReport:
        """Ingest the followed feeds that are due (all of them with ``force``), plus the
        feeds users added (by default when no feeds are given), and enqueue realtime posts
        for new developments.

        Polls are serialised (one writer); the fan-out is one transaction, so a crash
        leaves either every row of an update enqueued or none (the next poll redoes it)."""
        async with self._ingest_lock:
            report = await ingest(self.ingest_inputs, feeds if feeds is not None
                                  else self.settings.followed_feeds, force=force,
                                  include_user_feeds=(feeds is None if include_user_feeds is None
                                                      else include_user_feeds),
                                  on_progress=on_progress)
            self.metrics.feeds_polled.inc(len(report.outcomes))
            self.metrics.fetch_errors.inc(len(report.errors))
            self.metrics.stories.inc(len(report.new_stories))
            if report.paused:  # enqueued inside the poll's transaction (runtime.enqueue_paused)
                self.sender.poke()
            if report.newsworthy:
                async with self.deps.sessions() as session, session.begin():
                    await fan_out(session, report.newsworthy, self.clock.now(),
                                  triggers=report.triggers,
                                  burst=self.settings.delivery.burst_per_feed,
                                  briefings=self.deps.briefings)
                self.sender.poke()
        return report

    async def catch_up(self) -> int:
        """Fan out recent newsworthy stories again (idempotent: keys and ``PostedStory``),
        so an update whose fan-out a crash interrupted after its articles were stored is
        still posted. Returns rows added."""
        since = self.clock.now() - timedelta(days=self.settings.news.max_age_days)
        async with self.deps.sessions() as session, session.begin():
            ids = (await session.scalars(select(Story.id).where(
                Story.newsworthy.is_(True), Story.latest_at >= since))).all()
            added = (await fan_out(session, ids, self.clock.now(),
                                   burst=self.settings.delivery.burst_per_feed,
                                   briefings=self.deps.briefings) if ids else 0)
        if added:
            log.info("catch-up: enqueued %d messages of an interrupted fan-out", added)
            self.sender.poke()
        return added

    async def poll_feed(self, feed: FeedSettings) -> None:
        await self.poll([feed])

    async def poll_user_feeds(self) -> None:
        await self.poll([], include_user_feeds=True)

    async def digest(self, subscription_id: int | None = None) -> int:
        """Enqueue the due daily digests (one subscription's, or all: the catch-up at start
        posts a digest missed while down if it is within ``digest_grace_hours``)."""
        grace = timedelta(hours=self.settings.delivery.digest_grace_hours)
        async with self._digests, self.deps.sessions() as session, session.begin():
            added = await run_due_digests(session, now=self.clock.now(), grace=grace,
                                          subscription_id=subscription_id,
                                          briefings=self.deps.briefings)
        if added:
            self.sender.poke()
        return added

    async def prune(self) -> retention.Pruned:
        """Delete delivered outbox rows and answer logs past ``delivery.retention_days``."""
        pruned = await retention.prune(self.deps.sessions, now=self.clock.now(),
                                       days=self.settings.delivery.retention_days)
        self.metrics.pruned.inc(pruned.total)
        return pruned

    async def refresh_known(self) -> int:
        """Edit the posted "what we know" blocks whose story changed since."""
        return await known_edits.refresh_known(
            self.deps.sessions, platforms=self.sender.platforms, pacer=self.sender.pacer,
            clock=self.clock)

    async def sync_jobs(self, scheduler: object) -> None:
        """Bring the digest jobs in line with the stored subscriptions."""
        assert isinstance(scheduler, AsyncIOScheduler)
        async with self.deps.sessions() as session:
            subs = (await session.scalars(select(Subscription).where(
                Subscription.active.is_(True), Subscription.daily_at.is_not(None)))).all()
            wanted = {sub.id: digest_trigger(sub) for sub in subs}
        run = self._gate.guard(self.digest) if self._gate is not None else self.digest
        sync_digest_jobs(scheduler, wanted, run=run,
                         grace_seconds=int(self.settings.delivery.digest_grace_hours * 3600))

    async def _on_elected(self, scheduler: AsyncIOScheduler) -> None:
        """This process just became the leader: start the schedule and do at once what no
        one did while there was no leader (fan-outs, due digests, a poll of every feed)."""
        if not scheduler.running:
            return
        scheduler.resume()
        self.metrics.leader.set(1)
        for step in (self.catch_up, self.digest, partial(self.poll, force=True),
                     partial(self.sync_jobs, scheduler)):
            try:
                await step()
            except Exception:
                log.exception("leader start-up step %s failed; the schedule retries it",
                              getattr(step, "__name__", step))

    def _on_lost(self, scheduler: AsyncIOScheduler) -> None:
        self.metrics.leader.set(0)
        if scheduler.running:
            scheduler.pause()

    async def fetch_outbox_depth(self) -> int:
        async with self.deps.sessions() as session:
            return await outbox.depth(session)

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
            await welcome(session, sub, now, briefings=self.deps.briefings)

    def _on_fatal(self, error: BotError) -> None:
        """A platform can never work again: stop, and make ``serve`` raise ``error``."""
        if self._fatal is None:
            self._fatal = error
        self.request_stop()

    def request_stop(self) -> None:
        """Ask ``serve`` to stop as SIGTERM would (embedding, tests)."""
        if self._stop is not None:
            self._stop.set()
        if self._runtime is not None:
            self._runtime.sender.poke()

    async def serve(self, *, until_platforms_close: bool = False) -> None:
        """Run platforms, scheduler and sender until a signal (or, for scripted console
        runs, until every platform's input is closed and pending posts are sent)."""
        stop = self._stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        caught = catch_stop_signals(loop, lambda _signal: stop.set())
        runtime = self.runtime
        for platform in self.platforms:
            await platform.start()
            runtime.stack.push_async_callback(platform.stop)
        watch = self.connections = ConnectionWatch(
            self.platforms, grace_seconds=self.settings.health.disconnected_seconds)
        if self.settings.health.port is not None:
            self.health_port = await runtime.stack.enter_async_context(serve_health(
                self.settings.health.port, self.metrics, fetch_depth=self.fetch_outbox_depth,
                host=self.settings.health.host, connections=watch))
        recovered = await self.sender.recover()
        if recovered:
            log.info("recovered %d outbox claims left by a previous run", recovered)
        scheduler = runtime.scheduler
        # Leader-only work (polls, digests, catch-up) runs through the gate: nothing on a
        # follower, and cancelled the moment leadership is lost.
        gate = self._gate = LeaderGate(
            self.leader, check_seconds=self.settings.scale.leader_check_seconds,
            on_elected=partial(self._on_elected, scheduler),
            on_lost=partial(self._on_lost, scheduler))
        add_poll_jobs(scheduler, self.settings.followed_feeds, poll=gate.guard(self.poll_feed),
                      default_minutes=self.settings.news.poll_interval_minutes)
        add_user_feed_job(scheduler, gate.guard(self.poll_user_feeds),
                          minutes=self.settings.news.poll_interval_minutes)
        add_sync_job(scheduler, gate.guard(partial(self.sync_jobs, scheduler)))
        add_prune_job(scheduler, gate.guard(self.prune),
                      minutes=self.settings.delivery.prune_minutes)
        add_known_job(scheduler, gate.guard(self.refresh_known))
        if self.leader.solo:
            await self.catch_up()
            await self.digest()
            await self.sync_jobs(scheduler)
        if until_platforms_close:
            await self.sender.drain(stop=stop)
        for platform in self.platforms:
            await platform.on_ready()
        scheduler.start(paused=not self.leader.solo)
        self.metrics.leader.set(1 if self.leader.solo else 0)
        sender_task = asyncio.create_task(self.sender.run(
            stop, idle_seconds=self.settings.scale.idle_seconds), name="sender")
        lag_task = asyncio.create_task(watch_loop(self.metrics.loop_lag.observe),
                                       name="loop-lag")
        lag_task.add_done_callback(_log_end)
        gate_task = (None if self.leader.solo
                     else asyncio.create_task(gate.run(stop), name="leader-election"))
        watch_task = asyncio.create_task(watch.run(stop), name="connection-watch")
        try:
            if until_platforms_close:
                await first_of(stop.wait(), *(p.wait_closed() for p in self.platforms))
                await self.sender.drain(stop=stop)
            else:
                await stop.wait()
        finally:
            # Stop taking work; jobs are idempotent, so cancelling one mid-run is harmless.
            stop.set()
            if gate_task is not None:
                await gate_task
            if scheduler.running:
                scheduler.shutdown(wait=False)
            lag_task.cancel()
            self.sender.poke()  # wake an idle sender so it sees the stop now, not in 1 s
            await sender_task
            await watch_task
            release_stop_signals(loop, caught)
        if self._fatal is not None:
            raise self._fatal
