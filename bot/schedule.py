"""APScheduler jobs. Each job is a one-liner that calls the engine; the engine is
idempotent, so a job cancelled by shutdown and run again later does no harm.

APScheduler 3.x traps handled here: the default misfire grace is 1 s (a busy loop would
silently skip runs), so every job sets its own; ``from_crontab`` counts Monday as 0, so
digest triggers use day names (``bot.delivery.digest.digest_trigger``); no persistent job
store is used (they need a synchronous URL and must not be shared between processes): the
store's own tables (feeds, subscriptions, ``JobRun``) are the source of truth and jobs are
rebuilt from them at start and every minute.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from functools import partial

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.base import BaseTrigger

from config.settings import FeedSettings

#: A poll that is this late is skipped (the next one is due soon anyway), in intervals.
POLL_MISFIRE_FRACTION = 0.5
SYNC_SECONDS = 60


def build_scheduler(*, timezone: str) -> AsyncIOScheduler:
    return AsyncIOScheduler(timezone=timezone, job_defaults={
        "coalesce": True, "max_instances": 1, "misfire_grace_time": 300})


def poll_jitter(minutes: float) -> int:
    """Spread polls so feeds sharing a host are not hit at the same second."""
    return max(1, min(30, int(minutes * 6)))


def add_poll_jobs(scheduler: AsyncIOScheduler, feeds: Sequence[FeedSettings], *,
                  poll: Callable[[FeedSettings], Awaitable[object]],
                  default_minutes: float) -> None:
    """One interval job per feed, at the feed's own interval."""
    for feed in feeds:
        minutes = feed.interval_minutes or default_minutes
        scheduler.add_job(partial(poll, feed), "interval", minutes=minutes,
                          id=f"poll:{feed.url}", jitter=poll_jitter(minutes),
                          misfire_grace_time=max(1, int(minutes * 60 * POLL_MISFIRE_FRACTION)),
                          coalesce=True, max_instances=1, replace_existing=True)


def add_user_feed_job(scheduler: AsyncIOScheduler, poll: Callable[[], Awaitable[object]], *,
                      minutes: float) -> None:
    """Feeds users add in chat live in the store, not the config: one job polls those due."""
    scheduler.add_job(poll, "interval", minutes=minutes, id="poll:user-feeds",
                      jitter=poll_jitter(minutes),
                      misfire_grace_time=max(1, int(minutes * 60 * POLL_MISFIRE_FRACTION)),
                      coalesce=True, max_instances=1, replace_existing=True)


def sync_digest_jobs(scheduler: AsyncIOScheduler, wanted: dict[int, BaseTrigger], *,
                     run: Callable[[int], Awaitable[object]], grace_seconds: int) -> None:
    """Make the digest jobs match ``wanted`` (subscription id -> trigger)."""
    for job in scheduler.get_jobs():
        if not job.id.startswith("digest:"):
            continue
        sub_id = int(job.id.removeprefix("digest:"))
        if sub_id in wanted and str(job.trigger) == str(wanted[sub_id]):
            wanted = {k: v for k, v in wanted.items() if k != sub_id}
        else:
            job.remove()
    for sub_id, trigger in wanted.items():
        scheduler.add_job(partial(run, sub_id), trigger, id=f"digest:{sub_id}",
                          misfire_grace_time=max(1, grace_seconds), coalesce=True,
                          max_instances=1, replace_existing=True)


def add_sync_job(scheduler: AsyncIOScheduler, sync: Callable[[], Awaitable[object]]) -> None:
    scheduler.add_job(sync, "interval", seconds=SYNC_SECONDS, id="sync", coalesce=True,
                      max_instances=1, misfire_grace_time=SYNC_SECONDS)


def add_prune_job(scheduler: AsyncIOScheduler, prune: Callable[[], Awaitable[object]], *,
                  minutes: float) -> None:
    """Retention: delivered outbox rows and old answer logs, pruned by the leader."""
    scheduler.add_job(prune, "interval", minutes=minutes, id="prune", coalesce=True,
                      max_instances=1, misfire_grace_time=max(1, int(minutes * 30)))


#: How often the leader refreshes posted "what we know" blocks.
KNOWN_MINUTES = 5.0


def add_known_job(scheduler: AsyncIOScheduler, refresh: Callable[[], Awaitable[object]], *,
                  minutes: float = KNOWN_MINUTES) -> None:
    """"What we know" blocks: edited by the leader when their story changed."""
    scheduler.add_job(refresh, "interval", minutes=minutes, id="known", coalesce=True,
                      max_instances=1, misfire_grace_time=max(1, int(minutes * 30)))
